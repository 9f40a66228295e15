import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type {
  CheckinImportPreview,
  IntegrationSettingsInput,
  WebhookDeliveryView,
  WebhookEndpointView,
} from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useOrgTime } from '../../i18n/org-time';
import {
  Badge,
  Button,
  ButtonAnchor,
  Card,
  CardBody,
  CardHeader,
  Checkbox,
  type Column,
  ConfirmDialog,
  DataTable,
  EmptyState,
  Field,
  FormError,
  FormModal,
  Input,
  Modal,
  PageHeader,
  SelectField,
  TextField,
  useToast,
} from '@hadir/ui';
import { DateField } from '../../ui/date-field';
import { LoadFailed } from '../shared/load-failed';
import { integrationKeys, integrationsApi } from './integrations-api';

/** Webhook endpoints (secret shown once), their delivery log with retry, and the daily CSV export. */
export function IntegrationsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader
        title={t('integ.title')}
        description={t('integ.subtitle')}
        actions={
          <ButtonAnchor href="/api/docs" target="_blank" rel="noreferrer" variant="ghost" icon="file">
            {t('integ.apiDocs')}
          </ButtonAnchor>
        }
      />
      <div className="space-y-5">
        <WebhooksCard />
        <ExportCard />
        <CheckinImportCard />
      </div>
    </>
  );
}

function WebhooksCard() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const time = useOrgTime();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<WebhookEndpointView | null>(null);
  const [logOf, setLogOf] = useState<WebhookEndpointView | null>(null);
  const hooks = useQuery({ queryKey: integrationKeys.webhooks, queryFn: integrationsApi.webhooks });
  const refresh = () => qc.invalidateQueries({ queryKey: integrationKeys.webhooks });

  const toggle = useMutation({
    mutationFn: (h: WebhookEndpointView) => integrationsApi.setActive(h.id, !h.active),
    onSuccess: refresh,
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });
  const remove = useMutation({
    mutationFn: (h: WebhookEndpointView) => integrationsApi.deleteWebhook(h.id),
    onSuccess: async () => {
      toast.show(t('integ.deleted'));
      setToDelete(null);
      await refresh();
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });

  const state = (h: WebhookEndpointView) => (
    <div className="flex flex-wrap gap-1">
      <Badge tone={h.active ? 'success' : 'neutral'}>
        {h.active ? t('integ.active') : t('integ.paused')}
      </Badge>
      {h.pending > 0 ? <Badge tone="warning">{t('integ.pending', { count: h.pending })}</Badge> : null}
      {h.failed > 0 ? <Badge tone="danger">{t('integ.failed', { count: h.failed })}</Badge> : null}
    </div>
  );
  const actions = (h: WebhookEndpointView) => (
    <div className="flex flex-wrap justify-end gap-1">
      <Button size="sm" variant="ghost" onClick={() => setLogOf(h)}>
        {t('integ.deliveries')}
      </Button>
      <Button size="sm" variant="ghost" onClick={() => toggle.mutate(h)}>
        {h.active ? t('integ.pause') : t('integ.resume')}
      </Button>
      <Button size="sm" variant="ghost" className="text-danger-text" onClick={() => setToDelete(h)}>
        {t('integ.delete')}
      </Button>
    </div>
  );
  const columns: Column<WebhookEndpointView>[] = [
    {
      key: 'name',
      header: t('integ.name'),
      cell: (h) => (
        <div className="min-w-0">
          <p className="font-medium text-fg">{h.name}</p>
          <p className="break-all font-mono text-xs text-muted">{h.url}</p>
        </div>
      ),
    },
    {
      key: 'created',
      header: t('integ.created'),
      cell: (h) => <span className="text-muted">{time.date(h.createdAt)}</span>,
    },
    { key: 'status', header: t('integ.status'), cell: state },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      cell: actions,
      className: 'text-right',
    },
  ];

  return (
    <Card>
      <CardHeader
        title={t('integ.webhooks')}
        description={t('integ.webhooksHint')}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setCreating(true)}>
            {t('integ.addWebhook')}
          </Button>
        }
      />
      {hooks.isError ? (
        <LoadFailed error={hooks.error} />
      ) : (
        <DataTable
          caption={t('integ.webhooks')}
          columns={columns}
          rows={hooks.data?.items}
          rowKey={(h) => h.id}
          loading={hooks.isPending}
          empty={
            <EmptyState icon="send" title={t('integ.noWebhooks')} description={t('integ.noWebhooksHint')} />
          }
          mobileCard={(h) => (
            <div className="space-y-2">
              <p className="font-medium text-fg">{h.name}</p>
              <p className="break-all font-mono text-xs text-muted">{h.url}</p>
              {state(h)}
              {actions(h)}
            </div>
          )}
        />
      )}
      <CreateWebhookDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(s) => {
          setCreating(false);
          setSecret(s);
        }}
      />
      <SecretDialog secret={secret} onClose={() => setSecret(null)} />
      <DeliveriesDialog endpoint={logOf} onClose={() => setLogOf(null)} />
      <ConfirmDialog
        open={toDelete !== null}
        title={t('integ.deleteTitle')}
        body={toDelete ? t('integ.deleteBody', { name: toDelete.name }) : ''}
        confirmLabel={t('integ.delete')}
        busy={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => toDelete && remove.mutate(toDelete)}
      />
    </Card>
  );
}

function CreateWebhookDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (secret: string) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('https://');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: integrationsApi.createWebhook,
    onSuccess: async (created) => {
      await qc.invalidateQueries({ queryKey: integrationKeys.webhooks });
      setName('');
      setUrl('https://');
      setErrors({});
      setFormError(null);
      onCreated(created.secret);
    },
    onError: (error) => {
      if (error instanceof ApiError) setErrors(error.fieldErrors());
      setFormError(errorMessage(t, error));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = t('validation.required');
    if (!/^https?:\/\/.+/.test(url.trim())) found.url = t('validation.checkFields');
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate({ name: name.trim(), url: url.trim() });
  };
  return (
    <FormModal
      open={open}
      onClose={onClose}
      title={t('integ.addWebhook')}
      formId="create-webhook-form"
      onSubmit={submit}
      formClassName="space-y-4"
      submitLabel={t('integ.addWebhook')}
      submitting={create.isPending}
    >
      <TextField
        label={t('integ.name')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
        autoComplete="off"
      />
      <TextField
        label={t('integ.url')}
        type="url"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        error={errors.url}
        autoComplete="off"
      />
      <FormError>{formError}</FormError>
    </FormModal>
  );
}

function SecretDialog({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Modal
      open={secret !== null}
      onClose={() => {
        setCopied(false);
        onClose();
      }}
      title={t('integ.secretTitle')}
      description={t('integ.secretBody')}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t('common.close')}
        </Button>
      }
    >
      <Field label={t('integ.secretLabel')}>
        {(p) => (
          <div className="flex gap-2">
            <Input
              {...p}
              readOnly
              value={secret ?? ''}
              className="font-mono text-xs"
              data-testid="webhook-secret"
            />
            <Button icon="copy" onClick={() => void copy()}>
              {copied ? t('integ.copied') : t('integ.copy')}
            </Button>
          </div>
        )}
      </Field>
    </Modal>
  );
}

function DeliveriesDialog({
  endpoint,
  onClose,
}: {
  endpoint: WebhookEndpointView | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const time = useOrgTime();
  const id = endpoint?.id ?? '';
  const log = useQuery({
    queryKey: integrationKeys.deliveries(id),
    queryFn: () => integrationsApi.deliveries(id),
    enabled: endpoint !== null,
  });
  const retry = useMutation({
    mutationFn: (d: WebhookDeliveryView) => integrationsApi.retry(d.id),
    onSuccess: async () => {
      toast.show(t('integ.retried'));
      await qc.invalidateQueries({ queryKey: integrationKeys.deliveries(id) });
      await qc.invalidateQueries({ queryKey: integrationKeys.webhooks });
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });
  const tone = (s: WebhookDeliveryView['status']) =>
    s === 'delivered' ? 'success' : s === 'failed' ? 'danger' : 'warning';
  const columns: Column<WebhookDeliveryView>[] = [
    {
      key: 'created',
      header: t('integ.created'),
      cell: (d) => <span className="text-muted">{time.dateTime(d.createdAt)}</span>,
    },
    {
      key: 'status',
      header: t('integ.status'),
      cell: (d) => <Badge tone={tone(d.status)}>{t(`integ.deliveryStatus.${d.status}`)}</Badge>,
    },
    { key: 'attempts', header: t('integ.attempts'), cell: (d) => <span>{d.attempts}</span> },
    {
      key: 'answer',
      header: t('integ.answer'),
      cell: (d) => (
        <span className="text-xs text-muted">
          {d.lastError ?? (d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : '')}
        </span>
      ),
    },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      className: 'text-right',
      cell: (d) =>
        d.status === 'delivered' ? null : (
          <Button size="sm" variant="ghost" onClick={() => retry.mutate(d)}>
            {t('integ.retry')}
          </Button>
        ),
    },
  ];
  return (
    <Modal
      open={endpoint !== null}
      onClose={onClose}
      size="lg"
      title={endpoint ? t('integ.deliveriesOf', { name: endpoint.name }) : ''}
    >
      {log.isError ? (
        <LoadFailed error={log.error} />
      ) : (
        <DataTable
          caption={t('integ.deliveries')}
          columns={columns}
          rows={log.data?.items}
          rowKey={(d) => d.id}
          loading={log.isPending}
          empty={<EmptyState icon="send" title={t('integ.noDeliveries')} />}
        />
      )}
    </Modal>
  );
}

function yesterdayIn(timeZone: string | undefined): string {
  const d = new Date(Date.now() - 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: timeZone ?? 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
}

function ExportCard() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const time = useOrgTime();
  const settings = useQuery({ queryKey: integrationKeys.settings, queryFn: integrationsApi.settings });
  const [form, setForm] = useState<IntegrationSettingsInput | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [date, setDate] = useState('');
  const [layout, setLayout] = useState<'hadir' | 'frappe'>('hadir');
  useEffect(() => {
    if (settings.data && form === null) {
      const { exportEnabled, exportFolder, exportTime, exportLayouts } = settings.data;
      setForm({ exportEnabled, exportFolder, exportTime, exportLayouts });
    }
  }, [settings.data, form]);
  useEffect(() => {
    if (!date && time.timeZone) setDate(yesterdayIn(time.timeZone));
  }, [date, time.timeZone]);
  const save = useMutation({
    mutationFn: integrationsApi.saveSettings,
    onSuccess: async () => {
      setFormError(null);
      toast.show(t('integ.saved'));
      await qc.invalidateQueries({ queryKey: integrationKeys.settings });
    },
    onError: (error) => setFormError(errorMessage(t, error)),
  });
  if (settings.isError) return <LoadFailed error={settings.error} />;
  const view = settings.data;
  const toggleLayout = (l: 'hadir' | 'frappe', on: boolean) =>
    form &&
    setForm({
      ...form,
      exportLayouts: on
        ? [...new Set([...form.exportLayouts, l])]
        : form.exportLayouts.filter((x) => x !== l),
    });
  return (
    <Card>
      <CardHeader title={t('integ.export')} description={t('integ.exportHint')} />
      <CardBody className="space-y-5">
        {form ? (
          <form
            className="grid gap-4 sm:grid-cols-2"
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate(form);
            }}
          >
            <div className="sm:col-span-2">
              <Checkbox
                label={t('integ.exportEnabled')}
                checked={form.exportEnabled}
                onChange={(e) => setForm({ ...form, exportEnabled: e.target.checked })}
              />
            </div>
            <TextField
              label={t('integ.exportFolder')}
              value={form.exportFolder}
              onChange={(e) => setForm({ ...form, exportFolder: e.target.value })}
              autoComplete="off"
            />
            <TextField
              label={t('integ.exportTime')}
              type="time"
              value={form.exportTime}
              onChange={(e) => setForm({ ...form, exportTime: e.target.value })}
            />
            <fieldset className="sm:col-span-2">
              <legend className="mb-2 text-sm font-medium text-fg">{t('integ.layouts')}</legend>
              <div className="flex flex-col gap-2 sm:flex-row sm:gap-6">
                <Checkbox
                  label={t('integ.layoutHadir')}
                  checked={form.exportLayouts.includes('hadir')}
                  onChange={(e) => toggleLayout('hadir', e.target.checked)}
                />
                <Checkbox
                  label={t('integ.layoutFrappe')}
                  checked={form.exportLayouts.includes('frappe')}
                  onChange={(e) => toggleLayout('frappe', e.target.checked)}
                />
              </div>
            </fieldset>
            <div className="space-y-1 text-sm text-muted sm:col-span-2">
              {view ? <p className="break-all">{t('integ.exportPath', { path: view.exportPath })}</p> : null}
              <p>
                {view?.lastExportAt && view.lastExportDate
                  ? t('integ.lastExport', {
                      date: view.lastExportDate,
                      time: time.dateTime(view.lastExportAt),
                    })
                  : t('integ.lastExportNever')}
              </p>
              {view?.lastExportError ? (
                <p className="text-danger-text">
                  {t('integ.lastExportError', { error: view.lastExportError })}
                </p>
              ) : null}
            </div>
            <div className="sm:col-span-2">
              <FormError>{formError}</FormError>
              <Button type="submit" variant="primary" disabled={save.isPending}>
                {t('integ.save')}
              </Button>
            </div>
          </form>
        ) : null}
        <div className="border-t border-border pt-4">
          <p className="mb-3 text-sm font-medium text-fg">{t('integ.download')}</p>
          <div className="grid gap-3 sm:grid-cols-3 sm:items-end">
            <DateField label={t('integ.downloadDate')} value={date} onChange={(v) => setDate(v)} />
            <SelectField
              label={t('integ.downloadLayout')}
              value={layout}
              onChange={(e) => setLayout(e.target.value === 'frappe' ? 'frappe' : 'hadir')}
            >
              <option value="hadir">{t('integ.layoutHadir')}</option>
              <option value="frappe">{t('integ.layoutFrappe')}</option>
            </SelectField>
            <ButtonAnchor
              href={`/api/integrations/exports/attendance?date=${encodeURIComponent(date)}&layout=${layout}`}
              icon="download"
              variant="secondary"
            >
              {t('integ.downloadButton')}
            </ButtonAnchor>
          </div>
        </div>
      </CardBody>
    </Card>
  );
}

/** Check-ins from a terminal log or an ERP file: upload → preview with issues → commit in one go. */
function CheckinImportCard() {
  const { t } = useTranslation();
  const toast = useToast();
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [preview, setPreview] = useState<CheckinImportPreview | null>(null);
  const upload = useMutation({
    mutationFn: (f: File) => integrationsApi.importPreview(f),
    onSuccess: (p) => setPreview(p),
  });
  const commit = useMutation({
    mutationFn: (onlyValidRows: boolean) =>
      integrationsApi.importCommit(preview?.importId ?? '', onlyValidRows),
    onSuccess: (r) => {
      toast.show(t('integ.importDone', { created: r.created, duplicates: r.duplicates, skipped: r.skipped }));
      setPreview(null);
      setFile(null);
      setInputKey((k) => k + 1);
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });
  return (
    <Card>
      <CardHeader title={t('integ.import')} description={t('integ.importHint')} />
      <CardBody className="space-y-4">
        <form
          className="flex flex-col gap-3 sm:flex-row sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            if (file) upload.mutate(file);
          }}
        >
          <Field label={t('integ.importFile')} className="flex-1">
            {(p) => (
              <input
                {...p}
                key={inputKey}
                type="file"
                name="file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setPreview(null);
                }}
                className="block w-full text-sm text-fg file:mr-3 file:rounded-lg file:border-0 file:bg-primary-soft file:px-4 file:py-2 file:text-sm file:font-medium file:text-primary-text hover:file:bg-surface-2"
              />
            )}
          </Field>
          <Button type="submit" variant="secondary" icon="upload" disabled={!file || upload.isPending}>
            {t('integ.importPreview')}
          </Button>
        </form>
        {upload.isError ? <FormError>{errorMessage(t, upload.error)}</FormError> : null}
        {preview ? (
          <div className="space-y-3 text-sm">
            <p className="text-fg">
              {t('integ.importSummary', {
                total: preview.totalRows,
                valid: preview.validRows,
                invalid: preview.invalidRows,
                duplicates: preview.duplicateRows,
              })}
            </p>
            {preview.unrecognizedColumns.length > 0 ? (
              <p className="text-muted">
                {t('integ.importIgnored', { columns: preview.unrecognizedColumns.join(', ') })}
              </p>
            ) : null}
            {preview.issues.length > 0 ? (
              <ul className="max-h-40 list-disc overflow-y-auto pl-5 text-danger-text">
                {preview.issues.slice(0, 50).map((i) => (
                  <li key={`${i.row}-${i.field ?? ''}-${i.message}`}>
                    {t('integ.importIssue', { row: i.row, message: i.message })}
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="flex flex-wrap gap-2">
              <Button
                variant="primary"
                disabled={commit.isPending || preview.invalidRows > 0 || preview.validRows === 0}
                onClick={() => commit.mutate(false)}
              >
                {t('integ.importAll')}
              </Button>
              {preview.invalidRows > 0 && preview.validRows > 0 ? (
                <Button variant="secondary" disabled={commit.isPending} onClick={() => commit.mutate(true)}>
                  {t('integ.importValid', { count: preview.validRows })}
                </Button>
              ) : null}
            </div>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
