import { useMemo, useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AttendanceDayView, AttendanceStatus } from '@hadir/contracts';
import { orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { currentLocale } from '../../i18n';
import { formatDate, formatDuration, intlTag } from '../../i18n/format';
import {
  Badge,
  type BadgeTone,
  Button,
  Card,
  type Column,
  type ComboOption,
  DataTable,
  EmptyState,
  Field,
  FormError,
  FormModal,
  Icon,
  PageHeader,
  SelectField,
  useToast,
} from '@hadir/ui';
import { DateField } from '../../ui/date-field';
import { addDaysIso, localDateIn } from '../dashboard/time';
import { EmployeeCombobox } from '../shared/employee-combobox';
import { attendanceApi, attendanceKeys, type DaysFilter } from './attendance-api';
import { DayCorrectionFields, useDayCorrectionDraft } from './day-correction-fields';

const LIMIT = 50;
const STATUSES: AttendanceStatus[] = [
  'present',
  'late',
  'early_leave',
  'half_day',
  'absent',
  'excused',
  'day_off',
  'holiday',
  'pending',
];
const TONE: Record<AttendanceStatus, BadgeTone> = {
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

/** Attendance days with filters, keyset paging, the reason sentence and a correction dialog. */
export function AttendancePage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const canCorrect = useCan('attendance:approve');
  const org = useQuery({ queryKey: queryKeys.organization, queryFn: orgApi.get, staleTime: 60_000 });
  const tz = org.data?.settings.timeZone;
  const [fromDate, setFromDate] = useState(() => addDaysIso(localDateIn(undefined), -6));
  const [toDate, setToDate] = useState(() => localDateIn(undefined));
  const [employee, setEmployee] = useState<ComboOption | null>(null);
  const [status, setStatus] = useState<AttendanceStatus | ''>('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [editing, setEditing] = useState<AttendanceDayView | null>(null);

  const filter: DaysFilter = useMemo(
    () => ({ from: fromDate, to: toDate, employeeId: employee?.id, status: status || undefined, locale }),
    [fromDate, toDate, employee, status, locale],
  );
  const cursor = cursors.at(-1);
  const page = useQuery({
    queryKey: [...attendanceKeys.days, filter, cursor],
    queryFn: () => attendanceApi.days({ ...filter, cursor, limit: LIMIT }),
    placeholderData: keepPreviousData,
    enabled: fromDate !== '' && toDate !== '' && fromDate <= toDate,
  });
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setCursors([]);
    };
  const time = (iso: string | null) =>
    iso
      ? new Intl.DateTimeFormat(intlTag(locale), { timeStyle: 'short', timeZone: tz }).format(new Date(iso))
      : '—';

  const columns: Column<AttendanceDayView>[] = [
    {
      key: 'employee',
      header: t('att.employee'),
      cell: (r) => (
        <div className="min-w-0">
          <p className="font-medium text-fg">{r.employeeName}</p>
          <p className="font-mono text-xs text-muted">{r.employeeCode}</p>
        </div>
      ),
    },
    {
      key: 'date',
      header: t('att.date'),
      cell: (r) => <span className="text-fg">{formatDate(r.date, locale, 'UTC')}</span>,
    },
    {
      key: 'status',
      header: t('att.status'),
      cell: (r) => <Badge tone={TONE[r.status]}>{t(`att.statuses.${r.status}`)}</Badge>,
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
        <span className="text-sm text-muted" data-testid="attendance-reason">
          {r.reasonText}
        </span>
      ),
    },
    ...(canCorrect
      ? [
          {
            key: 'actions',
            header: <span className="sr-only">{t('att.correct')}</span>,
            cell: (r: AttendanceDayView) => (
              <Button size="sm" onClick={() => setEditing(r)}>
                {t('att.correct')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader title={t('att.title')} description={t('att.subtitle')} />
      <Card>
        <div className="grid grid-cols-2 gap-3 border-b border-border p-4 lg:grid-cols-4">
          <DateField
            label={t('att.from')}
            value={fromDate}
            max={toDate}
            onChange={(v) => reset(setFromDate)(v)}
          />
          <DateField
            label={t('att.to')}
            value={toDate}
            min={fromDate}
            onChange={(v) => reset(setToDate)(v)}
          />
          <Field label={t('att.employee')} className="col-span-2 lg:col-span-1">
            {(p) => (
              <EmployeeCombobox
                control={p}
                value={employee}
                onChange={reset(setEmployee)}
                queryKey="attendance-employee"
                noneLabel={t('att.anyEmployee')}
              />
            )}
          </Field>
          <SelectField
            label={t('att.status')}
            className="col-span-2 sm:col-span-1"
            value={status}
            onChange={(e) => reset(setStatus)(e.target.value as AttendanceStatus | '')}
          >
            <option value="">{t('att.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`att.statuses.${s}`)}
              </option>
            ))}
          </SelectField>
        </div>
        {page.error ? (
          <div className="p-4">
            <FormError>{errorMessage(t, page.error)}</FormError>
          </div>
        ) : null}
        <DataTable
          caption={t('att.title')}
          columns={columns}
          rows={page.data?.items}
          rowKey={(r) => `${r.employeeId}:${r.date}`}
          loading={page.isFetching}
          empty={<EmptyState icon="clipboard" title={t('att.empty')} description={t('att.emptyHint')} />}
          mobileCard={(r) => (
            <div className="space-y-1 text-sm" data-testid="attendance-row">
              <div className="flex items-center justify-between gap-2">
                <p className="font-medium text-fg">{r.employeeName}</p>
                <Badge tone={TONE[r.status]}>{t(`att.statuses.${r.status}`)}</Badge>
              </div>
              <p className="text-xs text-muted">
                {formatDate(r.date, locale, 'UTC')} · {time(r.checkInAt)} – {time(r.checkOutAt)}
              </p>
              <p className="text-xs text-muted">{r.reasonText}</p>
              {canCorrect ? (
                <Button size="sm" onClick={() => setEditing(r)}>
                  {t('att.correct')}
                </Button>
              ) : null}
            </div>
          )}
        />
        {page.data && (cursors.length > 0 || page.data.nextCursor) ? (
          <nav
            aria-label={t('table.pagination')}
            className="flex flex-wrap items-center justify-end gap-2 border-t border-border px-4 py-3"
          >
            <Button size="sm" disabled={cursors.length === 0} onClick={() => setCursors([])}>
              {t('att.newest')}
            </Button>
            <Button
              size="sm"
              disabled={!page.data.nextCursor}
              onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data.nextCursor!])}
            >
              {t('att.older')}
              <Icon name="chevronRight" size={16} />
            </Button>
          </nav>
        ) : null}
      </Card>
      {editing ? <CorrectionDialog day={editing} timeZone={tz} onClose={() => setEditing(null)} /> : null}
    </>
  );
}

/** "HH:MM" on a local date in the org zone → ISO instant (the zone's offset at local midnight). */
function CorrectionDialog({
  day,
  timeZone,
  onClose,
}: {
  day: AttendanceDayView;
  timeZone: string | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const toast = useToast();
  const draft = useDayCorrectionDraft();
  const save = useMutation({
    mutationFn: () =>
      attendanceApi.correct({ employeeId: day.employeeId, ...draft.body(day.date, timeZone) }),
    onSuccess: async () => {
      toast.show(t('att.saved'));
      await qc.invalidateQueries({ queryKey: attendanceKeys.days });
      onClose();
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    save.mutate();
  };
  return (
    <FormModal
      open
      onClose={onClose}
      title={t('att.correctTitle', { name: day.employeeName, date: day.date })}
      description={t('att.correctHint')}
      formId="attendance-correction"
      onSubmit={submit}
      submitLabel={t('att.save')}
      submitting={save.isPending}
      formClassName="grid grid-cols-2 gap-3"
    >
      <DayCorrectionFields
        draft={draft}
        labels={{
          checkIn: t('att.checkIn'),
          checkOut: t('att.checkOut'),
          status: t('att.newStatus'),
          keep: t('att.keepDerived'),
          note: t('att.note'),
        }}
        statusLabel={(s) => t(`att.statuses.${s}`)}
        error={save.error ? errorMessage(t, save.error) : null}
      />
    </FormModal>
  );
}
