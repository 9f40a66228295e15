import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { LeaveRequest } from '@hadir/contracts';
import { Button, Card, EmptyState, PageHeader } from '@hadir/ui';
import { DecideDialog } from '../shared/decide-dialog';
import { LoadFailed } from '../shared/load-failed';
import { leaveApi, leaveKeys } from './leave-api';
import { LeaveSpan } from './leave-parts';

type Decision = { request: LeaveRequest; decision: 'approve' | 'reject' };

/** Pending requests the signed-in approver may decide, with approve / reject and a comment. */
export function LeaveApprovalsPage() {
  const { t } = useTranslation();
  const approvals = useQuery({ queryKey: leaveKeys.approvals, queryFn: leaveApi.approvals });
  const [deciding, setDeciding] = useState<Decision | null>(null);

  return (
    <>
      <PageHeader title={t('lv.approvals.title')} description={t('lv.approvals.subtitle')} />
      <Card>
        {approvals.isError ? (
          <LoadFailed error={approvals.error} />
        ) : approvals.data && approvals.data.length === 0 ? (
          <EmptyState
            icon="check"
            title={t('lv.approvals.empty')}
            description={t('lv.approvals.emptyHint')}
          />
        ) : (
          <ul
            className="divide-y divide-border"
            aria-label={t('lv.approvals.title')}
            data-testid="leave-approvals"
          >
            {approvals.data?.map((r) => (
              <li key={r.id} className="flex flex-wrap items-start gap-3 px-4 py-4 sm:px-5">
                <div className="min-w-0 flex-1 space-y-1">
                  <p className="font-medium text-fg">
                    {r.employeeName}
                    <span className="ml-2 text-sm font-normal text-muted">{r.employeeCode}</span>
                  </p>
                  <p className="text-sm text-fg">
                    {r.leaveTypeName}
                    <span className="text-muted">{' · '}</span>
                    <LeaveSpan r={r} />
                  </p>
                  {r.reason ? (
                    <p className="text-sm text-muted">
                      {t('lv.approvals.reason')}
                      {': '}
                      {r.reason}
                    </p>
                  ) : null}
                  {r.attachment ? (
                    <a className="text-sm text-primary-text underline" href={leaveApi.attachmentUrl(r.id)}>
                      {t('lv.approvals.download')}
                    </a>
                  ) : null}
                </div>
                <div className="flex gap-2">
                  <Button
                    size="sm"
                    variant="primary"
                    icon="check"
                    onClick={() => setDeciding({ request: r, decision: 'approve' })}
                  >
                    {t('lv.approvals.approve')}
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    className="text-danger-text"
                    onClick={() => setDeciding({ request: r, decision: 'reject' })}
                  >
                    {t('lv.approvals.reject')}
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {deciding ? (
        <LeaveDecideDialog key={deciding.request.id} deciding={deciding} onClose={() => setDeciding(null)} />
      ) : null}
    </>
  );
}

function LeaveDecideDialog({ deciding, onClose }: { deciding: Decision; onClose: () => void }) {
  const { t } = useTranslation();
  const approve = deciding.decision === 'approve';
  const action = approve ? t('lv.approvals.approve') : t('lv.approvals.reject');
  return (
    <DecideDialog
      title={t('lv.approvals.decideTitle', { action, name: deciding.request.employeeName })}
      submitLabel={action}
      commentLabel={t('lv.approvals.comment')}
      formId="leave-decide-form"
      doneMessage={approve ? t('lv.approvals.approved') : t('lv.approvals.rejected')}
      invalidate={leaveKeys.all}
      decide={(comment) => leaveApi.decide(deciding.request.id, { decision: deciding.decision, comment })}
      onClose={onClose}
    />
  );
}
