import { useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type {
  ChannelTestResult,
  ChannelType,
  Notification,
  NotificationChannel,
  NotificationChannelCreate,
  TemplateSlot,
} from '@hadir/contracts';
import { TEMPLATE_SLOTS } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { currentLocale } from '../../i18n';
import { useOrgTime } from '../../i18n/org-time';
import {
  Badge,
  Button,
  Card,
  CardHeader,
  EmptyState,
  Checkbox,
  Field,
  FormError,
  SelectField,
  TextField,
  ConfirmDialog,
  FormModal,
  Modal,
  PageHeader,
  SkeletonRows,
  DataTable,
  Pagination,
  type Column,
  useToast,
} from '@hadir/ui';
import { DELIVERY_TONE } from '../alerts/alerts-page';
import { channelsApi, dashKeys } from '../dashboard/dashboard-api';
import {
  TemplatesEditor,
  draftsOf,
  providerErrorText,
  templateErrors,
  templatesSetting,
  type TemplateDrafts,
} from './whatsapp-templates';

const TYPES: ChannelType[] = ['whatsapp_cloud', 'http_gateway', 'log'];
const OUTBOX_PAGE = 20;

/** Settings → notification channels (WhatsApp Cloud API, HTTP gateway, log) and the message outbox. */
export function NotificationChannelsPage() {
  const { t } = useTranslation();
  const canManage = useCan('settings:manage');
  const qc = useQueryClient();
  const toast = useToast();
  const channels = useQuery({ queryKey: dashKeys.channels, queryFn: channelsApi.list });
  const [editing, setEditing] = useState<NotificationChannel | 'new' | null>(null);
  const [testing, setTesting] = useState<NotificationChannel | null>(null);
  const [removing, setRemoving] = useState<NotificationChannel | null>(null);
  const remove = useMutation({
    mutationFn: (c: NotificationChannel) => channelsApi.remove(c.id),
    onSuccess: async () => {
      setRemoving(null);
      toast.show(t('dash.channels.deleted'));
      await qc.invalidateQueries({ queryKey: dashKeys.channels });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });

  return (
    <>
      <PageHeader
        title={t('dash.channels.title')}
        description={t('dash.channels.subtitle')}
        actions={
          canManage ? (
            <Button variant="primary" icon="plus" onClick={() => setEditing('new')}>
              {t('dash.channels.add')}
            </Button>
          ) : null
        }
      />
      {!canManage ? <p className="mb-4 text-sm text-muted">{t('dash.channels.readOnly')}</p> : null}
      <Card className="mb-4">
        {channels.error ? (
          <div className="p-4">
            <FormError>{errorMessage(t, channels.error)}</FormError>
          </div>
        ) : null}
        {channels.isPending ? (
          <SkeletonRows rows={2} />
        ) : channels.data && channels.data.length === 0 ? (
          <EmptyState
            icon="info"
            title={t('dash.channels.empty')}
            description={t('dash.channels.emptyHint')}
          />
        ) : (
          <ul className="divide-y divide-border">
            {channels.data?.map((c) => (
              <li
                key={c.id}
                className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-5"
                data-testid="channel-row"
              >
                <div className="min-w-0">
                  <p className="flex flex-wrap items-center gap-2 font-medium text-fg">
                    {c.name}
                    {c.isDefault ? <Badge tone="primary">{t('dash.channels.default')}</Badge> : null}
                    {!c.enabled ? <Badge tone="neutral">{t('dash.channels.disabled')}</Badge> : null}
                  </p>
                  <p className="text-sm text-muted">{t(`dash.channels.type.${c.type}`)}</p>
                  {c.webhookUrl ? (
                    <p className="text-xs break-all text-muted">
                      {t('dash.channels.webhookUrl')}: <span className="font-mono">{c.webhookUrl}</span>
                    </p>
                  ) : null}
                </div>
                {canManage ? (
                  <div className="flex flex-wrap gap-2">
                    <Button size="sm" icon="send" onClick={() => setTesting(c)}>
                      {t('dash.channels.test')}
                    </Button>
                    <Button size="sm" icon="edit" onClick={() => setEditing(c)}>
                      {t('common.edit')}
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      icon="trash"
                      className="text-danger-text"
                      onClick={() => setRemoving(c)}
                    >
                      {t('common.delete')}
                    </Button>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Outbox />
      {editing ? (
        <ChannelForm channel={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
      {testing ? <TestDialog channel={testing} onClose={() => setTesting(null)} /> : null}
      <ConfirmDialog
        open={removing !== null}
        title={t('dash.channels.deleteTitle', { name: removing?.name ?? '' })}
        body={t('dash.channels.deleteBody')}
        confirmLabel={t('common.delete')}
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
        onCancel={() => setRemoving(null)}
      />
    </>
  );
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

function ChannelForm({ channel, onClose }: { channel: NotificationChannel | null; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const s = channel?.settings ?? {};
  const [type, setType] = useState<ChannelType>(channel?.type ?? 'whatsapp_cloud');
  const [name, setName] = useState(channel?.name ?? '');
  const [enabled, setEnabled] = useState(channel?.enabled ?? true);
  const [isDefault, setIsDefault] = useState(channel?.isDefault ?? !channel);
  const [phoneNumberId, setPhoneNumberId] = useState(str(s.phoneNumberId));
  const [accessToken, setAccessToken] = useState('');
  const [appSecret, setAppSecret] = useState('');
  const [verifyToken, setVerifyToken] = useState('');
  const [url, setUrl] = useState(str(s.url));
  const [method, setMethod] = useState(str(s.method, 'POST'));
  const [bodyTemplate, setBodyTemplate] = useState(str(s.bodyTemplate, '{"to":{{to}},"text":{{text}}}'));
  const [headers, setHeaders] = useState('');
  const [templates, setTemplates] = useState<TemplateDrafts>(() => draftsOf(s));
  const [formError, setFormError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const hasSecret = (key: string) => channel?.secrets[key] === true;
  const keepHint = t('dash.channels.secretKept');

  const save = useMutation({
    mutationFn: async () => {
      if (!channel) {
        const base = { name: name.trim(), enabled, isDefault };
        const body: NotificationChannelCreate =
          type === 'whatsapp_cloud'
            ? {
                ...base,
                type,
                settings: {
                  phoneNumberId: phoneNumberId.trim(),
                  templates: templatesSetting(templates),
                } as never,
                secrets: {
                  accessToken,
                  ...(appSecret ? { appSecret } : {}),
                  ...(verifyToken ? { verifyToken } : {}),
                },
              }
            : type === 'http_gateway'
              ? {
                  ...base,
                  type,
                  settings: { url: url.trim(), method, bodyTemplate } as never,
                  secrets: { headers: parseHeaders(headers) },
                }
              : ({ ...base, type: 'log' } as never);
        return channelsApi.create(body);
      }
      // Secrets are write-only: only what was typed is sent; empty means "keep".
      const secrets: Record<string, unknown> = {};
      const settings: Record<string, unknown> = {};
      if (channel.type === 'whatsapp_cloud') {
        settings.phoneNumberId = phoneNumberId.trim();
        settings.templates = templatesSetting(templates);
        if (accessToken) secrets.accessToken = accessToken;
        if (appSecret) secrets.appSecret = appSecret;
        if (verifyToken) secrets.verifyToken = verifyToken;
      } else if (channel.type === 'http_gateway') {
        Object.assign(settings, { url: url.trim(), method, bodyTemplate });
        if (headers.trim()) secrets.headers = parseHeaders(headers);
      }
      return channelsApi.update(channel.id, {
        name: name.trim(),
        enabled,
        isDefault,
        ...(Object.keys(settings).length ? { settings } : {}),
        ...(Object.keys(secrets).length ? { secrets } : {}),
      });
    },
    onSuccess: async () => {
      toast.show(t('dash.channels.saved'));
      await qc.invalidateQueries({ queryKey: dashKeys.channels });
      onClose();
    },
    onError: (e) => {
      if (e instanceof ApiError) setErrors(e.fieldErrors());
      setFormError(errorMessage(t, e));
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const next: Record<string, string> = {};
    if (!name.trim()) next.name = t('validation.required');
    if (type === 'whatsapp_cloud' && !phoneNumberId.trim())
      next['settings.phoneNumberId'] = t('validation.required');
    if (type === 'whatsapp_cloud' && !channel && !accessToken)
      next['secrets.accessToken'] = t('validation.required');
    if (type === 'http_gateway' && !/^https?:\/\/\S+$/.test(url.trim()))
      next['settings.url'] = t('dash.channels.urlInvalid');
    if (type === 'whatsapp_cloud') Object.assign(next, templateErrors(templates, t));
    setErrors(next);
    setFormError(null);
    if (Object.keys(next).length === 0) save.mutate();
  };
  const formId = 'channel-form';
  return (
    <FormModal
      open
      onClose={onClose}
      size="lg"
      title={channel ? t('dash.channels.editTitle', { name: channel.name }) : t('dash.channels.add')}
      formId={formId}
      onSubmit={submit}
      formClassName="grid gap-4 sm:grid-cols-2"
      submitLabel={t('common.save')}
      submitting={save.isPending}
    >
      {formError ? (
        <div className="sm:col-span-2">
          <FormError>{formError}</FormError>
        </div>
      ) : null}
      <SelectField
        label={t('dash.channels.typeLabel')}
        value={type}
        disabled={!!channel}
        onChange={(e) => setType(e.target.value as ChannelType)}
      >
        {TYPES.map((ty) => (
          <option key={ty} value={ty}>
            {t(`dash.channels.type.${ty}`)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t('dash.channels.name')}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name}
      />
      {type === 'whatsapp_cloud' ? (
        <>
          <TextField
            label={t('dash.channels.phoneNumberId')}
            value={phoneNumberId}
            onChange={(e) => setPhoneNumberId(e.target.value)}
            error={errors['settings.phoneNumberId']}
            autoComplete="off"
          />
          <TextField
            label={t('dash.channels.accessToken')}
            type="password"
            autoComplete="new-password"
            value={accessToken}
            placeholder={hasSecret('hasAccessToken') ? keepHint : undefined}
            hint={hasSecret('hasAccessToken') ? keepHint : undefined}
            onChange={(e) => setAccessToken(e.target.value)}
            error={errors['secrets.accessToken']}
          />
          <TextField
            label={t('dash.channels.appSecret')}
            optional
            type="password"
            autoComplete="new-password"
            value={appSecret}
            placeholder={hasSecret('hasAppSecret') ? keepHint : undefined}
            onChange={(e) => setAppSecret(e.target.value)}
          />
          <TextField
            label={t('dash.channels.verifyToken')}
            optional
            type="password"
            autoComplete="new-password"
            value={verifyToken}
            placeholder={hasSecret('hasVerifyToken') ? keepHint : undefined}
            onChange={(e) => setVerifyToken(e.target.value)}
          />
          <TemplatesEditor
            drafts={templates}
            onChange={setTemplates}
            errors={errors}
            defaultLanguage={currentLocale()}
          />
        </>
      ) : null}
      {type === 'http_gateway' ? (
        <>
          <TextField
            label={t('dash.channels.url')}
            className="sm:col-span-2"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            error={errors['settings.url']}
          />
          <SelectField
            label={t('dash.channels.method')}
            value={method}
            onChange={(e) => setMethod(e.target.value)}
          >
            {['POST', 'PUT', 'GET'].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </SelectField>
          <Field
            label={t('dash.channels.bodyTemplate')}
            hint={t('dash.channels.bodyTemplateHint', {
              to: '{{to}}',
              text: '{{text}}',
              document_url: '{{document_url}}',
            })}
            className="sm:col-span-2"
          >
            {(p) => (
              <textarea
                {...p}
                rows={3}
                value={bodyTemplate}
                onChange={(e) => setBodyTemplate(e.target.value)}
                className="block w-full rounded-lg border border-border-strong/70 bg-surface px-3 py-2 font-mono text-sm text-fg"
              />
            )}
          </Field>
          <Field
            label={t('dash.channels.headers')}
            hint={
              hasSecret('hasHeaders') || Array.isArray(channel?.secrets.headerNames)
                ? keepHint
                : t('dash.channels.headersHint')
            }
            optional
            className="sm:col-span-2"
          >
            {(p) => (
              <textarea
                {...p}
                rows={2}
                value={headers}
                onChange={(e) => setHeaders(e.target.value)}
                className="block w-full rounded-lg border border-border-strong/70 bg-surface px-3 py-2 font-mono text-sm text-fg"
              />
            )}
          </Field>
        </>
      ) : null}
      {type === 'log' ? (
        <p className="text-sm text-muted sm:col-span-2">{t('dash.channels.logHint')}</p>
      ) : null}
      <div className="flex flex-wrap gap-4 sm:col-span-2">
        <Checkbox
          label={t('dash.channels.enabled')}
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
        />
        <Checkbox
          label={t('dash.channels.isDefault')}
          checked={isDefault}
          onChange={(e) => setIsDefault(e.target.checked)}
        />
      </div>
    </FormModal>
  );
}

function TestDialog({ channel, onClose }: { channel: NotificationChannel; onClose: () => void }) {
  const { t } = useTranslation();
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const configured = draftsOf(channel.settings);
  const slots = TEMPLATE_SLOTS.filter((slot) => configured[slot] !== null);
  const [template, setTemplate] = useState<TemplateSlot | ''>(slots[0] ?? '');
  const [result, setResult] = useState<ChannelTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: () => channelsApi.test(channel.id, to, text.trim() || undefined, template || undefined),
    onMutate: () => {
      setResult(null);
      setError(null);
    },
    onSuccess: setResult,
    onError: (e) =>
      setError(e instanceof ApiError ? (e.fieldErrors().to ?? errorMessage(t, e)) : errorMessage(t, e)),
  });
  return (
    <Modal
      open
      onClose={onClose}
      title={t('dash.channels.testTitle', { name: channel.name })}
      footer={
        <>
          <Button onClick={onClose}>{t('common.close')}</Button>
          <Button
            variant="primary"
            loading={send.isPending}
            disabled={!to.trim()}
            onClick={() => send.mutate()}
          >
            {t('dash.channels.testSend')}
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        <TextField
          label={t('dash.channels.testTo')}
          type="tel"
          inputMode="tel"
          placeholder="+6281234567890"
          value={to}
          onChange={(e) => setTo(e.target.value)}
        />
        <TextField
          label={t('dash.channels.testText')}
          optional
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        {channel.type === 'whatsapp_cloud' ? (
          <SelectField
            label={t('wa.testTemplate')}
            value={template}
            onChange={(e) => setTemplate(e.target.value as TemplateSlot | '')}
          >
            <option value="">{t('wa.testTemplateNone')}</option>
            {slots.map((slot) => (
              <option key={slot} value={slot}>
                {t('wa.testTemplateSlot', { slot: t(`wa.slot.${slot}`) })}
              </option>
            ))}
          </SelectField>
        ) : null}
        {error ? <FormError>{error}</FormError> : null}
        {result ? (
          <div
            role="status"
            className={
              result.ok
                ? 'rounded-lg bg-accent-soft p-3 text-sm text-accent-text'
                : 'rounded-lg bg-danger-soft p-3 text-sm text-danger-text'
            }
          >
            <p className="font-medium">
              {result.ok
                ? t('dash.channels.testOk', {
                    ms: Math.round(result.durationMs),
                    id: result.providerMessageId ?? '—',
                  })
                : t('dash.channels.testFailed', {
                    error:
                      providerErrorText(t, result.providerErrorCode, result.error) ||
                      String(result.httpStatus ?? ''),
                  })}
            </p>
            {result.template ? (
              <p className="mt-1 text-xs">{t('wa.sentAsTemplate', { name: result.template.name })}</p>
            ) : null}
            {result.response !== undefined && result.response !== null ? (
              <pre className="mt-2 max-h-40 overflow-auto text-xs break-all whitespace-pre-wrap">
                {typeof result.response === 'string'
                  ? result.response
                  : JSON.stringify(result.response, null, 2)}
              </pre>
            ) : null}
          </div>
        ) : null}
      </div>
    </Modal>
  );
}

function Outbox() {
  const { t } = useTranslation();
  const time = useOrgTime();
  const canManage = useCan('settings:manage');
  const qc = useQueryClient();
  const toast = useToast();
  const [page, setPage] = useState(1);
  const resend = useMutation({
    mutationFn: (n: Notification) => channelsApi.retry(n.id),
    onSuccess: async () => {
      toast.show(t('wa.resent'));
      await qc.invalidateQueries({ queryKey: dashKeys.outbox });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const resendButton = (n: Notification) =>
    canManage && n.status === 'failed' ? (
      <Button
        size="sm"
        icon="send"
        loading={resend.isPending && resend.variables.id === n.id}
        onClick={() => resend.mutate(n)}
      >
        {t('wa.resend')}
      </Button>
    ) : null;
  const errorText = (n: Notification) =>
    n.lastError ? (
      <span className="text-xs text-danger-text" title={n.lastError}>
        {providerErrorText(t, n.providerErrorCode, n.lastError)}
      </span>
    ) : null;
  const q = useQuery({
    queryKey: [...dashKeys.outbox, page],
    queryFn: () => channelsApi.outbox(page, OUTBOX_PAGE),
    placeholderData: keepPreviousData,
    // A resent message is delivered by a job: follow it until it leaves pending/sending.
    refetchInterval: (query) =>
      query.state.data?.items.some((n) => n.status === 'pending' || n.status === 'sending') ? 2000 : false,
  });
  const columns: Column<Notification>[] = [
    {
      key: 'created',
      header: t('dash.channels.outboxCreated'),
      cell: (n) => <span className="whitespace-nowrap text-muted">{time.dateTime(n.createdAt)}</span>,
    },
    {
      key: 'recipient',
      header: t('dash.channels.outboxRecipient'),
      cell: (n) => (
        <span className="text-fg">
          {n.recipientName ?? '—'}
          {n.toNumber ? <span className="ml-1 font-mono text-xs text-muted">{n.toNumber}</span> : null}
        </span>
      ),
    },
    {
      key: 'body',
      header: t('dash.channels.outboxMessage'),
      cell: (n) => <span className="line-clamp-2 text-fg">{n.body}</span>,
    },
    {
      key: 'status',
      header: t('dash.channels.outboxStatus'),
      cell: (n) => (
        <span className="flex flex-col items-start gap-1">
          <Badge tone={DELIVERY_TONE[n.status]}>{t(`dash.delivery.${n.status}`)}</Badge>
          {n.templateName ? (
            <span className="text-xs text-muted">{t('wa.sentAsTemplate', { name: n.templateName })}</span>
          ) : null}
          {errorText(n)}
          {resendButton(n)}
        </span>
      ),
    },
  ];
  return (
    <Card>
      <CardHeader title={t('dash.channels.outbox')} description={t('dash.channels.outboxHint')} />
      {q.error ? (
        <div className="p-4">
          <FormError>{errorMessage(t, q.error)}</FormError>
        </div>
      ) : null}
      <DataTable
        caption={t('dash.channels.outbox')}
        columns={columns}
        rows={q.data?.items}
        rowKey={(n) => n.id}
        loading={q.isFetching}
        empty={<EmptyState icon="list" title={t('dash.channels.outboxEmpty')} />}
        mobileCard={(n) => (
          <div className="space-y-1 text-sm">
            <div className="flex items-center justify-between gap-2">
              <span className="font-medium text-fg">{n.recipientName ?? '—'}</span>
              <Badge tone={DELIVERY_TONE[n.status]}>{t(`dash.delivery.${n.status}`)}</Badge>
            </div>
            <p className="line-clamp-2 text-muted">{n.body}</p>
            {errorText(n)}
            <p className="text-xs text-muted">{time.dateTime(n.createdAt)}</p>
            {resendButton(n)}
          </div>
        )}
      />
      {q.data && q.data.total > OUTBOX_PAGE ? (
        <Pagination page={page} pageSize={OUTBOX_PAGE} total={q.data.total} onPageChange={setPage} />
      ) : null}
    </Card>
  );
}
