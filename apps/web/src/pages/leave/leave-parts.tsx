import { useTranslation } from 'react-i18next';
import type { LeaveRequest } from '@hadir/contracts';
import { Badge, type BadgeTone } from '@hadir/ui';

const TONE: Record<LeaveRequest['status'], BadgeTone> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
  cancelled: 'neutral',
};

export function LeaveStatusBadge({ status }: { status: LeaveRequest['status'] }) {
  const { t } = useTranslation();
  return <Badge tone={TONE[status]}>{t(`lv.status.${status}`)}</Badge>;
}

/** "2026-01-08 – 2026-01-13 · 4 days" or "2026-01-14 · First half". */
export function LeaveSpan({ r }: { r: Pick<LeaveRequest, 'fromDate' | 'toDate' | 'portion' | 'days'> }) {
  const { t } = useTranslation();
  const dates = r.fromDate === r.toDate ? r.fromDate : `${r.fromDate} – ${r.toDate}`;
  const extra = r.portion === 'full' ? t('lv.days', { count: r.days }) : t(`lv.portion.${r.portion}`);
  return (
    <span className="tabular-nums">
      {dates}
      <span className="text-muted">{` · ${extra}`}</span>
    </span>
  );
}

/** Today as YYYY-MM-DD in the browser's calendar (a default for date fields; the server decides). */
export function todayLocal(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
