import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LeaveRequest, LeaveType } from '@hadir/contracts';
import {
  Badge,
  Button,
  Card,
  CardBody,
  DateField,
  FormError,
  PageHeader,
  PageSpinner,
  SelectField,
  TextField,
  type BadgeTone,
} from '@hadir/ui';
import { ApiError, call } from './api';
import { OutcomeLine, type Outcome } from './chrome';
import { formatDay, intlTag } from './i18n';

const TONE: Record<LeaveRequest['status'], BadgeTone> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
  cancelled: 'neutral',
};

/** My leave: requests with their status, and a form that submits through the leave module's API. */
export function LeaveScreen() {
  const { t, i18n } = useTranslation();
  const [requests, setRequests] = useState<LeaveRequest[] | null>(null);
  const [types, setTypes] = useState<LeaveType[]>([]);
  const [typeId, setTypeId] = useState('');
  const today = new Date().toISOString().slice(0, 10);
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const load = useCallback(async () => {
    const [r, ty] = await Promise.all([
      call<LeaveRequest[]>('GET', '/api/leave/requests?scope=mine').catch(() => []),
      call<LeaveType[]>('GET', '/api/leave/types').catch(() => []),
    ]);
    setRequests(r);
    const open = ty.filter((x) => !x.archived && !x.requiresAttachment);
    setTypes(open);
    setTypeId((cur) => cur || open[0]?.id || '');
  }, []);
  useEffect(() => void load(), [load]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      await call('POST', '/api/leave/requests', {
        leaveTypeId: typeId,
        fromDate: from,
        toDate: to < from ? from : to,
        portion: 'full',
        reason: reason.trim() || null,
      });
      setReason('');
      setOutcome({ tone: 'success', text: t('m.leave.sent') });
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('common.unknownError'));
    }
    setBusy(false);
  };
  if (!requests) return <PageSpinner />;
  const tag = intlTag(i18n.language);
  return (
    <div className="space-y-4">
      <PageHeader title={t('m.leave.title')} />
      <Card>
        <CardBody>
          <form className="space-y-3" onSubmit={(e) => void submit(e)}>
            <SelectField
              label={t('m.leave.type')}
              value={typeId}
              onChange={(e) => setTypeId(e.target.value)}
              required
            >
              {types.map((ty) => (
                <option key={ty.id} value={ty.id}>
                  {ty.name}
                </option>
              ))}
            </SelectField>
            <div className="grid grid-cols-2 gap-3">
              <DateField intlTag={tag} label={t('m.leave.from')} value={from} onChange={setFrom} />
              <DateField intlTag={tag} label={t('m.leave.to')} value={to} min={from} onChange={setTo} />
            </div>
            <TextField
              label={t('m.leave.reason')}
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              optional
            />
            {error ? <FormError>{error}</FormError> : null}
            <Button type="submit" variant="primary" className="w-full" loading={busy} disabled={!typeId}>
              {t('m.leave.submit')}
            </Button>
            <OutcomeLine outcome={outcome} testId="leave-outcome" />
          </form>
        </CardBody>
      </Card>
      <h2 className="text-base font-semibold text-fg">{t('m.leave.mine')}</h2>
      {requests.length === 0 ? <p className="text-sm text-muted">{t('m.leave.empty')}</p> : null}
      <ul className="space-y-2" data-testid="leave-list">
        {requests.map((r) => (
          <li key={r.id}>
            <Card>
              <CardBody className="flex items-center justify-between gap-2">
                <div className="min-w-0">
                  <p className="truncate font-medium text-fg">{r.leaveTypeName}</p>
                  <p className="text-sm text-muted">
                    {`${formatDay(r.fromDate, i18n.language)} – ${formatDay(r.toDate, i18n.language)} · ${t('m.leave.days', { count: r.days })}`}
                  </p>
                </div>
                <Badge tone={TONE[r.status]}>{t(`m.leave.status.${r.status}`)}</Badge>
              </CardBody>
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}
