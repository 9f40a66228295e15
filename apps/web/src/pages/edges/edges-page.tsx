import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EdgeView } from '@hadir/contracts';
import {
  Badge,
  Button,
  Card,
  Checkbox,
  ConfirmDialog,
  DataTable,
  EmptyState,
  FormError,
  FormModal,
  PageHeader,
  TextField,
  type Column,
  useToast,
} from '@hadir/ui';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useOrgTime } from '../../i18n/org-time';
import { sitesApi } from '../attendance-rules/rules-api';
import { LoadFailed } from '../shared/load-failed';
import { SecretDialog } from '../shared/secret-dialog';
import { edgeKeys, edgesApi } from './edges-api';

const STATE_TONE = { pending: 'neutral', online: 'success', lost: 'warning', revoked: 'danger' } as const;
/** Status, last contact and queue depth move while the page is open. */
const REFRESH_MS = 5000;

/** Camera managers: the organization's edge boxes, their health, enrol codes (shown once) and revocation. */
export function EdgesPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const time = useOrgTime();
  const [creating, setCreating] = useState(false);
  const [code, setCode] = useState<string | null>(null);
  const [toRevoke, setToRevoke] = useState<EdgeView | null>(null);
  const edges = useQuery({ queryKey: edgeKeys.all, queryFn: edgesApi.list, refetchInterval: REFRESH_MS });
  const sites = useQuery({ queryKey: ['sites'], queryFn: sitesApi.list });
  const siteName = (id: string) => sites.data?.find((s) => s.id === id)?.name ?? id;

  const revoke = useMutation({
    mutationFn: (e: EdgeView) => edgesApi.revoke(e.id),
    onSuccess: async (_r, e) => {
      toast.show(t('edg.revokedDone', { name: e.name }));
      setToRevoke(null);
      await qc.invalidateQueries({ queryKey: edgeKeys.all });
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });
  const newCode = useMutation({
    mutationFn: (e: EdgeView) => edgesApi.newCode(e.id),
    onSuccess: async (r) => {
      setCode(r.enrolCode);
      await qc.invalidateQueries({ queryKey: edgeKeys.all });
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });

  const stateBadge = (e: EdgeView) => (
    <Badge tone={STATE_TONE[e.status]}>{t(`edg.states.${e.status}`)}</Badge>
  );
  const scope = (e: EdgeView) =>
    e.siteIds.length || e.cameraIds.length
      ? [...e.siteIds.map(siteName), ...e.cameraIds].join(', ')
      : t('edg.allCameras');
  const lastContact = (e: EdgeView) => (e.lastContactAt ? time.dateTime(e.lastContactAt) : t('edg.never'));
  const skew = (e: EdgeView) => t('edg.skewSeconds', { seconds: Math.round(e.clockSkewMs / 1000) });
  const actions = (e: EdgeView) =>
    e.status === 'revoked' ? null : (
      <div className="flex justify-end gap-1">
        <Button size="sm" variant="ghost" onClick={() => newCode.mutate(e)} disabled={newCode.isPending}>
          {t('edg.newCode')}
        </Button>
        <Button size="sm" variant="ghost" className="text-danger-text" onClick={() => setToRevoke(e)}>
          {t('edg.revoke')}
        </Button>
      </div>
    );

  const columns: Column<EdgeView>[] = [
    {
      key: 'name',
      header: t('edg.name'),
      cell: (e) => (
        <div className="min-w-0">
          <p className="font-medium text-fg">{e.name}</p>
          <p className="text-xs text-muted">{scope(e)}</p>
        </div>
      ),
    },
    {
      key: 'device',
      header: t('edg.device'),
      cell: (e) => <span className="text-muted">{e.deviceName ?? '—'}</span>,
    },
    { key: 'status', header: t('edg.status'), cell: stateBadge },
    {
      key: 'contact',
      header: t('edg.lastContact'),
      cell: (e) => <span className="text-muted">{lastContact(e)}</span>,
    },
    { key: 'queue', header: t('edg.queue'), cell: (e) => e.queueDepth, className: 'text-right tabular-nums' },
    {
      key: 'skew',
      header: t('edg.skew'),
      cell: skew,
      className: 'text-right tabular-nums',
    },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      cell: actions,
      className: 'text-right',
    },
  ];

  return (
    <>
      <PageHeader
        title={t('edg.title')}
        description={t('edg.subtitle')}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            {t('edg.add')}
          </Button>
        }
      />
      <Card>
        {edges.isError ? (
          <LoadFailed error={edges.error} />
        ) : (
          <DataTable
            caption={t('edg.title')}
            columns={columns}
            rows={edges.data}
            rowKey={(e) => e.id}
            loading={edges.isPending}
            empty={<EmptyState icon="camera" title={t('edg.empty')} description={t('edg.emptyHint')} />}
            mobileCard={(e) => (
              <div className="space-y-1">
                <div className="flex items-center justify-between gap-2">
                  <p className="font-medium text-fg">{e.name}</p>
                  {stateBadge(e)}
                </div>
                <p className="text-xs text-muted">{`${scope(e)} · ${lastContact(e)}`}</p>
                <p className="text-xs text-muted">
                  {`${t('edg.queue')} ${e.queueDepth} · ${t('edg.skew')} ${skew(e)}`}
                </p>
                {actions(e)}
              </div>
            )}
          />
        )}
      </Card>
      <CreateEdgeDialog
        open={creating}
        sites={sites.data ?? []}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false);
          setCode(c);
        }}
      />
      <SecretDialog
        secret={code}
        onClose={() => setCode(null)}
        title={t('edg.codeTitle')}
        description={t('edg.codeBody', { hub: window.location.origin })}
        label={t('edg.codeLabel')}
        testId="edge-enrol-code"
      />
      <ConfirmDialog
        open={toRevoke !== null}
        title={t('edg.revokeTitle', { name: toRevoke?.name ?? '' })}
        body={t('edg.revokeBody')}
        confirmLabel={t('edg.revoke')}
        busy={revoke.isPending}
        onConfirm={() => toRevoke && revoke.mutate(toRevoke)}
        onCancel={() => setToRevoke(null)}
      />
    </>
  );
}

function CreateEdgeDialog({
  open,
  sites,
  onClose,
  onCreated,
}: {
  open: boolean;
  sites: { id: string; name: string }[];
  onClose: () => void;
  onCreated: (code: string) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [siteIds, setSiteIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const reset = () => {
    setName('');
    setSiteIds([]);
    setErrors({});
    setFormError(null);
  };
  const create = useMutation({
    mutationFn: edgesApi.create,
    onSuccess: async (created) => {
      await qc.invalidateQueries({ queryKey: edgeKeys.all });
      reset();
      onCreated(created.enrolCode);
    },
    onError: (error) => {
      if (error instanceof ApiError) setErrors(error.fieldErrors());
      setFormError(errorMessage(t, error));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setErrors({ name: t('validation.required') });
      return;
    }
    create.mutate({ name: name.trim(), siteIds });
  };
  return (
    <FormModal
      open={open}
      onClose={() => {
        reset();
        onClose();
      }}
      onCancel={onClose}
      title={t('edg.add')}
      formId="create-edge-form"
      onSubmit={submit}
      formClassName="space-y-4"
      submitLabel={t('edg.add')}
      submitting={create.isPending}
    >
      <TextField
        label={t('edg.name')}
        hint={t('edg.nameHint')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
        autoComplete="off"
      />
      <fieldset>
        <legend className="text-sm font-medium text-fg">{t('edg.sites')}</legend>
        <p className="mb-2 text-xs text-muted">{t('edg.sitesHint')}</p>
        <div className="grid max-h-56 gap-2 overflow-y-auto rounded-lg border border-border p-3 sm:grid-cols-2">
          {sites.map((s) => (
            <Checkbox
              key={s.id}
              label={s.name}
              checked={siteIds.includes(s.id)}
              onChange={(e) =>
                setSiteIds((ids) => (e.target.checked ? [...ids, s.id] : ids.filter((x) => x !== s.id)))
              }
            />
          ))}
        </div>
      </fieldset>
      <FormError>{formError}</FormError>
    </FormModal>
  );
}
