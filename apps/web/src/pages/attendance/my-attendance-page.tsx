import { useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AttendanceDayView, AttendanceStatus, RegularizationView } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { currentLocale } from '../../i18n';
import { formatDate, formatDuration, intlTag } from '../../i18n/format';
import { useOrgTime } from '../../i18n/org-time';
import {
  Badge,
  type BadgeTone,
  Button,
  Card,
  CardBody,
  CardHeader,
  type Column,
  DataTable,
  EmptyState,
  FormModal,
  PageHeader,
  TextField,
  useToast,
} from '@hadir/ui';
import { localDateIn } from '../dashboard/time';
import { LoadFailed } from '../shared/load-failed';
import { DayCorrectionFields, useDayCorrectionDraft } from './day-correction-fields';
import { regularizationApi, regularizationKeys } from './regularization-api';

export const STATUS_TONE: Record<AttendanceStatus, BadgeTone> = {
  present: 'success',
  late: 'warning',
  early_leave: 'warning',
  half_day: 'warning',
  absent: 'danger',
  excused: 'primary',
  day_off: 'neutral',
  holiday: 'slate',
  pending: 'neutral',
};
export const STATE_TONE: Record<RegularizationView['state'], BadgeTone> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
};

/** What a request asks for, in the organization's zone: "08:00 – 17:00 · Excused". */
export function useDescribeRequest() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const { timeZone } = useOrgTime();
  const time = (iso: string | null) =>
    iso
      ? new Intl.DateTimeFormat(intlTag(locale), { timeStyle: 'short', timeZone }).format(new Date(iso))
      : null;
  return (r: Pick<RegularizationView, 'checkInAt' | 'checkOutAt' | 'status'>) =>
    [
      r.checkInAt ? `${t('reg.ask.checkIn')} ${time(r.checkInAt)}` : null,
      r.checkOutAt ? `${t('reg.ask.checkOut')} ${time(r.checkOutAt)}` : null,
      r.status ? t(`att.statuses.${r.status}`) : null,
    ]
      .filter(Boolean)
      .join(' · ');
}

/** A linked employee's own month (status, reason, hours) with "ask for a correction" per day. */
export function MyAttendancePage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const { timeZone } = useOrgTime();
  const [month, setMonth] = useState(() => localDateIn(timeZone).slice(0, 7));
  const [asking, setAsking] = useState<AttendanceDayView | null>(null);
  const describe = useDescribeRequest();
  const valid = /^\d{4}-\d{2}$/.test(month);
  const data = useQuery({
    queryKey: regularizationKeys.myMonth(month, locale),
    queryFn: () => regularizationApi.myMonth(month, locale),
    enabled: valid,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const mine = useQuery({ queryKey: regularizationKeys.mine, queryFn: regularizationApi.mine, retry: false });
  const time = (iso: string | null) =>
    iso
      ? new Intl.DateTimeFormat(intlTag(locale), { timeStyle: 'short', timeZone }).format(new Date(iso))
      : '—';
  const notLinked = data.error instanceof ApiError && data.error.code === 'not_linked';
  const pendingDates = new Set(mine.data?.filter((r) => r.state === 'pending').map((r) => r.date));

  const columns: Column<AttendanceDayView>[] = [
    { key: 'date', header: t('att.date'), cell: (r) => formatDate(r.date, locale, 'UTC') },
    {
      key: 'status',
      header: t('att.status'),
      cell: (r) => <Badge tone={STATUS_TONE[r.status]}>{t(`att.statuses.${r.status}`)}</Badge>,
    },
    {
      key: 'in',
      header: t('att.checkIn'),
      cell: (r) => <span className="tabular-nums">{time(r.checkInAt)}</span>,
    },
    {
      key: 'out',
      header: t('att.checkOut'),
      cell: (r) => <span className="tabular-nums">{time(r.checkOutAt)}</span>,
    },
    {
      key: 'worked',
      header: t('att.worked'),
      cell: (r) => <span className="tabular-nums">{formatDuration(r.workedMinutes, locale)}</span>,
    },
    {
      key: 'reason',
      header: t('att.reason'),
      cell: (r) => (
        <span className="text-sm text-muted" data-testid="my-day-reason">
          {r.reasonText}
        </span>
      ),
    },
    {
      key: 'actions',
      header: <span className="sr-only">{t('reg.mine.askCorrection')}</span>,
      cell: (r) =>
        pendingDates.has(r.date) ? (
          <Badge tone="warning">{t('reg.states.pending')}</Badge>
        ) : (
          <Button size="sm" onClick={() => setAsking(r)}>
            {t('reg.mine.askCorrection')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t('reg.mine.title')} description={t('reg.mine.subtitle')} />
      {notLinked ? (
        <Card>
          <EmptyState
            icon="users"
            title={t('reg.mine.notLinked')}
            description={t('reg.mine.notLinkedHint')}
          />
        </Card>
      ) : (
        <div className="space-y-4">
          <Card>
            <div className="flex flex-wrap items-end gap-4 border-b border-border p-4">
              <TextField
                label={t('reg.mine.month')}
                type="month"
                value={month}
                onChange={(e) => setMonth(e.target.value)}
              />
              {data.data ? (
                <dl className="flex flex-wrap gap-4 text-sm" data-testid="my-month-totals">
                  {(['present', 'late', 'absent', 'excused'] as const).map((k) => (
                    <div key={k}>
                      <dt className="text-xs text-muted">{t(`att.statuses.${k}`)}</dt>
                      <dd className="font-semibold tabular-nums text-fg">{data.data.totals[k]}</dd>
                    </div>
                  ))}
                  <div>
                    <dt className="text-xs text-muted">{t('att.worked')}</dt>
                    <dd className="font-semibold tabular-nums text-fg">
                      {formatDuration(data.data.totals.workedMinutes, locale)}
                    </dd>
                  </div>
                </dl>
              ) : null}
            </div>
            {data.isError && !notLinked ? <LoadFailed error={data.error} /> : null}
            <DataTable
              caption={t('reg.mine.days')}
              columns={columns}
              rows={data.data ? [...data.data.days].reverse() : undefined}
              rowKey={(r) => r.date}
              loading={data.isFetching}
              empty={<EmptyState icon="clipboard" title={t('reg.mine.noDays')} />}
              mobileCard={(r) => (
                <div className="space-y-1 text-sm" data-testid="my-day">
                  <div className="flex items-center justify-between gap-2">
                    <p className="font-medium text-fg">{formatDate(r.date, locale, 'UTC')}</p>
                    <Badge tone={STATUS_TONE[r.status]}>{t(`att.statuses.${r.status}`)}</Badge>
                  </div>
                  {r.checkInAt || r.checkOutAt ? (
                    <p className="text-xs text-muted">
                      {time(r.checkInAt)} – {time(r.checkOutAt)} · {formatDuration(r.workedMinutes, locale)}
                    </p>
                  ) : null}
                  <p className="text-xs text-muted">{r.reasonText}</p>
                  {pendingDates.has(r.date) ? (
                    <Badge tone="warning">{t('reg.states.pending')}</Badge>
                  ) : (
                    <Button size="sm" onClick={() => setAsking(r)}>
                      {t('reg.mine.askCorrection')}
                    </Button>
                  )}
                </div>
              )}
            />
          </Card>
          <Card>
            <CardHeader title={t('reg.mine.requests')} />
            <CardBody>
              {mine.isError ? (
                <LoadFailed error={mine.error} />
              ) : mine.data && mine.data.length === 0 ? (
                <EmptyState
                  icon="check"
                  title={t('reg.mine.noRequests')}
                  description={t('reg.mine.noRequestsHint')}
                />
              ) : (
                <ul className="divide-y divide-border" data-testid="my-corrections">
                  {mine.data?.map((r) => (
                    <li key={r.id} className="flex flex-wrap items-start gap-3 py-3">
                      <div className="min-w-0 flex-1 space-y-1">
                        <p className="font-medium text-fg">
                          {formatDate(r.date, locale, 'UTC')}
                          <span className="ml-2 text-sm font-normal text-muted">{describe(r)}</span>
                        </p>
                        <p className="text-sm text-muted">{r.note}</p>
                        {r.decidedByName ? (
                          <p className="text-sm text-muted">
                            {t('reg.decided', { state: t(`reg.states.${r.state}`), name: r.decidedByName })}
                            {r.decisionComment ? ` — ${r.decisionComment}` : ''}
                          </p>
                        ) : null}
                      </div>
                      <Badge tone={STATE_TONE[r.state]}>{t(`reg.states.${r.state}`)}</Badge>
                    </li>
                  ))}
                </ul>
              )}
            </CardBody>
          </Card>
        </div>
      )}
      {asking ? <AskDialog day={asking} timeZone={timeZone} onClose={() => setAsking(null)} /> : null}
    </>
  );
}

function AskDialog({
  day,
  timeZone,
  onClose,
}: {
  day: AttendanceDayView;
  timeZone: string | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const locale = currentLocale();
  const qc = useQueryClient();
  const toast = useToast();
  const draft = useDayCorrectionDraft();
  const send = useMutation({
    mutationFn: () => regularizationApi.request(draft.body(day.date, timeZone)),
    onSuccess: async () => {
      toast.show(t('reg.ask.sent'));
      await qc.invalidateQueries({ queryKey: regularizationKeys.all });
      onClose();
    },
  });
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('reg.ask.title', { date: formatDate(day.date, locale, 'UTC') })}
      description={t('reg.ask.hint')}
      formId="regularization-request"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        send.mutate();
      }}
      submitLabel={t('reg.ask.send')}
      submitting={send.isPending}
      formClassName="grid grid-cols-2 gap-3"
    >
      <DayCorrectionFields
        draft={draft}
        labels={{
          checkIn: t('reg.ask.checkIn'),
          checkOut: t('reg.ask.checkOut'),
          status: t('reg.ask.status'),
          keep: t('reg.ask.keep'),
          note: t('reg.ask.note'),
        }}
        statusLabel={(s) => t(`att.statuses.${s}`)}
        noteMaxLength={500}
        error={send.error ? errorMessage(t, send.error) : null}
      />
    </FormModal>
  );
}
