import { useMemo, useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { MobileRecord, MobileRecordReview } from '@hadir/contracts';
import {
  Badge,
  type BadgeTone,
  Button,
  Card,
  type Column,
  type ComboOption,
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
import { errorMessage } from '../../api/errors';
import { useCan } from '../../auth/session';
import { useOrgTime } from '../../i18n/org-time';
import { useLiveEvents, useLiveStatus } from '../../live/use-live';
import { DateField } from '../../ui/date-field';
import { addDaysIso, localDateIn } from '../dashboard/time';
import { EmployeeCombobox } from '../shared/employee-combobox';
import { faceUrl, mobileRecordKeys, mobileRecordsApi, type MobileRecordsFilter } from './mobile-records-api';

const REVIEWS: MobileRecordReview[] = ['pending', 'none', 'approved', 'rejected'];
const REVIEW_TONE: Record<MobileRecordReview, BadgeTone> = {
  none: 'neutral',
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
};

/**
 * Attendance captured on phones (members' app and officers), live over the WebSocket: the face taken at
 * the time, score, recorder, device and flags; managers with attendance:record:approve decide flagged ones.
 */
export function MobileRecordsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const time = useOrgTime();
  const live = useLiveStatus();
  const canDecide = useCan('attendance:record:approve');
  const [fromDate, setFromDate] = useState(() => addDaysIso(localDateIn(time.timeZone), -6));
  const [toDate, setToDate] = useState(() => localDateIn(time.timeZone));
  const [employee, setEmployee] = useState<ComboOption | null>(null);
  const [review, setReview] = useState<MobileRecordReview | ''>('');
  const [source, setSource] = useState<'mobile' | 'officer' | ''>('');
  const [rejecting, setRejecting] = useState<MobileRecord | null>(null);
  const [note, setNote] = useState('');
  const [rejectError, setRejectError] = useState<string | null>(null);

  const filter: MobileRecordsFilter = useMemo(
    () => ({
      from: fromDate,
      to: toDate,
      ...(employee ? { employeeId: employee.id } : {}),
      ...(review ? { review } : {}),
      ...(source ? { source } : {}),
    }),
    [fromDate, toDate, employee, review, source],
  );
  const records = useQuery({
    queryKey: [...mobileRecordKeys.all, filter],
    queryFn: () => mobileRecordsApi.list(filter),
    placeholderData: keepPreviousData,
    enabled: fromDate !== '' && toDate !== '' && fromDate <= toDate,
  });
  // A record stored or decided anywhere shows up here at once.
  useLiveEvents((m) => {
    if (m.type !== 'attendance.mobile') return;
    void qc.invalidateQueries({ queryKey: mobileRecordKeys.all });
  });

  const decide = useMutation({
    mutationFn: (v: { record: MobileRecord; decision: 'approve' | 'reject'; note?: string }) =>
      mobileRecordsApi.decide(v.record.id, v.decision, v.note),
    onSuccess: async (r, v) => {
      toast.show(
        t(v.decision === 'approve' ? 'mobRec.approved' : 'mobRec.rejected', { name: r.employeeName }),
      );
      setRejecting(null);
      await qc.invalidateQueries({ queryKey: mobileRecordKeys.all });
    },
    onError: (error, v) => {
      if (v.decision === 'reject') setRejectError(errorMessage(t, error));
      else toast.show(errorMessage(t, error), 'error');
    },
  });

  const face = (r: MobileRecord) =>
    r.snapshotId ? (
      <img
        src={faceUrl(r.snapshotId)}
        alt={r.employeeName}
        loading="lazy"
        className="h-12 w-12 rounded-lg border border-border object-cover"
      />
    ) : (
      <div className="flex h-12 w-12 items-center justify-center rounded-lg border border-dashed border-border text-center text-[10px] leading-tight text-muted">
        {t('mobRec.noFace')}
      </div>
    );
  const who = (r: MobileRecord) =>
    r.source === 'officer' && r.recordedByName
      ? t('mobRec.officerNamed', { name: r.recordedByName })
      : t(`mobRec.sources.${r.source}`);
  const score = (r: MobileRecord) => (r.score === null ? '—' : r.score.toFixed(2));
  const kind = (r: MobileRecord) =>
    r.kind === 'check_in' || r.kind === 'check_out' ? t(`mobRec.kinds.${r.kind}`) : r.kind;
  const flags = (r: MobileRecord) =>
    r.flags.length === 0 ? null : (
      <div className="flex flex-wrap gap-1">
        {r.flags.map((f) => (
          <Badge key={f} tone="warning">
            {t(`mobRec.flag.${f}`)}
          </Badge>
        ))}
      </div>
    );
  const reviewCell = (r: MobileRecord) => (
    <div className="space-y-1">
      <Badge tone={REVIEW_TONE[r.review]}>{t(`mobRec.reviews.${r.review}`)}</Badge>
      {r.reviewedByName ? (
        <p className="text-xs text-muted">
          {t('mobRec.reviewedBy', { state: t(`mobRec.reviews.${r.review}`), name: r.reviewedByName })}
        </p>
      ) : null}
      {r.reviewNote ? <p className="text-xs italic text-muted">{r.reviewNote}</p> : null}
    </div>
  );
  const actions = (r: MobileRecord) =>
    canDecide && r.review === 'pending' ? (
      <div className="flex flex-wrap justify-end gap-2">
        <Button
          size="sm"
          variant="primary"
          loading={decide.isPending && decide.variables?.record.id === r.id}
          onClick={() => decide.mutate({ record: r, decision: 'approve' })}
        >
          {t('mobRec.approve')}
        </Button>
        <Button
          size="sm"
          variant="ghost"
          className="text-danger-text"
          onClick={() => {
            setNote('');
            setRejectError(null);
            setRejecting(r);
          }}
        >
          {t('mobRec.reject')}
        </Button>
      </div>
    ) : null;

  const columns: Column<MobileRecord>[] = [
    { key: 'face', header: t('mobRec.face'), cell: face },
    {
      key: 'member',
      header: t('mobRec.member'),
      cell: (r) => (
        <div>
          <p className="font-medium text-fg">{r.employeeName}</p>
          {r.employeeCode ? <p className="text-xs text-muted">{r.employeeCode}</p> : null}
        </div>
      ),
    },
    {
      key: 'time',
      header: t('mobRec.time'),
      cell: (r) => (
        <div>
          <p className="text-fg">{time.dateTime(r.occurredAt)}</p>
          <p className="text-xs text-muted">{kind(r)}</p>
        </div>
      ),
    },
    { key: 'score', header: t('mobRec.score'), cell: score, className: 'text-right tabular-nums' },
    { key: 'who', header: t('mobRec.recordedBy'), cell: (r) => <span className="text-muted">{who(r)}</span> },
    {
      key: 'device',
      header: t('mobRec.device'),
      cell: (r) => <span className="text-muted">{r.deviceName ?? t('mobRec.noDevice')}</span>,
    },
    { key: 'flags', header: t('mobRec.flags'), cell: flags },
    { key: 'review', header: t('mobRec.review'), cell: reviewCell },
    {
      key: 'actions',
      header: <span className="sr-only">{t('common.actions')}</span>,
      cell: actions,
      className: 'text-right',
    },
  ];
  const pending = (records.data ?? []).filter((r) => r.review === 'pending').length;

  return (
    <>
      <PageHeader
        title={t('mobRec.title')}
        description={t('mobRec.subtitle')}
        actions={
          <div className="flex items-center gap-2">
            {pending > 0 ? (
              <Badge tone="warning">{t('mobRec.pendingCount', { count: pending })}</Badge>
            ) : null}
            <Badge tone={live === 'open' ? 'success' : 'neutral'}>{t('mobRec.live')}</Badge>
          </div>
        }
      />
      <Card>
        <div className="grid grid-cols-2 gap-3 border-b border-border p-4 lg:grid-cols-5">
          <DateField label={t('mobRec.from')} value={fromDate} max={toDate} onChange={setFromDate} />
          <DateField label={t('mobRec.to')} value={toDate} min={fromDate} onChange={setToDate} />
          <Field label={t('mobRec.employee')} className="col-span-2 lg:col-span-1">
            {(p) => (
              <EmployeeCombobox
                control={p}
                value={employee}
                onChange={setEmployee}
                queryKey="mobile-records-employee"
                noneLabel={t('mobRec.anyEmployee')}
              />
            )}
          </Field>
          <SelectField
            label={t('mobRec.reviewFilter')}
            value={review}
            onChange={(e) => setReview(e.target.value as MobileRecordReview | '')}
          >
            <option value="">{t('mobRec.anyReview')}</option>
            {REVIEWS.map((r) => (
              <option key={r} value={r}>
                {t(`mobRec.reviews.${r}`)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label={t('mobRec.sourceFilter')}
            value={source}
            onChange={(e) => setSource(e.target.value as 'mobile' | 'officer' | '')}
          >
            <option value="">{t('mobRec.anySource')}</option>
            <option value="mobile">{t('mobRec.sources.mobile')}</option>
            <option value="officer">{t('mobRec.sources.officer')}</option>
          </SelectField>
        </div>
        {records.error ? (
          <div className="p-4">
            <FormError>{errorMessage(t, records.error)}</FormError>
          </div>
        ) : null}
        <DataTable
          caption={t('mobRec.title')}
          columns={columns}
          rows={records.data}
          rowKey={(r) => r.id}
          loading={records.isPending}
          empty={<EmptyState icon="userScan" title={t('mobRec.empty')} description={t('mobRec.emptyHint')} />}
          mobileCard={(r) => (
            <div className="space-y-2">
              <div className="flex items-start gap-3">
                {face(r)}
                <div className="min-w-0 flex-1">
                  <p className="font-medium text-fg">{r.employeeName}</p>
                  <p className="text-xs text-muted">{`${kind(r)} · ${time.dateTime(r.occurredAt)}`}</p>
                  <p className="text-xs text-muted">
                    {`${t('mobRec.score')} ${score(r)} · ${who(r)}${r.deviceName ? ` · ${r.deviceName}` : ''}`}
                  </p>
                </div>
              </div>
              {flags(r)}
              <div className="flex flex-wrap items-end justify-between gap-2">
                {reviewCell(r)}
                {actions(r)}
              </div>
            </div>
          )}
        />
      </Card>
      <FormModal
        open={rejecting !== null}
        onClose={() => setRejecting(null)}
        title={t('mobRec.rejectTitle', { name: rejecting?.employeeName ?? '' })}
        formId="mobile-reject"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (rejecting)
            decide.mutate({ record: rejecting, decision: 'reject', note: note.trim() || undefined });
        }}
        submitLabel={t('mobRec.reject')}
        submitting={decide.isPending}
        formClassName="space-y-4"
      >
        <p className="text-sm text-muted">{t('mobRec.rejectBody')}</p>
        <FormError>{rejectError}</FormError>
        <TextField
          label={t('mobRec.note')}
          value={note}
          maxLength={300}
          onChange={(e) => setNote(e.target.value)}
        />
      </FormModal>
    </>
  );
}
