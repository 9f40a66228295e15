import { useTranslation } from 'react-i18next';
import type { VideoStatus } from '@hadir/contracts';
import { currentLocale } from '../../i18n';
import { formatNumber } from '../../i18n/format';
import { Badge, type BadgeTone, cx } from '@hadir/ui';

const STATUS_TONE: Record<VideoStatus, BadgeTone> = {
  queued: 'neutral',
  processing: 'primary',
  ready: 'success',
  failed: 'danger',
  cancelled: 'slate',
};

export function VideoStatusBadge({ status }: { status: VideoStatus }) {
  const { t } = useTranslation();
  return (
    <Badge tone={STATUS_TONE[status]} dot>
      {t(`vid.status.${status}`)}
    </Badge>
  );
}

/** "1.5 GB" in the reader's number format. */
export function useFormatBytes(): (bytes: number) => string {
  const locale = currentLocale();
  return (bytes) => {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let v = bytes;
    let u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return `${formatNumber(v, locale, { maximumFractionDigits: u === 0 ? 0 : 1 })} ${units[u]}`;
  };
}

/** A thin progress bar with its value for screen readers. */
export function ProgressBar({
  value,
  label,
  className,
}: {
  value: number;
  label: string;
  className?: string;
}) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      className={cx('h-1.5 w-full overflow-hidden rounded-full bg-surface-2', className)}
    >
      <div className="h-full rounded-full bg-accent transition-[width]" style={{ width: `${pct}%` }} />
    </div>
  );
}
