import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { FaceDuplicateConflict, type FaceDuplicate, type FaceSample } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { currentLocale } from '../../i18n';
import { formatNumber } from '../../i18n/format';
import { Badge, Button, Icon, useToast } from '@hadir/ui';
import { dashKeys, facesApi } from '../dashboard/dashboard-api';

/** The details of a 409 face_matches_other_employee answer, or null for any other error. */
export function duplicateConflictOf(error: unknown): FaceDuplicateConflict | null {
  if (!(error instanceof ApiError) || error.status !== 409 || error.code !== 'face_matches_other_employee') {
    return null;
  }
  const parsed = FaceDuplicateConflict.safeParse(error.details);
  return parsed.success ? parsed.data : { threshold: 0, matches: [] };
}

function useDuplicateText() {
  const { t } = useTranslation();
  const locale = currentLocale();
  return (d: FaceDuplicate) => {
    const score = formatNumber(d.cosineSimilarity, locale, { maximumFractionDigits: 2 });
    return d.employee
      ? t('sec.faces.duplicateOf', { name: d.employee.name, code: d.employee.employeeCode, score })
      : t('sec.faces.duplicateUnknown', { score });
  };
}

/**
 * Shown when an enrolment was refused because the face already matches another employee: whom (when the
 * user may see employees) and how closely, with a deliberate "enrol anyway" for those who may confirm.
 */
export function DuplicateWarning({
  conflict,
  canConfirm,
  busy,
  onConfirm,
  onCancel,
}: {
  conflict: FaceDuplicateConflict;
  canConfirm: boolean;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const text = useDuplicateText();
  return (
    <div
      role="alert"
      data-testid="duplicate-warning"
      className="space-y-3 rounded-lg border border-danger/40 bg-danger-soft p-3 text-sm text-danger-text"
    >
      <p className="flex items-start gap-2 font-medium">
        <Icon name="alert" size={18} className="mt-0.5 shrink-0" />
        {t('sec.faces.duplicateTitle')}
      </p>
      <p>{t('sec.faces.duplicateBody')}</p>
      <ul className="list-disc space-y-1 ps-5">
        {conflict.matches.map((m) => (
          <li key={m.index}>
            {t('sec.faces.photoMatch', { photo: t('dash.faces.photoN', { n: m.index + 1 }), match: text(m) })}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        {canConfirm ? (
          <Button size="sm" variant="danger" loading={busy} onClick={onConfirm}>
            {t('sec.faces.duplicateConfirm')}
          </Button>
        ) : null}
        <Button size="sm" onClick={onCancel}>
          {t('sec.faces.duplicateCancel')}
        </Button>
      </div>
    </div>
  );
}

/** Review status, look-alike warning and (for reviewers) approve/reject of one sample tile. */
export function SampleReview({
  employeeId,
  sample,
  canReview,
}: {
  employeeId: string;
  sample: FaceSample;
  canReview: boolean;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const qc = useQueryClient();
  const text = useDuplicateText();
  const review = useMutation({
    mutationFn: (decision: 'approve' | 'reject') => facesApi.review(employeeId, sample.id, decision),
    onSuccess: async (r) => {
      toast.show(t(r.decision === 'approve' ? 'sec.faces.approved' : 'sec.faces.rejected'));
      await qc.invalidateQueries({ queryKey: dashKeys.faces(employeeId) });
    },
    onError: (e) => toast.show(errorMessage(t, e), 'error'),
  });
  if (sample.status !== 'pending' && !sample.duplicateOf) return null;
  return (
    <div className="space-y-1" data-testid="sample-review">
      {sample.status === 'pending' ? (
        <Badge tone="warning">
          <span title={t('sec.faces.pendingHint')}>{t('sec.faces.pending')}</span>
        </Badge>
      ) : null}
      {sample.duplicateOf ? (
        <p className="text-xs text-danger-text" title={text(sample.duplicateOf)}>
          {sample.duplicateOf.employee
            ? t('sec.faces.duplicateBadge', { name: sample.duplicateOf.employee.name })
            : t('sec.faces.duplicateBadgeUnknown')}
        </p>
      ) : null}
      {canReview && sample.status === 'pending' ? (
        <div className="flex flex-wrap gap-1">
          <Button
            size="sm"
            variant="primary"
            icon="check"
            loading={review.isPending && review.variables === 'approve'}
            disabled={review.isPending}
            onClick={() => review.mutate('approve')}
          >
            {t('sec.faces.approve')}
          </Button>
          <Button
            size="sm"
            variant="ghost"
            loading={review.isPending && review.variables === 'reject'}
            disabled={review.isPending}
            onClick={() => review.mutate('reject')}
          >
            {t('sec.faces.reject')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
