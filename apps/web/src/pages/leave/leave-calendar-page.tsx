import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { currentLocale } from '../../i18n';
import { intlTag } from '../../i18n/format';
import { IconButton, Card, cx, EmptyState, PageHeader, SkeletonRows } from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';
import { leaveApi, leaveKeys } from './leave-api';

const pad = (n: number) => String(n).padStart(2, '0');

/** A month grid: one row per person on leave, one column per day; half days are half-filled. */
export function LeaveCalendarPage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const now = new Date();
  const [month, setMonth] = useState({ y: now.getFullYear(), m: now.getMonth() + 1 });
  const days = new Date(Date.UTC(month.y, month.m, 0)).getUTCDate();
  const from = `${month.y}-${pad(month.m)}-01`;
  const to = `${month.y}-${pad(month.m)}-${pad(days)}`;
  const calendar = useQuery({
    queryKey: leaveKeys.calendar(from),
    queryFn: () => leaveApi.calendar(from, to),
  });
  const title = new Intl.DateTimeFormat(intlTag(locale), {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(month.y, month.m - 1, 1)));
  const rows = useMemo(() => {
    const byPerson = new Map<
      string,
      { name: string; cells: Map<string, { status: string; portion: string; type: string }> }
    >();
    for (const e of calendar.data ?? []) {
      const row = byPerson.get(e.employeeId) ?? { name: e.employeeName, cells: new Map() };
      row.cells.set(e.date, { status: e.status, portion: e.portion, type: e.leaveTypeName });
      byPerson.set(e.employeeId, row);
    }
    return [...byPerson.entries()].sort((a, b) => a[1].name.localeCompare(b[1].name));
  }, [calendar.data]);
  const shift = (delta: number) =>
    setMonth(({ y, m }) => {
      const d = new Date(Date.UTC(y, m - 1 + delta, 1));
      return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1 };
    });
  const dayList = Array.from({ length: days }, (_, i) => i + 1);
  const weekend = (d: number) => [0, 6].includes(new Date(Date.UTC(month.y, month.m - 1, d)).getUTCDay());

  return (
    <>
      <PageHeader
        title={t('lv.calendar.title')}
        description={t('lv.calendar.subtitle')}
        actions={
          <div className="flex items-center gap-2">
            <IconButton icon="chevronLeft" label={t('lv.calendar.previous')} onClick={() => shift(-1)} />
            <span className="min-w-36 text-center text-sm font-semibold text-fg" data-testid="calendar-month">
              {title}
            </span>
            <IconButton icon="chevronRight" label={t('lv.calendar.next')} onClick={() => shift(1)} />
          </div>
        }
      />
      <Card>
        {calendar.isError ? (
          <LoadFailed error={calendar.error} />
        ) : calendar.isPending ? (
          <SkeletonRows />
        ) : rows.length === 0 ? (
          <EmptyState icon="list" title={t('lv.calendar.empty')} />
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full min-w-max border-collapse text-xs" data-testid="leave-calendar">
              <caption className="sr-only">{title}</caption>
              <thead>
                <tr>
                  <th
                    scope="col"
                    className="sticky left-0 z-10 bg-surface px-3 py-2 text-left font-medium text-muted"
                  >
                    {t('lv.calendar.employee')}
                  </th>
                  {dayList.map((d) => (
                    <th
                      key={d}
                      scope="col"
                      className={cx(
                        'w-7 min-w-7 px-0.5 py-2 text-center font-medium tabular-nums',
                        weekend(d) ? 'text-muted/60' : 'text-muted',
                      )}
                    >
                      {d}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map(([id, row]) => (
                  <tr key={id} className="border-t border-border">
                    <th
                      scope="row"
                      className="sticky left-0 z-10 bg-surface px-3 py-2 text-left font-medium whitespace-nowrap text-fg"
                    >
                      {row.name}
                    </th>
                    {dayList.map((d) => {
                      const cell = row.cells.get(`${from.slice(0, 8)}${pad(d)}`);
                      const label = cell
                        ? `${cell.type} · ${t(`lv.status.${cell.status as 'approved'}`)} · ${t(`lv.portion.${cell.portion as 'full'}`)}`
                        : undefined;
                      return (
                        <td key={d} className={cx('h-8 w-7 min-w-7 px-0.5', weekend(d) && 'bg-surface-2')}>
                          {cell ? (
                            <span
                              title={label}
                              aria-label={label}
                              className={cx(
                                'block h-5 rounded',
                                cell.status === 'approved'
                                  ? 'bg-primary'
                                  : 'border border-dashed border-warning-text bg-warning-soft',
                                cell.portion === 'first_half' && 'mr-2.5',
                                cell.portion === 'second_half' && 'ml-2.5',
                              )}
                            />
                          ) : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="flex gap-4 px-4 py-3 text-xs text-muted">
              <span className="flex items-center gap-1.5">
                <span className="inline-block h-3 w-5 rounded bg-primary" />
                {t('lv.calendar.legendApproved')}
              </span>
              <span className="flex items-center gap-1.5">
                <span className="inline-block h-3 w-5 rounded border border-dashed border-warning-text bg-warning-soft" />
                {t('lv.calendar.legendPending')}
              </span>
            </p>
          </div>
        )}
      </Card>
    </>
  );
}
