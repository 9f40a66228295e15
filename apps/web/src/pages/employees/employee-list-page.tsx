import { useEffect, useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { EmployeeSort, EmployeeStatus, type Employee } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { employeesApi, orgApi, queryKeys } from '../../api/endpoints';
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import {
  Button,
  ButtonAnchor,
  ButtonLink,
  Card,
  EmptyState,
  NamedOptions,
  SearchField,
  SelectField,
  Icon,
  ConfirmDialog,
  PageHeader,
  DataTable,
  Pagination,
  type Column,
  type SortState,
  useToast,
} from '@hadir/ui';
import { EmployeeStatusBadge } from './employee-status-badge';
import { LoadFailed } from '../shared/load-failed';

type SortKey = (typeof EmployeeSort.options)[number];
const PAGE_SIZE = 25;

function parseSort(value: string | null): SortKey {
  const parsed = EmployeeSort.safeParse(value);
  return parsed.success ? parsed.data : 'employeeCode';
}

/** Filters, sort and page live in the URL so the back button and shared links keep them. */
function useListParams() {
  const [params, setParams] = useSearchParams();
  const status = EmployeeStatus.safeParse(params.get('status'));
  const state = {
    q: params.get('q') ?? '',
    departmentId: params.get('departmentId') ?? '',
    status: status.success ? status.data : undefined,
    page: Math.max(1, Number(params.get('page')) || 1),
    sort: parseSort(params.get('sort')),
    order: params.get('order') === 'desc' ? ('desc' as const) : ('asc' as const),
  };
  const update = (
    patch: Partial<Record<'q' | 'departmentId' | 'status' | 'page' | 'sort' | 'order', string>>,
  ) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        if (!('page' in patch)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  };
  return [state, update] as const;
}

export function EmployeeListPage() {
  const { t } = useTranslation();
  const canManage = useCan('member:manage');
  const toast = useToast();
  const qc = useQueryClient();
  const [params, update] = useListParams();
  const [search, setSearch] = useState(params.q);
  const [toDelete, setToDelete] = useState<Employee | null>(null);

  // Debounce typing into the URL (and so into the query).
  useEffect(() => {
    if (search.trim() === params.q) return;
    const handle = window.setTimeout(() => update({ q: search.trim() }), 300);
    return () => window.clearTimeout(handle);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- update is stable in behaviour
  }, [search, params.q]);

  const departments = useQuery({
    queryKey: queryKeys.departments,
    queryFn: orgApi.departments,
    staleTime: 60_000,
  });
  const list = useQuery({
    queryKey: [...queryKeys.employees, 'list', params],
    queryFn: () =>
      employeesApi.list({
        q: params.q || undefined,
        departmentId: params.departmentId || undefined,
        status: params.status,
        page: params.page,
        pageSize: PAGE_SIZE,
        sort: params.sort,
        order: params.order,
      }),
    placeholderData: keepPreviousData,
  });

  const remove = useMutation({
    mutationFn: (e: Employee) => employeesApi.remove(e.id),
    onSuccess: async (_r, e) => {
      toast.show(t('employees.remove.done', { name: e.name }));
      setToDelete(null);
      await qc.invalidateQueries({ queryKey: queryKeys.employees });
    },
    onError: (error) => toast.show(errorMessage(t, error), 'error'),
  });

  const filtered = Boolean(params.q || params.departmentId || params.status);
  const sort: SortState<SortKey> = { sort: params.sort, order: params.order };
  const exportFilter = { q: params.q, departmentId: params.departmentId, status: params.status };

  const actions = (e: Employee) =>
    canManage ? (
      <div className="flex justify-end gap-1">
        <ButtonLink
          to={`/employees/${e.id}/faces`}
          variant="ghost"
          size="sm"
          aria-label={`${t('dash.faces.title')}: ${e.name}`}
          title={t('dash.faces.title')}
        >
          <Icon name="userScan" size={18} />
        </ButtonLink>
        <ButtonLink
          to={`/employees/${e.id}/edit`}
          variant="ghost"
          size="sm"
          aria-label={`${t('common.edit')}: ${e.name}`}
          title={t('common.edit')}
        >
          <Icon name="edit" size={18} />
        </ButtonLink>
        <Button
          variant="ghost"
          size="sm"
          onClick={() => setToDelete(e)}
          aria-label={`${t('common.delete')}: ${e.name}`}
          title={t('common.delete')}
          className="text-danger-text"
        >
          <Icon name="trash" size={18} />
        </Button>
      </div>
    ) : null;

  const columns: Column<Employee, SortKey>[] = [
    {
      key: 'code',
      header: t('employees.columns.code'),
      sortKey: 'employeeCode',
      cell: (e) => <span className="font-mono text-xs text-muted">{e.employeeCode}</span>,
      className: 'w-28',
    },
    {
      key: 'name',
      header: t('employees.columns.name'),
      sortKey: 'name',
      cell: (e) => (
        <div className="min-w-0">
          <p className="font-medium text-fg">{e.name}</p>
          {e.email ? <p className="truncate text-xs text-muted">{e.email}</p> : null}
        </div>
      ),
    },
    {
      key: 'department',
      header: t('employees.columns.department'),
      sortKey: 'department',
      cell: (e) => <span className="text-fg">{e.departmentName ?? '—'}</span>,
    },
    {
      key: 'position',
      header: t('employees.columns.position'),
      cell: (e) => <span className="text-muted">{e.positionName ?? '—'}</span>,
      className: 'hidden xl:table-cell',
    },
    {
      key: 'supervisor',
      header: t('employees.columns.supervisor'),
      cell: (e) => <span className="text-muted">{e.supervisorName ?? '—'}</span>,
      className: 'hidden xl:table-cell',
    },
    {
      key: 'status',
      header: t('employees.columns.status'),
      sortKey: 'status',
      cell: (e) => <EmployeeStatusBadge status={e.status} />,
    },
    ...(canManage
      ? [
          {
            key: 'actions',
            header: <span className="sr-only">{t('common.actions')}</span>,
            cell: actions,
            className: 'w-32 text-right',
          },
        ]
      : []),
  ];

  const notReady = list.error instanceof ApiError && list.error.status === 404;

  return (
    <>
      <PageHeader
        title={t('employees.title')}
        description={t('employees.subtitle')}
        actions={
          <>
            <ButtonAnchor href={employeesApi.exportUrl('csv', exportFilter)} icon="download" download>
              {t('employees.exportCsv')}
            </ButtonAnchor>
            <ButtonAnchor href={employeesApi.exportUrl('xlsx', exportFilter)} icon="download" download>
              {t('employees.exportXlsx')}
            </ButtonAnchor>
            {canManage ? (
              <>
                <ButtonLink to="/employees/import" icon="upload">
                  {t('employees.import')}
                </ButtonLink>
                <ButtonLink to="/employees/new" variant="primary" icon="plus">
                  {t('employees.new')}
                </ButtonLink>
              </>
            ) : null}
          </>
        }
      />
      <Card>
        <div className="grid grid-cols-2 gap-3 border-b border-border p-4 lg:grid-cols-[2fr_1fr_1fr]">
          <SearchField
            label={t('employees.search')}
            className="col-span-2 lg:col-span-1"
            placeholder={t('employees.searchPlaceholder')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          <SelectField
            label={t('employees.department')}
            className="col-span-2 sm:col-span-1"
            value={params.departmentId}
            onChange={(e) => update({ departmentId: e.target.value })}
          >
            <NamedOptions none={t('employees.allDepartments')} items={departments.data} />
          </SelectField>
          <SelectField
            label={t('employees.status')}
            className="col-span-2 sm:col-span-1"
            value={params.status ?? ''}
            onChange={(e) => update({ status: e.target.value })}
          >
            <option value="">{t('employees.allStatuses')}</option>
            {EmployeeStatus.options.map((s) => (
              <option key={s} value={s}>
                {t(`employees.statuses.${s}`)}
              </option>
            ))}
          </SelectField>
        </div>
        {notReady ? (
          <EmptyState icon="info" title={t('employees.notReady')} />
        ) : list.isError ? (
          <LoadFailed
            error={list.error}
            action={<Button onClick={() => void list.refetch()}>{t('common.retry')}</Button>}
          />
        ) : (
          <>
            <DataTable
              caption={t('employees.title')}
              columns={columns}
              rows={list.data?.items}
              rowKey={(e) => e.id}
              sort={sort}
              onSortChange={(s) => update({ sort: s.sort, order: s.order })}
              loading={list.isFetching}
              empty={
                filtered ? (
                  <EmptyState
                    icon="search"
                    title={t('employees.noMatch')}
                    description={t('employees.noMatchHint')}
                    action={
                      <Button
                        onClick={() => {
                          setSearch('');
                          update({ q: '', departmentId: '', status: '' });
                        }}
                      >
                        {t('employees.clearFilters')}
                      </Button>
                    }
                  />
                ) : (
                  <EmptyState
                    icon="users"
                    title={t('employees.empty')}
                    description={t('employees.emptyHint')}
                    action={
                      canManage ? (
                        <>
                          <ButtonLink to="/employees/import" icon="upload">
                            {t('employees.import')}
                          </ButtonLink>
                          <ButtonLink to="/employees/new" variant="primary" icon="plus">
                            {t('employees.new')}
                          </ButtonLink>
                        </>
                      ) : undefined
                    }
                  />
                )
              }
              mobileCard={(e) => (
                <div className="flex items-start gap-3">
                  <div className="min-w-0 flex-1">
                    <p className="truncate font-medium text-fg">{e.name}</p>
                    <p className="truncate text-xs text-muted">
                      <span className="font-mono">{e.employeeCode}</span>
                      {e.departmentName ? ` · ${e.departmentName}` : ''}
                    </p>
                    <div className="mt-1.5">
                      <EmployeeStatusBadge status={e.status} />
                    </div>
                  </div>
                  {actions(e)}
                </div>
              )}
            />
            {list.data && list.data.total > 0 ? (
              <Pagination
                page={list.data.page}
                pageSize={list.data.pageSize}
                total={list.data.total}
                onPageChange={(page) => update({ page: String(page) })}
              />
            ) : null}
          </>
        )}
      </Card>
      <ConfirmDialog
        open={toDelete !== null}
        title={t('employees.remove.title')}
        body={
          toDelete ? t('employees.remove.body', { name: toDelete.name, code: toDelete.employeeCode }) : ''
        }
        confirmLabel={t('employees.remove.confirm')}
        busy={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => toDelete && remove.mutate(toDelete)}
      />
    </>
  );
}
