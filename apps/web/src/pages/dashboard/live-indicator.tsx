import { useTranslation } from 'react-i18next';
import { cx } from '@hadir/ui';
import { useLiveStatus } from '../../live/use-live';

/** "Live" when the WebSocket is open; otherwise says that the page refreshes by polling. */
export function LiveIndicator() {
  const { t } = useTranslation();
  const status = useLiveStatus();
  const open = status === 'open';
  return (
    <span
      role="status"
      data-live={status}
      className={cx(
        'inline-flex items-center gap-2 rounded-full border px-3 py-1 text-sm font-medium',
        open ? 'border-accent/40 bg-accent-soft text-accent-text' : 'border-border bg-surface-2 text-muted',
      )}
    >
      <span
        aria-hidden="true"
        className={cx('h-2 w-2 rounded-full', open ? 'animate-pulse bg-accent' : 'bg-warning-text')}
      />
      {open ? t('dash.live.connected') : t('dash.live.reconnecting')}
    </span>
  );
}
