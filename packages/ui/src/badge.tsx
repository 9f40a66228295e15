import type { ReactNode } from 'react';
import { cx } from './cx';

/**
 * Tones map to status meaning: success/available = teal, danger/off = red, warning = amber,
 * neutral/unknown = gray, slate = outside working hours, primary = informational.
 */
export type BadgeTone = 'success' | 'danger' | 'warning' | 'neutral' | 'slate' | 'primary';

const tones: Record<BadgeTone, string> = {
  success: 'bg-accent-soft text-accent-text',
  danger: 'bg-danger-soft text-danger-text',
  warning: 'bg-warning-soft text-warning-text',
  neutral: 'bg-neutral-soft text-neutral-text',
  slate: 'bg-slate-soft text-slate-text',
  primary: 'bg-primary-soft text-primary-text',
};

export function Badge({
  tone = 'neutral',
  children,
  dot = false,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  dot?: boolean;
}) {
  return (
    <span
      className={cx(
        'inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium whitespace-nowrap',
        tones[tone],
      )}
    >
      {dot ? <span aria-hidden="true" className="h-1.5 w-1.5 rounded-full bg-current" /> : null}
      {children}
    </span>
  );
}
