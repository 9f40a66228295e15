import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '@hadir/contracts';
import { auditApi, queryKeys } from '../../api/endpoints';
import { useOrgTime } from '../../i18n/org-time';
import { Card, EmptyState, PageHeader, DataTable, Pagination, type Column } from '@hadir/ui';
import { LoadFailed } from '../shared/load-failed';

const PAGE_SIZE = 50;

export function AuditPage() {
  const { t } = useTranslation();
  const time = useOrgTime();
  const [page, setPage] = useState(1);
  const audit = useQuery({
    queryKey: [...queryKeys.audit, page],
    queryFn: () => auditApi.list(page, PAGE_SIZE),
    placeholderData: keepPreviousData,
  });

  const columns: Column<AuditEntry>[] = [
    {
      key: 'at',
      header: t('audit.at'),
      cell: (a) => <span className="whitespace-nowrap text-muted">{time.dateTime(a.at)}</span>,
    },
    {
      key: 'actor',
      header: t('audit.actor'),
      cell: (a) => <span className="text-fg">{a.actorName ?? t('audit.system')}</span>,
    },
    {
      key: 'action',
      header: t('audit.action'),
      cell: (a) => <code className="text-xs text-primary-text">{a.action}</code>,
    },
    { key: 'summary', header: t('audit.summary'), cell: (a) => <span className="text-fg">{a.summary}</span> },
  ];

  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.subtitle')} />
      <Card>
        {audit.isError ? (
          <LoadFailed error={audit.error} />
        ) : (
          <>
            <DataTable
              caption={t('audit.title')}
              columns={columns}
              rows={audit.data?.items}
              rowKey={(a) => a.id}
              loading={audit.isFetching}
              empty={<EmptyState icon="list" title={t('audit.empty')} />}
              mobileCard={(a) => (
                <div className="space-y-1">
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <code className="text-xs text-primary-text">{a.action}</code>
                    <span className="text-xs text-muted">{time.dateTime(a.at)}</span>
                  </div>
                  <p className="text-sm text-fg">{a.summary}</p>
                  <p className="text-xs text-muted">{a.actorName ?? t('audit.system')}</p>
                </div>
              )}
            />
            {audit.data && audit.data.total > 0 ? (
              <Pagination
                page={audit.data.page}
                pageSize={audit.data.pageSize}
                total={audit.data.total}
                onPageChange={setPage}
              />
            ) : null}
          </>
        )}
      </Card>
    </>
  );
}
