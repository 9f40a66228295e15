import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { MobileDevice, SyncLog } from '@hadir/contracts';
import {
  Badge,
  Button,
  Card,
  CardHeader,
  ConfirmDialog,
  DataTable,
  EmptyState,
  PageHeader,
  type Column,
  useToast,
} from '@hadir/ui';
import { errorMessage } from '../../api/errors';
import { useOrgTime } from '../../i18n/org-time';
import { LoadFailed } from '../shared/load-failed';
import { deviceKeys, devicesApi } from './devices-api';

const LOG_TONE = { ok: 'success', partial: 'warning', failed: 'danger' } as const;

/** Managers: the organization's phones, their sync log, and revoking a lost one. */
export function DevicesPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const time = useOrgTime();
  const [toRevoke, setToRevoke] = useState<MobileDevice | null>(null);
  const devices = useQuery({ queryKey: deviceKeys.list, queryFn: devicesApi.list });
  const logs = useQuery({ queryKey: deviceKeys.logs, queryFn: devicesApi.logs });

  const revoke = useMutation({
    mutationFn: (d: MobileDevice) => devicesApi.revoke(d.id),
    onSuccess: async (_r, d) => {
      toast.show(t('dev.revokedDone', { name: d.name }));
      setToRevoke(null);
      await qc.invalidateQueries({ queryKey: deviceKeys.all });
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });

  const stateBadge = (d: MobileDevice) => (
    <Badge tone={d.revoked_at ? 'danger' : 'success'}>{t(d.revoked_at ? 'dev.revoked' : 'dev.active')}</Badge>
  );
  const revokeButton = (d: MobileDevice) =>
    d.revoked_at ? null : (
      <Button size="sm" variant="ghost" className="text-danger-text" onClick={() => setToRevoke(d)}>
        {t('dev.revoke')}
      </Button>
    );
  const lastSync = (d: MobileDevice) => (d.last_sync_at ? time.dateTime(d.last_sync_at) : t('dev.never'));

  const deviceColumns: Column<MobileDevice>[] = [
    {
      key: 'name',
      header: t('dev.device'),
      cell: (d) => <span className="font-medium text-fg">{d.name}</span>,
    },
    { key: 'owner', header: t('dev.owner'), cell: (d) => <span className="text-muted">{d.user_name}</span> },
    {
      key: 'created',
      header: t('dev.registered'),
      cell: (d) => <span className="text-muted">{time.date(d.created_at)}</span>,
    },
    {
      key: 'lastSync',
      header: t('dev.lastSync'),
      cell: (d) => <span className="text-muted">{lastSync(d)}</span>,
    },
    { key: 'status', header: t('dev.status'), cell: stateBadge },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      cell: revokeButton,
      className: 'text-right',
    },
  ];
  const skew = (l: SyncLog) => t('dev.skewSeconds', { seconds: Math.round(l.clock_skew_ms / 1000) });
  const logBadge = (l: SyncLog) => <Badge tone={LOG_TONE[l.status]}>{t(`dev.logStatus.${l.status}`)}</Badge>;
  const logColumns: Column<SyncLog>[] = [
    {
      key: 'at',
      header: t('dev.syncedAt'),
      cell: (l) => <span className="text-muted">{time.dateTime(l.synced_at)}</span>,
    },
    {
      key: 'device',
      header: t('dev.device'),
      cell: (l) => <span className="font-medium text-fg">{l.device_name}</span>,
    },
    { key: 'status', header: t('dev.status'), cell: logBadge },
    {
      key: 'synced',
      header: t('dev.synced'),
      cell: (l) => l.records_synced,
      className: 'text-right tabular-nums',
    },
    {
      key: 'failed',
      header: t('dev.failed'),
      cell: (l) => l.records_failed,
      className: 'text-right tabular-nums',
    },
    {
      key: 'dup',
      header: t('dev.duplicates'),
      cell: (l) => l.records_duplicate,
      className: 'text-right tabular-nums',
    },
    { key: 'skew', header: t('dev.skew'), cell: skew, className: 'text-right tabular-nums' },
  ];

  return (
    <>
      <PageHeader title={t('dev.title')} description={t('dev.subtitle')} />
      <div className="space-y-6">
        <Card>
          {devices.isError ? (
            <LoadFailed error={devices.error} />
          ) : (
            <DataTable
              caption={t('dev.title')}
              columns={deviceColumns}
              rows={devices.data}
              rowKey={(d) => d.id}
              loading={devices.isPending}
              empty={<EmptyState icon="key" title={t('dev.empty')} description={t('dev.emptyHint')} />}
              mobileCard={(d) => (
                <div className="flex items-start gap-3">
                  <div className="min-w-0 flex-1 space-y-1">
                    <p className="font-medium text-fg">{d.name}</p>
                    <p className="text-xs text-muted">{`${d.user_name} · ${lastSync(d)}`}</p>
                    {stateBadge(d)}
                  </div>
                  {revokeButton(d)}
                </div>
              )}
            />
          )}
        </Card>
        <Card>
          <CardHeader title={t('dev.logsTitle')} />
          {logs.isError ? (
            <LoadFailed error={logs.error} />
          ) : (
            <DataTable
              caption={t('dev.logsTitle')}
              columns={logColumns}
              rows={logs.data}
              rowKey={(l) => l.id}
              loading={logs.isPending}
              empty={<EmptyState icon="list" title={t('dev.logsEmpty')} />}
              mobileCard={(l) => (
                <div className="space-y-1">
                  <div className="flex items-center justify-between gap-2">
                    <p className="font-medium text-fg">{l.device_name}</p>
                    {logBadge(l)}
                  </div>
                  <p className="text-xs text-muted">{time.dateTime(l.synced_at)}</p>
                  <p className="text-xs text-muted">
                    {`${t('dev.synced')} ${l.records_synced} · ${t('dev.failed')} ${l.records_failed} · ${t('dev.duplicates')} ${l.records_duplicate} · ${t('dev.skew')} ${skew(l)}`}
                  </p>
                </div>
              )}
            />
          )}
        </Card>
      </div>
      <ConfirmDialog
        open={toRevoke !== null}
        title={t('dev.revokeTitle', { name: toRevoke?.name ?? '' })}
        body={t('dev.revokeBody')}
        confirmLabel={t('dev.revoke')}
        busy={revoke.isPending}
        onConfirm={() => toRevoke && revoke.mutate(toRevoke)}
        onCancel={() => setToRevoke(null)}
      />
    </>
  );
}
