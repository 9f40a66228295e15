import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CustomRole } from '@hadir/contracts';
import {
  Badge,
  Button,
  Card,
  CardHeader,
  Checkbox,
  ConfirmDialog,
  EmptyState,
  FormError,
  FormModal,
  Icon,
  PageHeader,
  TextField,
  useToast,
} from '@hadir/ui';
import { ApiError } from '../../api/client';
import { queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useSession } from '../../auth/session';
import { LoadFailed } from '../shared/load-failed';
import { groupPermissions, permissionLabelKey, roleKeys, rolesApi } from './roles-api';

type Draft = { id: string | null; name: string; description: string; permissions: Set<string> };

/** Admins: built-in roles (read-only) and the organization's custom roles as named sets of permissions. */
export function RolesPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const session = useSession();
  const mine = new Set(session.permissions);
  const catalog = useQuery({ queryKey: roleKeys.all, queryFn: rolesApi.catalog });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<CustomRole | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: roleKeys.all });
    await qc.invalidateQueries({ queryKey: queryKeys.users });
  };
  const save = useMutation({
    mutationFn: (d: Draft) => {
      const body = {
        name: d.name.trim(),
        description: d.description.trim() || null,
        permissions: [...d.permissions],
      };
      return d.id ? rolesApi.update(d.id, body) : rolesApi.create(body);
    },
    onSuccess: async (role, d) => {
      toast.show(t(d.id ? 'rolesPage.saved' : 'rolesPage.created', { name: role.name }));
      setDraft(null);
      await refresh();
    },
    onError: (error) => setFormError(errorMessage(t, error)),
  });
  const remove = useMutation({
    mutationFn: (r: CustomRole) => rolesApi.remove(r.id),
    onSuccess: async (_x, r) => {
      toast.show(t('rolesPage.deleted', { name: r.name }));
      setToDelete(null);
      await refresh();
    },
    onError: (error) => {
      setToDelete(null);
      toast.show(
        error instanceof ApiError && error.code === 'role_in_use'
          ? t('rolesPage.inUse')
          : errorMessage(t, error),
        'error',
      );
    },
  });

  const startNew = () => {
    setFormError(null);
    setDraft({ id: null, name: '', description: '', permissions: new Set() });
  };
  const startEdit = (r: CustomRole) => {
    setFormError(null);
    setDraft({
      id: r.id,
      name: r.name,
      description: r.description ?? '',
      permissions: new Set(r.permissions),
    });
  };
  const toggle = (p: string, on: boolean) =>
    setDraft((d) => {
      if (!d) return d;
      const next = new Set(d.permissions);
      if (on) next.add(p);
      else next.delete(p);
      return { ...d, permissions: next };
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft) save.mutate(draft);
  };

  const permissionList = (permissions: readonly string[]) => (
    <div className="space-y-3">
      {groupPermissions(permissions).map(([group, ps]) => (
        <div key={group}>
          <p className="text-xs font-semibold uppercase tracking-wide text-muted">
            {t(`rolesPage.groups.${group}`)}
          </p>
          <ul className="mt-1 flex flex-wrap gap-1.5">
            {ps.map((p) => (
              <li key={p}>
                <Badge tone="neutral">{t(permissionLabelKey(p))}</Badge>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
  const roleRow = (
    key: string,
    title: string,
    badge: ReactNode,
    perms: string[],
    users: number,
    actions?: ReactNode,
  ) => (
    <li key={key} className="px-4 py-3 sm:px-5">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-2 font-medium text-fg">
            <span className="break-words">{title}</span>
            {badge}
          </p>
          <p className="text-xs text-muted">
            {`${t('rolesPage.permissionCount', { count: perms.length })} · ${t('rolesPage.userCount', { count: users })}`}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button
            size="sm"
            variant="ghost"
            aria-expanded={open === key}
            onClick={() => setOpen(open === key ? null : key)}
          >
            {t(open === key ? 'rolesPage.hide' : 'rolesPage.show')}
          </Button>
          {actions}
        </div>
      </div>
      {open === key ? <div className="mt-3">{permissionList(perms)}</div> : null}
    </li>
  );

  if (catalog.isError) return <LoadFailed error={catalog.error} />;
  const data = catalog.data;

  return (
    <>
      <PageHeader
        title={t('rolesPage.title')}
        description={t('rolesPage.subtitle')}
        actions={
          <Button variant="primary" onClick={startNew} disabled={!data}>
            <Icon name="plus" className="h-4 w-4" />
            {t('rolesPage.newRole')}
          </Button>
        }
      />
      <div className="space-y-6">
        <Card>
          <CardHeader title={t('rolesPage.custom')} description={t('rolesPage.customHint')} />
          {data && data.custom.length === 0 ? (
            <EmptyState
              icon="shield"
              title={t('rolesPage.customEmpty')}
              description={t('rolesPage.customEmptyHint')}
            />
          ) : (
            <ul className="divide-y divide-border" aria-busy={!data}>
              {data?.custom.map((r) =>
                roleRow(
                  r.id,
                  r.name,
                  <Badge tone="primary">{t('rolesPage.customBadge')}</Badge>,
                  r.permissions,
                  r.userCount,
                  <>
                    <Button size="sm" onClick={() => startEdit(r)}>
                      <Icon name="edit" className="h-4 w-4" />
                      {t('common.edit')}
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-danger-text"
                      disabled={r.userCount > 0}
                      title={r.userCount > 0 ? t('rolesPage.inUse') : undefined}
                      onClick={() => setToDelete(r)}
                    >
                      <Icon name="trash" className="h-4 w-4" />
                      {t('rolesPage.delete')}
                    </Button>
                  </>,
                ),
              )}
            </ul>
          )}
        </Card>
        <Card>
          <CardHeader title={t('rolesPage.builtIn')} description={t('rolesPage.builtInHint')} />
          <ul className="divide-y divide-border">
            {data?.builtIn.map((r) =>
              roleRow(
                r.name,
                t(`roles.${r.name}`),
                <Badge tone="slate">{t('rolesPage.builtInBadge')}</Badge>,
                r.permissions,
                r.userCount,
              ),
            )}
          </ul>
        </Card>
      </div>

      <FormModal
        open={draft !== null}
        onClose={() => setDraft(null)}
        title={draft?.id ? t('rolesPage.editRole', { name: draft.name }) : t('rolesPage.newRole')}
        formId="role-form"
        onSubmit={submit}
        submitLabel={draft?.id ? t('rolesPage.save') : t('rolesPage.create')}
        submitting={save.isPending}
        formClassName="space-y-4"
      >
        <FormError>{formError}</FormError>
        <TextField
          label={t('rolesPage.name')}
          value={draft?.name ?? ''}
          required
          minLength={2}
          maxLength={60}
          onChange={(e) => setDraft((d) => (d ? { ...d, name: e.target.value } : d))}
        />
        <TextField
          label={t('rolesPage.description')}
          value={draft?.description ?? ''}
          maxLength={300}
          onChange={(e) => setDraft((d) => (d ? { ...d, description: e.target.value } : d))}
        />
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-fg">{t('rolesPage.permissions')}</legend>
          {data
            ? groupPermissions(data.permissions).map(([group, ps]) => {
                const grantable = ps.filter((p) => mine.has(p));
                const all = grantable.length > 0 && grantable.every((p) => draft?.permissions.has(p));
                return (
                  <div key={group} className="rounded-lg border border-border p-3">
                    <div className="flex items-center justify-between gap-2">
                      <p className="text-sm font-semibold text-fg">{t(`rolesPage.groups.${group}`)}</p>
                      <Checkbox
                        label={t('rolesPage.selectAll')}
                        checked={all}
                        disabled={grantable.length === 0}
                        onChange={(e) => grantable.forEach((p) => toggle(p, e.target.checked))}
                      />
                    </div>
                    <div className="mt-2 grid gap-2 sm:grid-cols-2">
                      {ps.map((p) => (
                        <Checkbox
                          key={p}
                          label={t(permissionLabelKey(p))}
                          checked={draft?.permissions.has(p) ?? false}
                          disabled={!mine.has(p)}
                          title={mine.has(p) ? p : t('rolesPage.notYours')}
                          onChange={(e) => toggle(p, e.target.checked)}
                        />
                      ))}
                    </div>
                  </div>
                );
              })
            : null}
        </fieldset>
      </FormModal>
      <ConfirmDialog
        open={toDelete !== null}
        title={t('rolesPage.deleteTitle', { name: toDelete?.name ?? '' })}
        body={t('rolesPage.deleteBody')}
        confirmLabel={t('rolesPage.delete')}
        busy={remove.isPending}
        onConfirm={() => toDelete && remove.mutate(toDelete)}
        onCancel={() => setToDelete(null)}
      />
    </>
  );
}
