import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Alert, NotificationStatus } from '@hadir/contracts';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { currentLocale } from '../../i18n';
import { useOrgTime } from '../../i18n/org-time';
import { formatDuration } from '../../i18n/format';
import {
  Badge,
  type BadgeTone,
  Button,
  Card,
  cx,
  EmptyState,
  FormError,
  Icon,
  PageHeader,
  SkeletonRows,
  Pagination,
  useToast,
} from '@hadir/ui';
import { useLiveEvents, useLiveStatus } from '../../live/use-live';
import { alertsApi, dashKeys, facesApi } from '../dashboard/dashboard-api';
import { providerErrorText } from '../notifications/whatsapp-templates';
import { LiveIndicator } from '../dashboard/live-indicator';
import { RelativeTime } from '../dashboard/live-dashboard-page';

const PAGE_SIZE = 20;
type Scope = 'open' | 'past';

const STATUS_TONE: Record<Alert['status'], BadgeTone> = {
  open: 'danger',
  acknowledged: 'warning',
  resolved: 'success',
  suppressed: 'neutral',
};

export const DELIVERY_TONE: Record<NotificationStatus, BadgeTone> = {
  pending: 'neutral',
  sending: 'primary',
  sent: 'primary',
  delivered: 'success',
  read: 'success',
  failed: 'danger',
  dashboard_only: 'slate',
  suppressed: 'neutral',
};

/** Open and past alerts, acknowledge, and who was told (the notification outbox for each alert). */
export function AlertsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const live = useLiveStatus();
  const [scope, setScope] = useState<Scope>('open');
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: [...dashKeys.alerts, scope, page],
    queryFn: () => alertsApi.list({ scope, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
    refetchInterval: live === 'open' ? false : 15_000,
  });
  useLiveEvents((m) => {
    if (m.type.startsWith('alert.')) void qc.invalidateQueries({ queryKey: dashKeys.alerts });
  });

  const tabs: Scope[] = ['open', 'past'];
  return (
    <>
      <PageHeader
        title={t('dash.alerts.title')}
        description={t('dash.alerts.subtitle')}
        actions={<LiveIndicator />}
      />
      <div
        role="tablist"
        aria-label={t('dash.alerts.title')}
        className="mb-4 inline-flex rounded-lg border border-border bg-surface p-1"
      >
        {tabs.map((s) => (
          <button
            key={s}
            role="tab"
            type="button"
            aria-selected={scope === s}
            onClick={() => {
              setScope(s);
              setPage(1);
            }}
            className={cx(
              'rounded-md px-4 py-1.5 text-sm font-medium',
              scope === s ? 'bg-primary text-primary-fg' : 'text-muted hover:text-fg',
            )}
          >
            {t(`dash.alerts.scope.${s}`)}
          </button>
        ))}
      </div>
      <Card>
        {list.error ? (
          <div className="p-4">
            <FormError>{errorMessage(t, list.error)}</FormError>
          </div>
        ) : null}
        {list.isPending ? (
          <SkeletonRows />
        ) : list.data && list.data.items.length === 0 ? (
          <EmptyState
            icon={scope === 'open' ? 'check' : 'list'}
            title={scope === 'open' ? t('dash.alerts.emptyOpen') : t('dash.alerts.emptyPast')}
          />
        ) : (
          <ul className="divide-y divide-border">
            {list.data?.items.map((a) => (
              <AlertRow key={a.id} alert={a} />
            ))}
          </ul>
        )}
        {list.data && list.data.total > PAGE_SIZE ? (
          <Pagination page={page} pageSize={PAGE_SIZE} total={list.data.total} onPageChange={setPage} />
        ) : null}
      </Card>
    </>
  );
}

function AlertRow({ alert: a }: { alert: Alert }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const canAck = useCan('alert:acknowledge');
  const [open, setOpen] = useState(false);
  const [snapshotOk, setSnapshotOk] = useState(true);
  const locale = currentLocale();
  const time = useOrgTime();
  const ack = useMutation({
    mutationFn: () => alertsApi.acknowledge(a.id),
    onSuccess: async () => {
      toast.show(t('dash.alerts.acknowledgedToast'));
      await qc.invalidateQueries({ queryKey: dashKeys.alerts });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  const subject = a.kind === 'absence' ? (a.employeeName ?? '—') : (a.cameraName ?? a.cameraId ?? '—');
  const endMs = a.resolvedAt ? Date.parse(a.resolvedAt) : Date.now();
  const detailsId = `alert-${a.id}-deliveries`;
  return (
    <li className="px-4 py-3 sm:px-5" data-testid="alert-row" data-alert-status={a.status}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 items-start gap-3">
          {a.snapshotId && snapshotOk ? (
            <img
              src={facesApi.snapshotUrl(a.snapshotId)}
              alt={t('fh.alerts.snapshotAlt', { name: subject })}
              loading="lazy"
              data-testid="alert-snapshot"
              className="h-16 w-16 shrink-0 rounded-lg bg-surface-2 object-cover"
              onError={() => setSnapshotOk(false)}
            />
          ) : (
            <span
              className={cx(
                'mt-0.5 flex h-9 w-9 shrink-0 items-center justify-center rounded-full',
                a.status === 'open' ? 'bg-danger-soft text-danger-text' : 'bg-surface-2 text-muted',
              )}
            >
              <Icon name="alert" size={18} />
            </span>
          )}
          <div className="min-w-0">
            <p className="font-medium text-fg">
              {subject}
              {a.employeeCode ? (
                <span className="ml-2 font-mono text-xs text-muted">{a.employeeCode}</span>
              ) : null}
            </p>
            <p className="text-sm text-muted">
              {t(`dash.alerts.kind.${a.kind}`)} · {time.dateTime(a.openedAt)} (
              <RelativeTime iso={a.openedAt} />)
            </p>
            <p className="text-sm text-muted">
              {[
                a.resolvedAt
                  ? t('dash.alerts.duration', {
                      duration: formatDuration((endMs - Date.parse(a.openedAt)) / 60_000, locale),
                    })
                  : null,
                a.level > 0 ? t('dash.alerts.level', { level: a.level }) : null,
                a.cameraName && a.kind === 'absence'
                  ? t('dash.alerts.lastCamera', { camera: a.cameraName })
                  : null,
              ]
                .filter(Boolean)
                .join(' · ')}
            </p>
            {a.message ? <p className="mt-1 text-sm break-words text-fg/90">{a.message}</p> : null}
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={STATUS_TONE[a.status]}>{t(`dash.alerts.status.${a.status}`)}</Badge>
          {canAck && a.status === 'open' ? (
            <Button
              size="sm"
              variant="primary"
              icon="check"
              loading={ack.isPending}
              onClick={() => ack.mutate()}
            >
              {t('dash.alerts.acknowledge')}
            </Button>
          ) : null}
          <Button
            size="sm"
            variant="ghost"
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={() => setOpen((v) => !v)}
          >
            {open ? t('dash.alerts.hideDeliveries') : t('dash.alerts.showDeliveries')}
          </Button>
        </div>
      </div>
      {a.acknowledgedAt ? (
        <p className="mt-1 text-xs text-muted">
          {t('dash.alerts.acknowledgedAt', { time: time.dateTime(a.acknowledgedAt) })}
        </p>
      ) : null}
      {open ? <Deliveries id={detailsId} alertId={a.id} /> : null}
    </li>
  );
}

function Deliveries({ id, alertId }: { id: string; alertId: string }) {
  const { t } = useTranslation();
  const time = useOrgTime();
  const q = useQuery({
    queryKey: [...dashKeys.outbox, 'alert', alertId],
    queryFn: () => alertsApi.deliveries(alertId),
  });
  return (
    <div id={id} className="mt-3 rounded-lg border border-border bg-surface-2/50 p-3">
      <p className="mb-2 text-sm font-medium text-fg">{t('dash.alerts.sentTo')}</p>
      {q.error ? <FormError>{errorMessage(t, q.error)}</FormError> : null}
      {q.data && q.data.items.length === 0 ? (
        <p className="text-sm text-muted">{t('dash.alerts.noDeliveries')}</p>
      ) : null}
      <ul className="space-y-2">
        {q.data?.items.map((n) => (
          <li key={n.id} className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <span className="min-w-0">
              <span className="font-medium text-fg">
                {n.recipientName ?? t('dash.alerts.unknownRecipient')}
              </span>
              {n.toNumber ? <span className="ml-2 font-mono text-xs text-muted">{n.toNumber}</span> : null}
              <span className="ml-2 text-xs text-muted">{time.dateTime(n.createdAt)}</span>
              {n.lastError ? (
                <span className="block text-xs text-danger-text" title={n.lastError}>
                  {providerErrorText(t, n.providerErrorCode, n.lastError)}
                </span>
              ) : null}
            </span>
            <Badge tone={DELIVERY_TONE[n.status]}>{t(`dash.delivery.${n.status}`)}</Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}
