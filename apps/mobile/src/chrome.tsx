import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, FormError, IconButton, cx, useTheme } from '@hadir/ui';
import type { useCamera } from './camera';
import { LOCALES, setLocale, type Locale } from './i18n';

export function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** The app bar: name, network state, language, theme, sign out. */
export function TopBar({ onSignOut }: { onSignOut?: () => void }) {
  const { t, i18n } = useTranslation();
  const { theme, toggle } = useTheme();
  const online = useOnline();
  return (
    <header className="sticky top-0 z-10 flex items-center gap-2 bg-sidebar px-4 py-3 text-sidebar-fg">
      <span className="flex-1 text-lg font-semibold">{t('app.name')}</span>
      <Badge tone={online ? 'success' : 'warning'}>{t(online ? 'm.online' : 'm.offline')}</Badge>
      <select
        aria-label={t('m.language')}
        className="rounded bg-sidebar-active px-2 py-1 text-sm"
        value={i18n.language}
        onChange={(e) => void setLocale(e.target.value as Locale)}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {l.toUpperCase()}
          </option>
        ))}
      </select>
      <IconButton icon={theme === 'dark' ? 'sun' : 'moon'} label={t('m.theme')} onClick={toggle} />
      {onSignOut ? <IconButton icon="logout" label={t('m.signOut')} onClick={onSignOut} /> : null}
    </header>
  );
}

export function CameraView({
  videoRef,
  error,
  compact = false,
}: Pick<ReturnType<typeof useCamera>, 'videoRef' | 'error'> & {
  /** Landscape and shorter: the officer's screen keeps the result and search in view. */
  compact?: boolean;
}) {
  const { t } = useTranslation();
  if (error) return <FormError>{t('m.camera.denied')}</FormError>;
  return (
    <video
      ref={videoRef}
      muted
      playsInline
      className={cx('w-full rounded-lg bg-overlay object-cover', compact ? 'aspect-[4/3]' : 'aspect-[3/4]')}
      data-testid="camera"
    />
  );
}

export type Outcome = { tone: 'success' | 'warning' | 'danger'; text: string };

/** A result line under an action (recorded, retry with why, refused), announced to screen readers. */
export function OutcomeLine({ outcome, testId = 'outcome' }: { outcome: Outcome | null; testId?: string }) {
  if (!outcome) return null;
  return (
    <p
      role="status"
      data-testid={testId}
      className={cx(
        'rounded-lg p-3 text-sm',
        outcome.tone === 'success'
          ? 'bg-accent-soft text-accent-text'
          : outcome.tone === 'warning'
            ? 'bg-warning-soft text-warning-text'
            : 'bg-danger-soft text-danger-text',
      )}
    >
      {outcome.text}
    </p>
  );
}
