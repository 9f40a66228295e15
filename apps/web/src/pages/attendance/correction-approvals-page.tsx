import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { RegularizationView } from '@hadir/contracts';
import { currentLocale } from '../../i18n';
import { formatDate } from '../../i18n/format';
import { Button, Card, EmptyState, PageHeader } from '@hadir/ui';
import { DecideDialog } from '../shared/decide-dialog';
import { LoadFailed } from '../shared/load-failed';
import { useDescribeRequest } from './my-attendance-page';
import { regularizationApi, regularizationKeys } from './regularization-api';

type Decision = { request: RegularizationView; decision: 'approved' | 'rejected' };

/** Pending correction requests the signed-in approver may decide (the leave approvals pattern). */
export function CorrectionApprovalsPage() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const describe = useDescribeRequest();
  const inbox = useQuery({ queryKey: regularizationKeys.inbox, queryFn: regularizationApi.inbox });
  const [deciding, setDeciding] = useState<Decision | null>(null);
  return (
    <>
      <PageHeader title={t('reg.inbox.title')} description={t('reg.inbox.subtitle')} />
      <Card>
        {inbox.isError ? (
          <LoadFailed error={inbox.error} />
        ) : inbox.data && inbox.data.length === 0 ? (
          <EmptyState icon="check" title={t('reg.inbox.empty')} description={t('reg.inbox.emptyHint')} />
        ) : (
          <ul
            className="divide-y divide-border"
            aria-label={t('reg.inbox.title')}
            data-testid="correction-inbox"
          >
            {inbox.data?.map((r) => (
              <li key={r.id} className="flex flex-wrap items-start gap-3 px-4 py-4 sm:px-5">
                <div className="min-w-0 flex-1 space-y-1">
                  <p className="font-medium text-fg">
                    {r.employeeName}
                    <span className="ml-2 text-sm font-normal text-muted">{r.employeeCode}</span>
                  </p>
                  <p className="text-sm text-fg">
                    {formatDate(r.date, locale, 'UTC')}
                    <span className="text-muted">{' · '}</span>
                    {describe(r)}
                  </p>
                  <p className="text-sm text-muted">{r.note}</p>
                </div>
                <div className="flex gap-2">
                  <Button
                    size="sm"
                    variant="primary"
                    icon="check"
                    onClick={() => setDeciding({ request: r, decision: 'approved' })}
                  >
                    {t('reg.inbox.approve')}
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    className="text-danger-text"
                    onClick={() => setDeciding({ request: r, decision: 'rejected' })}
                  >
                    {t('reg.inbox.reject')}
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {deciding ? (
        <CorrectionDecideDialog
          key={deciding.request.id}
          deciding={deciding}
          onClose={() => setDeciding(null)}
        />
      ) : null}
    </>
  );
}

function CorrectionDecideDialog({ deciding, onClose }: { deciding: Decision; onClose: () => void }) {
  const { t } = useTranslation();
  const approve = deciding.decision === 'approved';
  const action = approve ? t('reg.inbox.approve') : t('reg.inbox.reject');
  return (
    <DecideDialog
      title={t('reg.inbox.decideTitle', { action, name: deciding.request.employeeName })}
      submitLabel={action}
      commentLabel={t('reg.inbox.comment')}
      formId="correction-decide-form"
      doneMessage={approve ? t('reg.inbox.approved') : t('reg.inbox.rejected')}
      invalidate={regularizationKeys.all}
      decide={(comment) => regularizationApi.decide(deciding.request.id, deciding.decision, comment)}
      onClose={onClose}
    />
  );
}
