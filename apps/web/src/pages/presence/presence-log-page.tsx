import { useMemo, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { PresenceLogEntry } from '@hadir/contracts';
import { orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { currentLocale } from '../../i18n';
import {
  formatDate,
  formatDateTime,
  formatDuration,
  formatNumber,
  intlTag,
  zoneShortName,
} from '../../i18n/format';
import {
  Button,
  ButtonAnchor,
  Card,
  type Column,
  type ComboOption,
  cx,
  DataTable,
  EmptyState,
  Field,
  FormError,
  Icon,
  NamedOptions,
  PageHeader,
  SelectField,
} from '@hadir/ui';
import { EmployeeCombobox } from '../shared/employee-combobox';
import { DateField } from '../../ui/date-field';
import { FilterToggle, phoneHidden } from '../shared/filter-toggle';
import { camerasApi, dashKeys, facesApi, presenceApi, type LogFilter } from '../dashboard/dashboard-api';
import { addDaysIso, localDateIn, startOfLocalDay } from '../dashboard/time';

const LIMIT = 50;

/** Every camera that saw the person during the stay, in order (the first one for older rows). */
function stayCameraNames(r: PresenceLogEntry): string {
  return r.cameras.map((c) => c.cameraName).join(', ') || r.cameraName;
}

/** Stays per employee (one while any camera keeps seeing them), newest first, with filters, cursor paging and CSV/PDF export. */
export function PresenceLogPage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const canCameras = useCan('camera:view');
  const org = useQuery({ queryKey: queryKeys.organization, queryFn: orgApi.get, staleTime: 60_000 });
  const tz = org.data?.settings.timeZone;
  const today = localDateIn(tz);
  const [fromDate, setFromDate] = useState(() => addDaysIso(localDateIn(undefined), -6));
  const [toDate, setToDate] = useState(() => localDateIn(undefined));
  const [employee, setEmployee] = useState<ComboOption | null>(null);
  const [departmentId, setDepartmentId] = useState('');
  const [cameraId, setCameraId] = useState('');
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [minSimilarity, setMinSimilarity] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);

  const filter: LogFilter = useMemo(
    () => ({
      from: startOfLocalDay(fromDate, tz),
      to: toDate ? startOfLocalDay(addDaysIso(toDate, 1), tz) : undefined,
      employeeId: employee?.id,
      departmentId: departmentId || undefined,
      cameraId: cameraId || undefined,
      minSimilarity: minSimilarity || undefined,
    }),
    [fromDate, toDate, tz, employee, departmentId, cameraId, minSimilarity],
  );
  const cursor = cursors.at(-1);
  const page = useQuery({
    queryKey: [...dashKeys.log, filter, cursor],
    queryFn: () => presenceApi.log({ ...filter, cursor, limit: LIMIT }),
    placeholderData: keepPreviousData,
    enabled: org.isSuccess || org.isError,
  });
  const departments = useQuery({
    queryKey: queryKeys.departments,
    queryFn: orgApi.departments,
    staleTime: 60_000,
  });
  const cameras = useQuery({ queryKey: dashKeys.cameras, queryFn: camerasApi.list, enabled: canCameras });
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setCursors([]);
    };
  /** "21 Nov 2026, 08:10 – 08:42 WIB"; the end repeats the date only when the stay crossed midnight. */
  const span = (r: PresenceLogEntry) => {
    const end =
      formatDate(r.startedAt, locale, tz) === formatDate(r.lastSeenAt, locale, tz)
        ? new Intl.DateTimeFormat(intlTag(locale), { timeStyle: 'short', timeZone: tz }).format(
            new Date(r.lastSeenAt),
          )
        : formatDateTime(r.lastSeenAt, locale, tz);
    const zone = tz ? zoneShortName(tz, locale, new Date(r.lastSeenAt)) : '';
    return `${formatDateTime(r.startedAt, locale, tz)} – ${end}${zone ? ` ${zone}` : ''}`;
  };

  const columns: Column<PresenceLogEntry>[] = [
    {
      key: 'snapshot',
      header: <span className="sr-only">{t('dash.log.snapshot')}</span>,
      cell: (r) => <Snapshot row={r} />,
      className: 'w-16',
    },
    {
      key: 'employee',
      header: t('dash.log.employee'),
      cell: (r) => (
        <div className="min-w-0">
          <p className="font-medium text-fg">{r.employeeName}</p>
          <p className="text-xs text-muted">
            <span className="font-mono">{r.employeeCode}</span>
            {r.departmentName ? ` · ${r.departmentName}` : ''}
          </p>
        </div>
      ),
    },
    {
      key: 'camera',
      header: t('dash.log.camera'),
      cell: (r) => <span className="text-fg">{stayCameraNames(r)}</span>,
    },
    {
      key: 'time',
      header: t('dash.log.time'),
      cell: (r) => <span className="text-fg">{span(r)}</span>,
    },
    {
      key: 'duration',
      header: t('dash.log.duration'),
      cell: (r) => (
        <span className="text-fg tabular-nums">{formatDuration(r.durationMs / 60_000, locale)}</span>
      ),
    },
    {
      key: 'similarity',
      header: t('dash.log.similarity'),
      cell: (r) => (
        <span className="text-fg tabular-nums">
          {formatNumber(r.bestSimilarity, locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}
        </span>
      ),
      className: 'text-right',
    },
  ];

  return (
    <>
      <PageHeader
        title={t('dash.log.title')}
        description={t('dash.log.subtitle')}
        actions={
          <>
            <ButtonAnchor href={presenceApi.logCsvUrl(filter)} icon="download" download>
              {t('dash.common.exportCsv')}
            </ButtonAnchor>
            <ButtonAnchor href={presenceApi.logPdfUrl(filter)} icon="download" download>
              {t('dash.common.exportPdf')}
            </ButtonAnchor>
          </>
        }
      />
      <Card>
        <div
          id="log-filters"
          className="grid grid-cols-2 gap-3 border-b border-border p-4 lg:grid-cols-3 2xl:grid-cols-6"
        >
          <DateField
            label={t('dash.common.from')}
            value={fromDate}
            max={toDate || today}
            onChange={(v) => reset(setFromDate)(v)}
          />
          <DateField
            label={t('dash.common.to')}
            value={toDate}
            min={fromDate}
            onChange={(v) => reset(setToDate)(v)}
          />
          <FilterToggle
            open={filtersOpen}
            onToggle={() => setFiltersOpen((v) => !v)}
            active={[employee, departmentId, cameraId, minSimilarity].filter(Boolean).length}
            controls="log-filters"
          />
          <Field
            label={t('dash.log.employee')}
            className={cx('col-span-2 lg:col-span-1', phoneHidden(filtersOpen))}
          >
            {(p) => (
              <EmployeeCombobox
                control={p}
                value={employee}
                onChange={reset(setEmployee)}
                queryKey="dash-log-employee"
                noneLabel={t('dash.common.anyEmployee')}
              />
            )}
          </Field>
          <SelectField
            label={t('dash.common.department')}
            className={cx('col-span-2 sm:col-span-1', phoneHidden(filtersOpen))}
            value={departmentId}
            onChange={(e) => reset(setDepartmentId)(e.target.value)}
          >
            <NamedOptions none={t('dash.common.allDepartments')} items={departments.data} />
          </SelectField>
          <SelectField
            label={t('dash.log.camera')}
            className={cx('col-span-2 sm:col-span-1', phoneHidden(filtersOpen))}
            value={cameraId}
            onChange={(e) => reset(setCameraId)(e.target.value)}
          >
            <NamedOptions none={t('dash.common.allCameras')} items={cameras.data} />
          </SelectField>
          <SelectField
            label={t('dash.log.match')}
            className={cx('col-span-2 sm:col-span-1', phoneHidden(filtersOpen))}
            value={minSimilarity}
            onChange={(e) => reset(setMinSimilarity)(e.target.value)}
          >
            <option value="">{t('dash.log.matchAny')}</option>
            <option value="0.5">{t('dash.log.matchStrong')}</option>
            <option value="0.65">{t('dash.log.matchVeryStrong')}</option>
          </SelectField>
        </div>
        {page.error ? (
          <div className="p-4">
            <FormError>{errorMessage(t, page.error)}</FormError>
          </div>
        ) : null}
        <DataTable
          caption={t('dash.log.title')}
          columns={columns}
          rows={page.data?.items}
          rowKey={(r) => r.id}
          loading={page.isFetching}
          empty={
            <EmptyState icon="clipboard" title={t('dash.log.empty')} description={t('dash.log.emptyHint')} />
          }
          mobileCard={(r) => (
            <div className="flex items-start gap-3" data-testid="log-row">
              <Snapshot row={r} />
              <div className="min-w-0 flex-1 text-sm">
                <p className="font-medium text-fg">{r.employeeName}</p>
                <p className="text-xs text-muted">
                  {stayCameraNames(r)} · {formatDuration(r.durationMs / 60_000, locale)}
                </p>
                <p className="text-xs text-muted">{span(r)}</p>
              </div>
            </div>
          )}
        />
        {page.data && (cursors.length > 0 || page.data.nextCursor) ? (
          <nav
            aria-label={t('table.pagination')}
            className="flex flex-wrap items-center justify-end gap-2 border-t border-border px-4 py-3"
          >
            <Button size="sm" disabled={cursors.length === 0} onClick={() => setCursors([])}>
              {t('dash.log.newest')}
            </Button>
            <Button
              size="sm"
              disabled={!page.data.nextCursor}
              onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data.nextCursor!])}
            >
              {t('dash.log.older')}
              <Icon name="chevronRight" size={16} />
            </Button>
          </nav>
        ) : null}
      </Card>
    </>
  );
}

function Snapshot({ row }: { row: PresenceLogEntry }) {
  const { t } = useTranslation();
  const [failed, setFailed] = useState(false);
  if (!row.snapshotId || failed) {
    return <span aria-hidden="true" className="block h-12 w-12 shrink-0 rounded-lg bg-surface-2" />;
  }
  return (
    <img
      src={facesApi.snapshotUrl(row.snapshotId)}
      alt={t('dash.log.snapshotAlt', { name: row.employeeName, camera: row.cameraName })}
      loading="lazy"
      className="h-12 w-12 shrink-0 rounded-lg bg-surface-2 object-cover"
      onError={() => setFailed(true)}
    />
  );
}
