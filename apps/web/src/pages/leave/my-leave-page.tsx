import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { LeavePortion, LeaveRequest } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import {
  Button,
  Card,
  CardHeader,
  type Column,
  DataTable,
  EmptyState,
  Field,
  FormError,
  FormModal,
  PageHeader,
  SelectField,
  TextField,
  useToast,
} from '@hadir/ui';
import { DateField } from '../../ui/date-field';
import { LoadFailed } from '../shared/load-failed';
import { leaveApi, leaveKeys } from './leave-api';
import { LeaveSpan, LeaveStatusBadge, todayLocal } from './leave-parts';

/** The signed-in person's leave: balances, requests (with cancel) and the request form. */
export function MyLeavePage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const year = new Date().getFullYear();
  const [open, setOpen] = useState(false);
  const balances = useQuery({ queryKey: leaveKeys.balances(year), queryFn: () => leaveApi.balances(year) });
  const mine = useQuery({ queryKey: leaveKeys.mine, queryFn: leaveApi.mine });
  const notLinked = balances.error instanceof ApiError && balances.error.code === 'not_linked';

  const cancel = useMutation({
    mutationFn: (r: LeaveRequest) => leaveApi.cancel(r.id),
    onSuccess: async () => {
      toast.show(t('lv.mine.cancelled'));
      await qc.invalidateQueries({ queryKey: leaveKeys.all });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });

  const cancelButton = (r: LeaveRequest) =>
    r.canCancel ? (
      <Button size="sm" variant="ghost" className="text-danger-text" onClick={() => cancel.mutate(r)}>
        {t('lv.mine.cancel')}
      </Button>
    ) : null;
  const columns: Column<LeaveRequest>[] = [
    {
      key: 'type',
      header: t('lv.form.type'),
      cell: (r) => <span className="font-medium text-fg">{r.leaveTypeName}</span>,
    },
    { key: 'when', header: t('lv.form.from'), cell: (r) => <LeaveSpan r={r} /> },
    { key: 'status', header: t('dash.common.status'), cell: (r) => <LeaveStatusBadge status={r.status} /> },
    {
      key: 'approver',
      header: t('lv.mine.approver'),
      cell: (r) => (
        <span className="text-muted">{r.decidedByName ?? r.approverName ?? t('lv.mine.admins')}</span>
      ),
    },
    {
      key: 'attachment',
      header: t('lv.mine.attachment'),
      cell: (r) =>
        r.attachment ? (
          <a className="text-primary-text underline" href={leaveApi.attachmentUrl(r.id)}>
            {r.attachment.fileName}
          </a>
        ) : null,
    },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      cell: cancelButton,
      className: 'text-right',
    },
  ];

  return (
    <>
      <PageHeader
        title={t('lv.mine.title')}
        description={t('lv.mine.subtitle')}
        actions={
          notLinked ? null : (
            <Button variant="primary" icon="plus" onClick={() => setOpen(true)}>
              {t('lv.mine.request')}
            </Button>
          )
        }
      />
      {notLinked ? (
        <Card>
          <EmptyState icon="user" title={t('lv.mine.title')} description={t('lv.mine.notLinked')} />
        </Card>
      ) : (
        <div className="space-y-5">
          <section aria-labelledby="leave-balances">
            <h2 id="leave-balances" className="mb-2 text-sm font-semibold text-fg">
              {t('lv.mine.balances', { year })}
            </h2>
            {balances.isError ? (
              <LoadFailed error={balances.error} />
            ) : (
              <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="leave-balances">
                {balances.data?.map((b) => (
                  <li
                    key={b.leaveTypeId}
                    className="rounded-xl border border-border bg-surface p-4 shadow-sm"
                  >
                    <p className="text-sm text-muted">{b.leaveTypeName}</p>
                    <p className="mt-1 text-2xl font-semibold text-fg tabular-nums">
                      {b.counted ? t('lv.mine.left', { count: b.balance }) : t('lv.mine.notCounted')}
                    </p>
                    {b.counted ? (
                      <p className="mt-1 text-xs text-muted">
                        {t('lv.mine.allocated', {
                          allocated: b.allocated,
                          carried: b.carried,
                          taken: b.taken,
                          pending: b.pending,
                        })}
                      </p>
                    ) : (
                      <p className="mt-1 text-xs text-muted">{t('lv.days', { count: b.taken })}</p>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <Card>
            <CardHeader title={t('lv.mine.requests')} />
            {mine.isError ? (
              <LoadFailed error={mine.error} />
            ) : (
              <DataTable
                caption={t('lv.mine.requests')}
                columns={columns}
                rows={mine.data}
                rowKey={(r) => r.id}
                loading={mine.isPending}
                empty={
                  <EmptyState
                    icon="clipboard"
                    title={t('lv.mine.empty')}
                    description={t('lv.mine.emptyHint')}
                  />
                }
                mobileCard={(r) => (
                  <div className="flex items-start gap-3">
                    <div className="min-w-0 flex-1 space-y-1">
                      <p className="font-medium text-fg">{r.leaveTypeName}</p>
                      <p className="text-sm">
                        <LeaveSpan r={r} />
                      </p>
                      <LeaveStatusBadge status={r.status} />
                    </div>
                    {cancelButton(r)}
                  </div>
                )}
              />
            )}
          </Card>
        </div>
      )}
      <RequestLeaveDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}

function RequestLeaveDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const types = useQuery({ queryKey: leaveKeys.types, queryFn: leaveApi.types, enabled: open });
  const [typeId, setTypeId] = useState('');
  const [from, setFrom] = useState(todayLocal());
  const [to, setTo] = useState(todayLocal());
  const [portion, setPortion] = useState<LeavePortion>('full');
  const [reason, setReason] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const active = types.data?.filter((x) => !x.archived) ?? [];
  const type = active.find((x) => x.id === typeId) ?? active[0];

  const submit = useMutation({
    mutationFn: async () => {
      if (!type) throw new Error('no type');
      const created = await leaveApi.submit({
        leaveTypeId: type.id,
        fromDate: from,
        toDate: portion === 'full' ? to : from,
        portion,
        reason: reason.trim() || null,
      });
      return file ? leaveApi.attach(created.id, file) : created;
    },
    onSuccess: async (r) => {
      toast.show(r.approverName ? t('lv.form.sent', { name: r.approverName }) : t('lv.form.sentAdmins'));
      setReason('');
      setFile(null);
      onClose();
      await qc.invalidateQueries({ queryKey: leaveKeys.all });
    },
  });

  return (
    <FormModal
      open={open}
      onClose={onClose}
      title={t('lv.mine.request')}
      formId="leave-request-form"
      submitLabel={t('lv.form.submit')}
      submitting={submit.isPending}
      formClassName="space-y-4"
      onSubmit={(ev: FormEvent) => {
        ev.preventDefault();
        submit.mutate();
      }}
    >
      <SelectField
        label={t('lv.form.type')}
        value={type?.id ?? ''}
        onChange={(e) => setTypeId(e.target.value)}
      >
        {active.map((x) => (
          <option key={x.id} value={x.id}>
            {x.name}
          </option>
        ))}
      </SelectField>
      {type?.allowsHalfDay ? (
        <SelectField
          label={t('lv.form.portion')}
          value={portion}
          onChange={(e) => setPortion(e.target.value as LeavePortion)}
        >
          {(['full', 'first_half', 'second_half'] as const).map((p) => (
            <option key={p} value={p}>
              {t(`lv.portion.${p}`)}
            </option>
          ))}
        </SelectField>
      ) : null}
      <div className="grid grid-cols-2 gap-3">
        <DateField label={t('lv.form.from')} name="fromDate" value={from} onChange={(v) => setFrom(v)} />
        {portion === 'full' ? (
          <DateField label={t('lv.form.to')} name="toDate" value={to} min={from} onChange={(v) => setTo(v)} />
        ) : null}
      </div>
      <TextField
        label={t('lv.form.reason')}
        name="reason"
        optional
        value={reason}
        maxLength={500}
        onChange={(e) => setReason(e.target.value)}
      />
      <Field
        label={t('lv.form.attachment')}
        optional={!type?.requiresAttachment}
        hint={type?.requiresAttachment ? t('lv.form.attachmentRequired') : undefined}
      >
        {(p) => (
          <input
            {...p}
            type="file"
            name="attachment"
            accept="application/pdf,image/jpeg,image/png"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            className="block w-full text-sm text-fg file:mr-3 file:rounded-lg file:border-0 file:bg-primary-soft file:px-4 file:py-2 file:text-sm file:font-medium file:text-primary-text"
          />
        )}
      </Field>
      {submit.isError ? <FormError>{errorMessage(t, submit.error)}</FormError> : null}
    </FormModal>
  );
}
