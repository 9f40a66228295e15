import { useTranslation } from 'react-i18next';
import type { FaceQualityDetail, FaceQualityFactor } from '@hadir/contracts';
import { Badge, type BadgeTone } from '@hadir/ui';

const FACTORS: readonly FaceQualityFactor[] = ['size', 'blur', 'pose', 'brightness'];

/** 0–100 → a tone: what the enrolment gate and recognition make of it. */
export function qualityTone(score: number): BadgeTone {
  return score >= 70 ? 'success' : score >= 45 ? 'primary' : 'warning';
}

/** "Quality 72/100" with its factors (size, sharpness, facing, light), each 0–100. */
export function FaceQualitySummary({
  score,
  detail,
  dimmed = false,
}: {
  /** 0..1 as stored; used when the sample has no factors (enrolled before 0072, or from unknown faces). */
  score: number;
  detail: FaceQualityDetail | null;
  dimmed?: boolean;
}) {
  const { t } = useTranslation();
  const value = detail?.score ?? Math.round(score * 100);
  return (
    <div className="min-w-0 space-y-1" data-testid="face-quality">
      <Badge tone={dimmed ? 'warning' : qualityTone(value)}>{t('fh.enrol.quality', { score: value })}</Badge>
      {detail ? (
        <p className="flex flex-wrap gap-x-2 text-xs text-muted">
          {FACTORS.map((f) => (
            <span key={f} className="whitespace-nowrap">
              {t('fh.enrol.factorValue', { label: t(`fh.enrol.factor.${f}`), value: detail[f] })}
            </span>
          ))}
          <span className="whitespace-nowrap">{t('fh.enrol.facePx', { px: detail.sizePx })}</span>
        </p>
      ) : null}
    </div>
  );
}
