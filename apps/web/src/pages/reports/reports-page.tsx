import { useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';
import { orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { currentLocale } from '../../i18n';
import { formatDuration, formatNumber, intlTag } from '../../i18n/format';
import {
  ButtonAnchor,
  Card,
  CardBody,
  CardHeader,
  type ComboOption,
  Field,
  FormError,
  NamedOptions,
  PageHeader,
  SelectField,
  Skeleton,
} from '@hadir/ui';
import { EmployeeCombobox } from '../shared/employee-combobox';
import { DateField } from '../../ui/date-field';
import { analyticsApi, dashKeys, type AnalyticsFilter } from '../dashboard/dashboard-api';
import { addDaysIso, localDateIn } from '../dashboard/time';

ChartJS.register(CategoryScale, LinearScale, BarElement, PointElement, LineElement, Tooltip, Legend);
// Chart labels in the app's font (canvas text does not inherit CSS), a size that stays legible on phones.
if (typeof document !== 'undefined') {
  ChartJS.defaults.font.family = getComputedStyle(document.body).fontFamily || ChartJS.defaults.font.family;
  ChartJS.defaults.font.size = 12;
}

type Palette = { present: string; late: string; absent: string; primary: string; grid: string; text: string };

function readPalette(): Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    present: v('--accent', '#008080'),
    late: v('--warning-text', '#8a3b0c'),
    absent: v('--danger', '#b42318'),
    primary: v('--primary', '#2e3192'),
    grid: v('--border', '#d5d8e2'),
    text: v('--muted', '#555b70'),
  };
}

/** Chart colours follow the theme: re-read the CSS variables when <html data-theme> changes. */
function usePalette(): Palette {
  const [palette, setPalette] = useState(readPalette);
  useEffect(() => {
    const obs = new MutationObserver(() => setPalette(readPalette()));
    obs.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    return () => obs.disconnect();
  }, []);
  return palette;
}

/** Attendance charts (per day, per department, lateness, hours) with exports of what is shown. */
export function ReportsPage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const org = useQuery({ queryKey: queryKeys.organization, queryFn: orgApi.get, staleTime: 60_000 });
  const departments = useQuery({
    queryKey: queryKeys.departments,
    queryFn: orgApi.departments,
    staleTime: 60_000,
  });
  const [to, setTo] = useState(() => localDateIn(undefined));
  const [from, setFrom] = useState(() => addDaysIso(localDateIn(undefined), -13));
  const [departmentId, setDepartmentId] = useState('');
  const filter: AnalyticsFilter = { from, to, departmentId: departmentId || undefined };
  const data = useQuery({
    queryKey: [...dashKeys.analytics, filter],
    queryFn: () => analyticsApi.attendance(filter),
    placeholderData: keepPreviousData,
    enabled: Boolean(from && to && from <= to),
  });
  const p = usePalette();
  const a = data.data;
  const dayFormat = useMemo(
    () => new Intl.DateTimeFormat(intlTag(locale), { day: 'numeric', month: 'short', timeZone: 'UTC' }),
    [locale],
  );
  const day = (d: string) => dayFormat.format(new Date(`${d}T12:00:00Z`));
  const n = (v: number) => formatNumber(v, locale);

  const axes = useMemo(
    () => ({
      x: { stacked: true, grid: { color: p.grid }, ticks: { color: p.text, precision: 0 } },
      y: {
        stacked: true,
        beginAtZero: true,
        grid: { color: p.grid },
        ticks: { color: p.text, precision: 0 },
      },
    }),
    [p],
  );
  // Dates read level and thin out on narrow screens instead of tilting into each other.
  const dayAxisX = { ...axes.x, ticks: { ...axes.x.ticks, maxRotation: 0, autoSkipPadding: 12 } };
  const common: ChartOptions<'bar'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    // One department (or a few days) must not become one huge block.
    datasets: { bar: { maxBarThickness: 40 } },
    plugins: { legend: { labels: { color: p.text, boxWidth: 12, boxHeight: 12 } } },
    scales: axes,
  };

  return (
    <>
      <PageHeader
        title={t('dash.reports.title')}
        description={t('dash.reports.subtitle')}
        actions={
          <>
            <ButtonAnchor href={analyticsApi.exportUrl(filter, 'csv')} icon="download" download>
              {t('dash.common.exportCsv')}
            </ButtonAnchor>
            <ButtonAnchor href={analyticsApi.exportUrl(filter, 'xlsx')} icon="download" download>
              {t('dash.common.exportXlsx')}
            </ButtonAnchor>
            <ButtonAnchor href={analyticsApi.exportUrl(filter, 'pdf')} icon="download" download>
              {t('dash.common.exportPdf')}
            </ButtonAnchor>
          </>
        }
      />
      <Card className="mb-4">
        <div className="grid grid-cols-2 gap-3 p-4 md:grid-cols-3">
          <DateField label={t('dash.common.from')} value={from} max={to} onChange={(v) => setFrom(v)} />
          <DateField label={t('dash.common.to')} value={to} min={from} onChange={(v) => setTo(v)} />
          <SelectField
            label={t('dash.common.department')}
            className="col-span-2 md:col-span-1"
            value={departmentId}
            onChange={(e) => setDepartmentId(e.target.value)}
          >
            <NamedOptions none={t('dash.common.allDepartments')} items={departments.data} />
          </SelectField>
        </div>
      </Card>
      {data.error ? (
        <div className="mb-4">
          <FormError>{errorMessage(t, data.error)}</FormError>
        </div>
      ) : null}
      {a ? (
        <section aria-label={t('dash.reports.totals')} className="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-4">
          {[
            [t('dash.reports.attendanceRate'), `${n(Math.round(a.totals.attendanceRate * 100))}%`],
            [t('dash.reports.present'), n(a.totals.present)],
            [t('dash.reports.late'), n(a.totals.late)],
            [t('dash.reports.totalHours'), formatDuration(a.totals.presentMinutes, locale)],
          ].map(([label, value]) => (
            <Card key={label} className="px-4 py-3">
              <p className="truncate text-sm text-muted">{label}</p>
              <p className="text-2xl font-semibold text-fg tabular-nums">{value}</p>
            </Card>
          ))}
        </section>
      ) : null}
      <div className="grid gap-4 xl:grid-cols-2">
        <ChartCard title={t('dash.reports.perDay')} loading={!a}>
          {a ? (
            <Bar
              aria-label={t('dash.reports.perDay')}
              role="img"
              options={{ ...common, scales: { ...axes, x: dayAxisX } }}
              data={{
                labels: a.days.map((d) => day(d.date)),
                datasets: [
                  {
                    label: t('dash.reports.onTime'),
                    data: a.days.map((d) => d.present - d.late),
                    backgroundColor: p.present,
                  },
                  { label: t('dash.reports.late'), data: a.days.map((d) => d.late), backgroundColor: p.late },
                  {
                    label: t('dash.reports.absent'),
                    data: a.days.map((d) => d.absent),
                    backgroundColor: p.absent,
                  },
                ],
              }}
            />
          ) : null}
        </ChartCard>
        <ChartCard title={t('dash.reports.perDepartment')} loading={!a}>
          {a ? (
            <Bar
              aria-label={t('dash.reports.perDepartment')}
              role="img"
              options={{ ...common, indexAxis: 'y' }}
              data={{
                labels: a.departments.map((d) => d.name ?? t('dash.reports.noDepartment')),
                datasets: [
                  {
                    label: t('dash.reports.present'),
                    data: a.departments.map((d) => d.present - d.late),
                    backgroundColor: p.present,
                  },
                  {
                    label: t('dash.reports.late'),
                    data: a.departments.map((d) => d.late),
                    backgroundColor: p.late,
                  },
                  {
                    label: t('dash.reports.absent'),
                    data: a.departments.map((d) => d.absent),
                    backgroundColor: p.absent,
                  },
                ],
              }}
            />
          ) : null}
        </ChartCard>
        <ChartCard title={t('dash.reports.lateness')} loading={!a}>
          {a ? (
            <Bar
              aria-label={t('dash.reports.lateness')}
              role="img"
              options={{ ...common, plugins: { legend: { display: false } } }}
              data={{
                labels: a.lateness.map((b) =>
                  b.toMinutes === null
                    ? t('dash.reports.minutesOver', { from: b.fromMinutes - 1 })
                    : t('dash.reports.minutesRange', { from: b.fromMinutes, to: b.toMinutes }),
                ),
                datasets: [
                  {
                    label: t('dash.reports.employeeDays'),
                    data: a.lateness.map((b) => b.count),
                    backgroundColor: p.late,
                  },
                ],
              }}
            />
          ) : null}
        </ChartCard>
        <ChartCard title={t('dash.reports.workingHours')} loading={!a}>
          {a ? (
            <Line
              aria-label={t('dash.reports.workingHours')}
              role="img"
              options={{
                responsive: true,
                maintainAspectRatio: false,
                animation: false,
                plugins: { legend: { display: false } },
                scales: { x: { ...dayAxisX, stacked: false }, y: { ...axes.y, stacked: false } },
              }}
              data={{
                labels: a.days.map((d) => day(d.date)),
                datasets: [
                  {
                    label: t('dash.reports.hours'),
                    data: a.days.map((d) => Math.round((d.averagePresentMinutes / 60) * 10) / 10),
                    borderColor: p.primary,
                    backgroundColor: p.primary,
                    tension: 0.25,
                  },
                ],
              }}
            />
          ) : null}
        </ChartCard>
      </div>
      <DailyReportCard timeZone={org.data?.settings.timeZone} />
    </>
  );
}

function ChartCard({
  title,
  loading,
  children,
}: {
  title: string;
  loading: boolean;
  children: React.ReactNode;
}) {
  return (
    <Card className="min-w-0">
      <CardHeader title={title} />
      <CardBody>
        {loading ? <Skeleton className="h-64" /> : <div className="relative h-64">{children}</div>}
      </CardBody>
    </Card>
  );
}

function DailyReportCard({ timeZone }: { timeZone: string | undefined }) {
  const { t } = useTranslation();
  const [date, setDate] = useState(() => localDateIn(timeZone));
  const [supervisor, setSupervisor] = useState<ComboOption | null>(null);
  return (
    <Card className="mt-4">
      <CardHeader title={t('dash.reports.daily')} description={t('dash.reports.dailyHint')} />
      <CardBody className="grid gap-3 md:grid-cols-[1fr_2fr_auto] md:items-end">
        <DateField label={t('dash.reports.date')} value={date} onChange={(v) => setDate(v)} />
        <Field label={t('dash.reports.supervisor')}>
          {(p) => (
            <EmployeeCombobox
              control={p}
              value={supervisor}
              onChange={setSupervisor}
              queryKey="dash-report-supervisor"
              noneLabel={t('dash.reports.wholeOrganization')}
            />
          )}
        </Field>
        <div className="flex flex-wrap gap-2">
          <ButtonAnchor
            href={analyticsApi.dailyReportUrl(date, supervisor?.id, 'pdf')}
            icon="download"
            download
          >
            {t('dash.common.exportPdf')}
          </ButtonAnchor>
          <ButtonAnchor
            href={analyticsApi.dailyReportUrl(date, supervisor?.id, 'csv')}
            icon="download"
            download
          >
            {t('dash.common.exportCsv')}
          </ButtonAnchor>
        </div>
      </CardBody>
    </Card>
  );
}
