import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cx } from './cx';
import { Icon } from './icons';
import { SkeletonRows } from './spinner';

export type SortOrder = 'asc' | 'desc';
export type SortState<K extends string = string> = { sort: K; order: SortOrder };

export type Column<T, K extends string = string> = {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Server sort key; the header becomes a sort button when set. */
  sortKey?: K;
  className?: string;
};

/**
 * Table whose sorting and paging happen on the server: it only renders what it is given and reports
 * clicks. With `mobileCard`, phones get a card list instead of the table.
 */
export function DataTable<T, K extends string = string>({
  caption,
  columns,
  rows,
  rowKey,
  sort,
  onSortChange,
  loading = false,
  empty,
  mobileCard,
}: {
  caption: string;
  columns: Column<T, K>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  sort?: SortState<K>;
  onSortChange?: (next: SortState<K>) => void;
  loading?: boolean;
  empty?: ReactNode;
  mobileCard?: (row: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (loading && !rows) return <SkeletonRows />;
  if (rows && rows.length === 0 && empty) return <>{empty}</>;
  const list = rows ?? [];
  return (
    <>
      {mobileCard ? (
        <ul className="divide-y divide-border md:hidden" aria-label={caption}>
          {list.map((row) => (
            <li key={rowKey(row)} className="px-4 py-3">
              {mobileCard(row)}
            </li>
          ))}
        </ul>
      ) : null}
      <div className={cx('overflow-x-auto', mobileCard && 'hidden md:block')}>
        <table className={cx('w-full border-collapse text-left text-sm', loading && 'opacity-60')}>
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr className="border-b border-border bg-surface-2/60">
              {columns.map((col) => {
                const active = sort && col.sortKey && sort.sort === col.sortKey;
                const ariaSort = active ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined;
                return (
                  <th
                    key={col.key}
                    scope="col"
                    aria-sort={col.sortKey ? (ariaSort ?? 'none') : undefined}
                    className={cx(
                      'px-4 py-2.5 text-xs font-semibold tracking-wide text-muted uppercase',
                      col.className,
                    )}
                  >
                    {col.sortKey && onSortChange ? (
                      <button
                        type="button"
                        className="-mx-1 inline-flex items-center gap-1 rounded px-1 uppercase hover:text-fg"
                        onClick={() =>
                          onSortChange({
                            sort: col.sortKey as K,
                            order: active && sort.order === 'asc' ? 'desc' : 'asc',
                          })
                        }
                      >
                        {col.header}
                        <Icon
                          name={active ? (sort.order === 'asc' ? 'sortAsc' : 'sortDesc') : 'sortNone'}
                          size={14}
                        />
                        {active ? (
                          <span className="sr-only">
                            {sort.order === 'asc' ? t('table.sortAscending') : t('table.sortDescending')}
                          </span>
                        ) : null}
                      </button>
                    ) : (
                      col.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-border">
            {list.map((row) => (
              <tr key={rowKey(row)} className="hover:bg-surface-2/50">
                {columns.map((col) => (
                  <td key={col.key} className={cx('px-4 py-3 align-middle', col.className)}>
                    {col.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function Pagination({
  page,
  pageSize,
  total,
  onPageChange,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPageChange: (page: number) => void;
}) {
  const { t, i18n } = useTranslation();
  // The app's i18n instance carries the locale; numbers need no more than its language tag.
  const numberFormat = new Intl.NumberFormat(i18n.language);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const n = (v: number) => numberFormat.format(v);
  return (
    <nav
      aria-label={t('table.pagination')}
      className="flex flex-wrap items-center justify-between gap-3 border-t border-border px-4 py-3 text-sm text-muted"
    >
      <p aria-live="polite">{t('table.range', { from: n(from), to: n(to), total: n(total) })}</p>
      <div className="flex items-center gap-2">
        <span className="hidden sm:inline">{t('table.pageOf', { page: n(page), pages: n(pages) })}</span>
        <button
          type="button"
          className="inline-flex h-9 w-9 items-center justify-center rounded-lg border border-border-strong/60 bg-surface text-fg hover:bg-surface-2 disabled:opacity-40"
          onClick={() => onPageChange(page - 1)}
          disabled={page <= 1}
          aria-label={t('table.previous')}
        >
          <Icon name="chevronLeft" size={18} />
        </button>
        <button
          type="button"
          className="inline-flex h-9 w-9 items-center justify-center rounded-lg border border-border-strong/60 bg-surface text-fg hover:bg-surface-2 disabled:opacity-40"
          onClick={() => onPageChange(page + 1)}
          disabled={page >= pages}
          aria-label={t('table.next')}
        >
          <Icon name="chevronRight" size={18} />
        </button>
      </div>
    </nav>
  );
}
