import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { BadgeScanResult } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useOrgTime } from '../../i18n/org-time';
import { Button, Card, CardBody, Field, Icon, Input, PageHeader, TextField } from '@hadir/ui';
import { integrationsApi } from './integrations-api';

const DEVICE_KEY = 'hadir.kiosk.device';
/** How long a confirmation stays before the kiosk shows it is ready again. */
const CONFIRMATION_MS = 6000;

type Outcome = { kind: 'ok'; result: BadgeScanResult } | { kind: 'error'; message: string };

/** A scan id; crypto.randomUUID exists only on HTTPS, and kiosks often run on a plain-HTTP LAN. */
function newScanId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function storedDevice(): string {
  try {
    return localStorage.getItem(DEVICE_KEY) ?? '';
  } catch {
    return '';
  }
}

/**
 * The badge fallback: a USB badge, RFID or barcode reader acts as a keyboard (digits, then Enter), so
 * the input keeps the focus and each Enter records a check-in or check-out with a large confirmation.
 */
export function KioskPage() {
  const { t } = useTranslation();
  const time = useOrgTime();
  const input = useRef<HTMLInputElement>(null);
  const [badge, setBadge] = useState('');
  const [device, setDevice] = useState(storedDevice);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const scan = useMutation({
    mutationFn: (badgeId: string) =>
      integrationsApi.scan({
        badgeId,
        scanId: newScanId(),
        ...(device.trim() ? { deviceId: device.trim() } : {}),
      }),
    onSuccess: (result) => setOutcome({ kind: 'ok', result }),
    onError: (error, badgeId) =>
      setOutcome({
        kind: 'error',
        message:
          error instanceof ApiError && error.code === 'unknown_badge'
            ? t('kiosk.unknown', { badge: badgeId })
            : errorMessage(t, error),
      }),
    onSettled: () => input.current?.focus(),
  });

  useEffect(() => {
    if (!outcome) return;
    const timer = setTimeout(() => setOutcome(null), CONFIRMATION_MS);
    return () => clearTimeout(timer);
  }, [outcome]);

  // A reader types into whatever has the focus: bring it back whenever the page is clicked.
  useEffect(() => {
    const refocus = () => {
      if (document.activeElement?.tagName !== 'INPUT') input.current?.focus();
    };
    document.addEventListener('click', refocus);
    return () => document.removeEventListener('click', refocus);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = badge.trim();
    setBadge('');
    if (value) scan.mutate(value);
  };

  const result = outcome?.kind === 'ok' ? outcome.result : null;
  const checkedIn = result?.kind === 'check_in';
  return (
    <>
      <PageHeader title={t('kiosk.title')} description={t('kiosk.subtitle')} />
      <div className="mx-auto max-w-2xl space-y-4">
        <Card>
          <CardBody>
            <form onSubmit={submit} className="flex flex-col gap-3 sm:flex-row sm:items-end">
              <Field label={t('kiosk.badge')} className="flex-1">
                {(p) => (
                  <Input
                    {...p}
                    ref={input}
                    autoFocus
                    autoComplete="off"
                    inputMode="text"
                    placeholder={t('kiosk.placeholder')}
                    value={badge}
                    onChange={(e) => setBadge(e.target.value)}
                    className="text-lg"
                    data-testid="kiosk-badge"
                  />
                )}
              </Field>
              <Button type="submit" variant="primary" disabled={scan.isPending}>
                {t('kiosk.record')}
              </Button>
            </form>
          </CardBody>
        </Card>
        <div
          role="status"
          aria-live="assertive"
          data-testid="kiosk-result"
          className={
            outcome === null
              ? 'rounded-xl border border-border bg-surface p-8 text-center text-muted'
              : outcome.kind === 'error'
                ? 'rounded-xl border border-danger-text bg-surface p-8 text-center text-danger-text'
                : 'rounded-xl border border-border bg-surface p-8 text-center text-fg'
          }
        >
          {outcome === null ? (
            <p className="text-lg">{t('kiosk.ready')}</p>
          ) : outcome.kind === 'error' ? (
            <div className="flex flex-col items-center gap-2">
              <Icon name="alert" size={48} />
              <p className="text-xl font-semibold">{outcome.message}</p>
            </div>
          ) : result ? (
            <div className="flex flex-col items-center gap-2">
              <span
                className={
                  checkedIn
                    ? 'flex h-16 w-16 items-center justify-center rounded-full bg-accent text-accent-fg'
                    : 'flex h-16 w-16 items-center justify-center rounded-full bg-primary text-primary-fg'
                }
              >
                <Icon name="check" size={36} />
              </span>
              <p className="text-3xl font-semibold">{result.employee.name}</p>
              <p className="text-xl">
                {checkedIn ? t('kiosk.checkedIn') : t('kiosk.checkedOut')}{' '}
                {t('kiosk.at', { time: time.dateTime(result.occurredAt) })}
              </p>
              <p className="font-mono text-sm text-muted">{result.employee.employeeCode}</p>
              {result.duplicate ? <p className="text-sm text-muted">{t('kiosk.duplicate')}</p> : null}
            </div>
          ) : null}
        </div>
        <TextField
          label={t('kiosk.device')}
          value={device}
          optional
          onChange={(e) => {
            setDevice(e.target.value);
            try {
              localStorage.setItem(DEVICE_KEY, e.target.value);
            } catch {
              // Private mode: the name lasts for this visit only.
            }
          }}
          autoComplete="off"
        />
      </div>
    </>
  );
}
