import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Area, Department, Position, Site } from '@hadir/contracts';
import { api } from '../../api/client';
import { queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import {
  Button,
  IconButton,
  Card,
  CardHeader,
  FormError,
  Input,
  NamedOptions,
  Select,
  ConfirmDialog,
  PageHeader,
  SkeletonRows,
  useToast,
} from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';

type Catalog = 'departments' | 'positions' | 'sites' | 'areas';
type Item = {
  id: string;
  name: string;
  employeeCount?: number;
  address?: string | null;
  siteId?: string | null;
};

const SCHEMAS = {
  departments: Department.array(),
  positions: Position.array(),
  sites: Site.array(),
  areas: Area.array(),
} as const;

const keyOf = (c: Catalog) => (c === 'sites' ? (['sites'] as const) : queryKeys[c]);
const list = (c: Catalog) => api.get<Item[]>(`/api/${c}`, undefined, SCHEMAS[c]);

/** Departments, positions, sites and areas: add, rename, delete (they were only created by imports). */
export function StructurePage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('lv.structure.title')} description={t('lv.structure.subtitle')} />
      <div className="grid gap-5 lg:grid-cols-2">
        {(['departments', 'positions', 'sites', 'areas'] as const).map((c) => (
          <CatalogCard key={c} catalog={c} />
        ))}
      </div>
    </>
  );
}

function CatalogCard({ catalog }: { catalog: Catalog }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const items = useQuery({ queryKey: keyOf(catalog), queryFn: () => list(catalog) });
  const sites = useQuery({
    queryKey: keyOf('sites'),
    queryFn: () => list('sites'),
    enabled: catalog === 'areas',
  });
  const [name, setName] = useState('');
  const [extra, setExtra] = useState('');
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const [deleting, setDeleting] = useState<Item | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: keyOf(catalog) });

  const add = useMutation({
    mutationFn: () =>
      api.post(`/api/${catalog}`, {
        name: name.trim(),
        ...(catalog === 'sites' ? { address: extra.trim() || null } : {}),
        ...(catalog === 'areas' ? { siteId: extra || null } : {}),
      }),
    onSuccess: async () => {
      setName('');
      setExtra('');
      toast.show(t('lv.structure.saved'));
      await refresh();
    },
  });
  const rename = useMutation({
    mutationFn: (e: { id: string; name: string }) =>
      api.patch(`/api/${catalog}/${encodeURIComponent(e.id)}`, { name: e.name.trim() }),
    onSuccess: async () => {
      setEditing(null);
      toast.show(t('lv.structure.saved'));
      await refresh();
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const remove = useMutation({
    mutationFn: (item: Item) => api.delete(`/api/${catalog}/${encodeURIComponent(item.id)}`),
    onSuccess: async () => {
      setDeleting(null);
      toast.show(t('lv.structure.deleted'));
      await refresh();
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const title = t(`lv.structure.${catalog}`);
  const siteName = (id: string | null | undefined) => sites.data?.find((s) => s.id === id)?.name;

  return (
    <Card>
      <CardHeader title={title} />
      <form
        className="flex flex-wrap gap-2 border-b border-border px-4 py-3 sm:px-5"
        onSubmit={(ev: FormEvent) => {
          ev.preventDefault();
          if (name.trim()) add.mutate();
        }}
      >
        <Input
          aria-label={`${title}: ${t('lv.structure.name')}`}
          placeholder={t('lv.structure.name')}
          value={name}
          maxLength={120}
          onChange={(e) => setName(e.target.value)}
          className="min-w-40 flex-1"
        />
        {catalog === 'sites' ? (
          <Input
            aria-label={t('lv.structure.address')}
            placeholder={t('lv.structure.address')}
            value={extra}
            maxLength={300}
            onChange={(e) => setExtra(e.target.value)}
            className="min-w-40 flex-1"
          />
        ) : null}
        {catalog === 'areas' ? (
          <Select
            aria-label={t('lv.structure.site')}
            value={extra}
            onChange={(e) => setExtra(e.target.value)}
            className="w-auto"
          >
            <NamedOptions none={t('lv.structure.noSite')} items={sites.data} />
          </Select>
        ) : null}
        <Button type="submit" variant="primary" icon="plus" loading={add.isPending} disabled={!name.trim()}>
          {t('lv.structure.add')}
        </Button>
        {add.isError ? (
          <div className="w-full">
            <FormError>{errorMessage(t, add.error)}</FormError>
          </div>
        ) : null}
      </form>
      {items.isError ? (
        <LoadFailed error={items.error} />
      ) : items.isPending ? (
        <SkeletonRows rows={3} />
      ) : items.data.length === 0 ? (
        <p className="px-4 py-6 text-sm text-muted sm:px-5">{t('lv.structure.empty')}</p>
      ) : (
        <ul className="divide-y divide-border" aria-label={title} data-testid={`structure-${catalog}`}>
          {items.data.map((item) => (
            <li key={item.id} className="flex items-center gap-2 px-4 py-2 sm:px-5">
              {editing?.id === item.id ? (
                <form
                  className="flex flex-1 gap-2"
                  onSubmit={(ev: FormEvent) => {
                    ev.preventDefault();
                    rename.mutate(editing);
                  }}
                >
                  <Input
                    aria-label={t('lv.structure.rename')}
                    value={editing.name}
                    maxLength={120}
                    autoFocus
                    onChange={(e) => setEditing({ id: item.id, name: e.target.value })}
                    className="flex-1"
                  />
                  <Button type="submit" size="sm" variant="primary" loading={rename.isPending}>
                    {t('common.save')}
                  </Button>
                  <Button size="sm" onClick={() => setEditing(null)}>
                    {t('common.cancel')}
                  </Button>
                </form>
              ) : (
                <>
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium text-fg">{item.name}</p>
                    <p className="truncate text-xs text-muted">
                      {item.employeeCount !== undefined
                        ? t('lv.structure.employees', { count: item.employeeCount })
                        : null}
                      {item.address ?? null}
                      {catalog === 'areas' ? (siteName(item.siteId) ?? null) : null}
                    </p>
                  </div>
                  <IconButton
                    icon="edit"
                    label={`${t('lv.structure.rename')} ${item.name}`}
                    onClick={() => setEditing({ id: item.id, name: item.name })}
                  />
                  <IconButton
                    icon="trash"
                    label={`${t('common.delete')} ${item.name}`}
                    onClick={() => setDeleting(item)}
                  />
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== null}
        onCancel={() => setDeleting(null)}
        title={t('lv.structure.confirmDelete', { name: deleting?.name ?? '' })}
        body={t('lv.structure.confirmDeleteBody')}
        confirmLabel={t('common.delete')}
        tone="danger"
        busy={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
      />
    </Card>
  );
}
