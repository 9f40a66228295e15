import { useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AttendanceDayView, AttendanceStatus, RecomputeResult } from '@hadir/contracts';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { currentLocale } from '../../i18n';
import { formatDate, formatDuration, intlTag } from '../../i18n/format';
import { useOrgTime } from '../../i18n/org-time';
import {
  Badge,
  type BadgeTone,
  Button,
  ButtonAnchor,
  Card,
  CardBody,
  CardHeader,
  type Column,
  type ComboOption,
  DataTable,
  EmptyState,
  Field,
  FormError,
  PageHeader,
  TextField,
  useToast,
} from '@hadir/ui';
import { DateField } from '../../ui/date-field';
import { addDaysIso, localDateIn } from '../dashboard/time';
import { EmployeeCombobox } from '../shared/employee-combobox';
import { attendanceKeys } from '../attendance/attendance-api';
import { rulesApi, rulesKeys } from './rules-api';

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
/** Monday-first weekday of a YYYY-MM-DD (0 = Monday). */
const mondayIndex = (date: string) => (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7;
const daysInMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};

/** One employee's month as a calendar grid (status and reason per day), and recompute with preview. */
export function MonthPage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const { timeZone } = useOrgTime();
  const canRecompute = useCan('shift:manage');
  const [employee, setEmployee] = useState<ComboOption | null>(null);
  const [month, setMonth] = useState(() => localDateIn(timeZone).slice(0, 7));
  const data = useQuery({
    queryKey: [...rulesKeys.month, employee?.id, month, locale],
    queryFn: () => rulesApi.month(employee!.id, month, locale),
    enabled: Boolean(employee && /^\d{4}-\d{2}$/.test(month)),
    placeholderData: keepPreviousData,
  });
  const time = (iso: string | null) =>
    iso
      ? new Intl.DateTimeFormat(intlTag(locale), { timeStyle: 'short', timeZone }).format(new Date(iso))
      : '—';
  const weekdayNames = Array.from({ length: 7 }, (_, i) =>
    new Intl.DateTimeFormat(intlTag(locale), { weekday: 'short', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2026, 0, 5 + i, 12)),
    ),
  );
  const byDate = new Map((data.data?.days ?? []).map((d) => [d.date, d] as const));
  const dates = /^\d{4}-\d{2}$/.test(month)
    ? Array.from({ length: daysInMonth(month) }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`)
    : [];
  const lead = dates[0] ? mondayIndex(dates[0]) : 0;
  const totals = data.data?.totals;
  // Days after today have no status yet: their cells stay empty rather than "not derived".
  const today = localDateIn(timeZone);

  const cell = (date: string, day: AttendanceDayView | undefined) => (
    <div
      key={date}
      data-testid="month-day"
      className="flex min-h-28 flex-col gap-1 rounded-lg border border-border bg-surface p-2 text-xs"
    >
      <div className="flex items-center justify-between gap-1">
        <span className="font-semibold text-fg tabular-nums">{Number(date.slice(8))}</span>
        {day ? <Badge tone={TONE[day.status]}>{t(`att.statuses.${day.status}`)}</Badge> : null}
      </div>
      {day && day.checkInAt ? (
        <span className="text-muted tabular-nums">
          {time(day.checkInAt)} – {time(day.checkOutAt)}
        </span>
      ) : null}
      <span className="text-muted" title={day?.reasonText}>
        {day ? day.reasonText : date > today ? '' : t('attr.month.notDerived')}
      </span>
    </div>
  );

  return (
    <>
      <PageHeader
        title={t('attr.month.title')}
        description={t('attr.month.subtitle')}
        actions={
          /^\d{4}-\d{2}$/.test(month) ? (
            <>
              <ButtonAnchor href={rulesApi.monthExportUrl(month, 'xlsx', locale)} icon="download" download>
                {t('dash.common.exportXlsx')}
              </ButtonAnchor>
              <ButtonAnchor href={rulesApi.monthExportUrl(month, 'pdf', locale)} icon="download" download>
                {t('dash.common.exportPdf')}
              </ButtonAnchor>
            </>
          ) : null
        }
      />
      <div className="space-y-5">
        <Card>
          <div className="grid grid-cols-1 gap-3 border-b border-border p-4 sm:grid-cols-2">
            <Field label={t('attr.month.employee')}>
              {(p) => (
                <EmployeeCombobox
                  control={p}
                  value={employee}
                  onChange={setEmployee}
                  queryKey="month-employee"
                  noneLabel={t('attr.month.pick')}
                />
              )}
            </Field>
            <TextField
              label={t('attr.month.month')}
              type="month"
              value={month}
              onChange={(e) => setMonth(e.target.value)}
            />
          </div>
          {data.error ? (
            <div className="p-4">
              <FormError>{errorMessage(t, data.error)}</FormError>
            </div>
          ) : null}
          {!employee ? (
            <EmptyState icon="users" title={t('attr.month.pick')} description={t('attr.month.pickHint')} />
          ) : (
            <CardBody>
              {totals ? (
                <dl
                  className="mb-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-5"
                  aria-label={t('attr.month.totals')}
                  data-testid="month-totals"
                >
                  {(
                    [
                      ['present', String(totals.present)],
                      ['late', String(totals.late)],
                      ['absent', String(totals.absent)],
                      ['excused', String(totals.excused)],
                      ['worked', formatDuration(totals.workedMinutes, locale)],
                    ] as const
                  ).map(([k, v]) => (
                    <div key={k} className="rounded-lg border border-border p-3">
                      <dt className="text-xs text-muted">{t(`attr.month.${k}`)}</dt>
                      <dd className="text-lg font-semibold text-fg tabular-nums">{v}</dd>
                    </div>
                  ))}
                </dl>
              ) : null}
              <div
                role="grid"
                aria-label={t('attr.month.calendar', { name: employee.label })}
                className="hidden grid-cols-7 gap-2 lg:grid"
              >
                {weekdayNames.map((w) => (
                  <div key={w} role="columnheader" className="px-1 text-xs font-semibold text-muted">
                    {w}
                  </div>
                ))}
                {Array.from({ length: lead }, (_, i) => (
                  <div key={`lead-${i}`} aria-hidden />
                ))}
                {dates.map((d) => cell(d, byDate.get(d)))}
              </div>
              <ul className="space-y-2 lg:hidden">
                {dates.map((d) => {
                  const day = byDate.get(d);
                  return (
                    <li
                      key={d}
                      className="rounded-lg border border-border p-3 text-sm"
                      data-testid="month-row"
                    >
                      <div className="flex items-center justify-between gap-2">
                        <span className="font-medium text-fg">{formatDate(d, locale, 'UTC')}</span>
                        {day ? (
                          <Badge tone={TONE[day.status]}>{t(`att.statuses.${day.status}`)}</Badge>
                        ) : null}
                      </div>
                      {day && day.checkInAt ? (
                        <p className="text-xs text-muted tabular-nums">
                          {time(day.checkInAt)} – {time(day.checkOutAt)}
                        </p>
                      ) : null}
                      <p className="text-xs text-muted">
                        {day ? day.reasonText : d > today ? '' : t('attr.month.notDerived')}
                      </p>
                    </li>
                  );
                })}
              </ul>
            </CardBody>
          )}
        </Card>
        {canRecompute ? <RecomputeCard /> : null}
      </div>
    </>
  );
}

function RecomputeCard() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const qc = useQueryClient();
  const toast = useToast();
  const [from, setFrom] = useState(() => addDaysIso(localDateIn(undefined), -6));
  const [to, setTo] = useState(() => localDateIn(undefined));
  const [employee, setEmployee] = useState<ComboOption | null>(null);
  const [preview, setPreview] = useState<RecomputeResult | null>(null);
  const body = (apply: boolean) => ({ from, to, employeeId: employee?.id, apply });
  const run = useMutation({
    mutationFn: (apply: boolean) => rulesApi.recompute(body(apply)),
    onSuccess: async (r) => {
      if (!r.applied) {
        setPreview(r);
        return;
      }
      setPreview(null);
      toast.show(t('attr.recompute.applied', { count: r.changes.length }));
      await qc.invalidateQueries({ queryKey: rulesKeys.month });
      await qc.invalidateQueries({ queryKey: attendanceKeys.days });
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    run.mutate(false);
  };
  type Change = RecomputeResult['changes'][number];
  const status = (s: AttendanceStatus | null) =>
    s ? (
      <Badge tone={TONE[s]}>{t(`att.statuses.${s}`)}</Badge>
    ) : (
      <span className="text-muted">{t('attr.recompute.notYet')}</span>
    );
  const columns: Column<Change>[] = [
    {
      key: 'employee',
      header: t('attr.month.employee'),
      cell: (c) => (
        <div>
          <p className="font-medium text-fg">{c.employeeName}</p>
          <p className="font-mono text-xs text-muted">{c.employeeCode}</p>
        </div>
      ),
    },
    { key: 'date', header: t('att.date'), cell: (c) => <span>{formatDate(c.date, locale, 'UTC')}</span> },
    { key: 'before', header: t('attr.recompute.before'), cell: (c) => status(c.before) },
    {
      key: 'after',
      header: t('attr.recompute.after'),
      cell: (c) => (
        <div className="space-y-1">
          {status(c.after)}
          <p className="text-xs text-muted">{c.reasonAfter}</p>
        </div>
      ),
    },
  ];
  return (
    <Card>
      <CardHeader title={t('attr.recompute.title')} description={t('attr.recompute.subtitle')} />
      <form
        onSubmit={submit}
        className="grid grid-cols-2 items-end gap-3 border-b border-border p-4 lg:grid-cols-4"
      >
        <DateField
          label={t('attr.recompute.from')}
          value={from}
          max={to}
          onChange={(v) => {
            setFrom(v);
            setPreview(null);
          }}
        />
        <DateField
          label={t('attr.recompute.to')}
          value={to}
          min={from}
          onChange={(v) => {
            setTo(v);
            setPreview(null);
          }}
        />
        <Field label={t('attr.recompute.employee')} className="col-span-2 lg:col-span-1">
          {(p) => (
            <EmployeeCombobox
              control={p}
              value={employee}
              onChange={(v) => {
                setEmployee(v);
                setPreview(null);
              }}
              queryKey="recompute-employee"
              noneLabel={t('attr.recompute.everyone')}
            />
          )}
        </Field>
        <Button type="submit" loading={run.isPending && !preview} className="col-span-2 lg:col-span-1">
          {t('attr.recompute.preview')}
        </Button>
      </form>
      {run.error ? (
        <div className="p-4">
          <FormError>{errorMessage(t, run.error)}</FormError>
        </div>
      ) : null}
      {preview ? (
        preview.changes.length === 0 ? (
          <p className="p-4 text-sm text-muted" data-testid="recompute-none">
            {t('attr.recompute.none')}
          </p>
        ) : (
          <>
            <DataTable
              caption={t('attr.recompute.title')}
              columns={columns}
              rows={preview.changes}
              rowKey={(c) => `${c.employeeId}:${c.date}`}
              mobileCard={(c) => (
                <div className="space-y-1 text-sm">
                  <p className="font-medium text-fg">{c.employeeName}</p>
                  <p className="text-xs text-muted">{formatDate(c.date, locale, 'UTC')}</p>
                  <div className="flex items-center gap-2">
                    {status(c.before)}
                    <span aria-hidden>→</span>
                    {status(c.after)}
                  </div>
                  <p className="text-xs text-muted">{c.reasonAfter}</p>
                </div>
              )}
            />
            <div className="flex justify-end border-t border-border p-4">
              <Button variant="primary" loading={run.isPending} onClick={() => run.mutate(true)}>
                {t('attr.recompute.apply', { count: preview.changes.length })}
              </Button>
            </div>
          </>
        )
      ) : null}
    </Card>
  );
}
