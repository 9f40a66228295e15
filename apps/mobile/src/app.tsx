import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AttendanceSubmitResult,
  FaceRegisterResult,
  MobileMe,
  OrgAttendanceDay,
  SessionInfo,
  SyncResult,
} from '@hadir/contracts';
import { Badge, Button, Card, CardBody, FormError, PageHeader, PageSpinner, TextField, cx } from '@hadir/ui';
import { ApiError, call, data, setCsrf } from './api';
import { captureFrames, useCamera } from './camera';
import { CameraView, OutcomeLine, TopBar, useOnline, type Outcome } from './chrome';
import { currentPlace, loadDevice, loadWho, saveDevice, saveWho } from './device';
import { formatDay, formatTime } from './i18n';
import { LeaveScreen } from './leave';
import { OfficerScreen } from './officer';
import { newClientId, queue, toSyncRecord, type QueuedRecord } from './queue';
import { signBatch } from './sign';
import { AccountScreen, UnlockScreen } from './unlock';

/**
 * The whole app: password sign-in (first time on a phone, or after a revocation), PIN/face unlock on a
 * registered phone, first-run face registration, then the tabs.
 */
export function App() {
  const [me, setMe] = useState<MobileMe | null | 'loading'>('loading');
  const [password, setPassword] = useState<{ message?: string } | null>(null);
  const load = useCallback(async () => {
    try {
      const s = await call<SessionInfo>('GET', '/api/auth/session');
      setCsrf(s.csrfToken);
      setMe(await data<MobileMe>('GET', '/api/mobile/me'));
      setPassword(null);
    } catch (e) {
      // Offline with a cached identity: the app still opens and queues.
      const cached = localStorage.getItem('hadir.m.me');
      setMe(e instanceof ApiError && e.status === 0 && cached ? (JSON.parse(cached) as MobileMe) : null);
    }
  }, []);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (me && me !== 'loading') {
      localStorage.setItem('hadir.m.me', JSON.stringify(me));
      saveWho({ name: me.member_name ?? me.name, member: me.member_id !== null });
    }
  }, [me]);
  if (me === 'loading') return <PageSpinner />;
  if (!me) {
    const device = loadDevice();
    const who = loadWho();
    if (device && who && !password && (device.pin_set || who.member))
      return (
        <UnlockScreen
          device={device}
          who={who}
          onDone={load}
          onPassword={(message) => setPassword(message ? { message } : {})}
        />
      );
    return <SignIn onDone={load} notice={password?.message ?? null} />;
  }
  if (me.member_id && !me.face_registered) return <RegisterFace me={me} onDone={load} />;
  return <Home me={me} onSignOut={() => setMe(null)} />;
}

function SignIn({ onDone, notice }: { onDone: () => Promise<void>; notice: string | null }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await call<SessionInfo>('POST', '/api/auth/login', { email: email.trim(), password });
      setCsrf(s.csrfToken);
      // First sign-in on this phone (or by someone else, or after a revocation): register it; its key
      // signs the offline queue and the PIN/face unlock.
      const known = loadDevice();
      if (!known || (known.user_id && known.user_id !== s.user.id)) {
        const d = await data<{ device_id: string; device_key: string }>('POST', '/api/mobile/devices', {
          name: navigator.userAgent.slice(0, 80),
        });
        saveDevice({ device_id: d.device_id, device_key: d.device_key, user_id: s.user.id, pin_set: false });
      } else if (!known.user_id) saveDevice({ ...known, user_id: s.user.id });
      await onDone();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401 ? t('m.wrongPassword') : t('common.unknownError'),
      );
      setBusy(false);
    }
  };
  return (
    <>
      <TopBar />
      <main className="mx-auto max-w-md p-4">
        <PageHeader title={t('m.signIn')} description={t('m.signInHint')} />
        {notice ? <FormError>{notice}</FormError> : null}
        <Card>
          <CardBody>
            <form className="space-y-4" onSubmit={(e) => void submit(e)}>
              <TextField
                label={t('m.email')}
                type="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                required
              />
              <TextField
                label={t('m.password')}
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
              {error ? <FormError>{error}</FormError> : null}
              <Button type="submit" variant="primary" className="w-full" loading={busy}>
                {t('m.signIn')}
              </Button>
            </form>
          </CardBody>
        </Card>
      </main>
    </>
  );
}

function RegisterFace({ me, onDone }: { me: MobileMe; onDone: () => Promise<void> }) {
  const { t } = useTranslation();
  const cam = useCamera();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const take = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const frames = await captureFrames(cam.capture, 3, 700);
      const r = await data<FaceRegisterResult>('POST', `/api/members/${me.member_id}/face/register`, {
        face_images: frames,
      });
      if (r.accepted > 0) return await onDone();
      setMessage(t('m.register.failed', { reason: r.results.map((x) => x.message).join(' ') }));
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : t('common.unknownError'));
    }
    setBusy(false);
  };
  return (
    <>
      <TopBar />
      <main className="mx-auto max-w-md space-y-4 p-4">
        <PageHeader title={t('m.register.title')} description={t('m.register.hint')} />
        <CameraView videoRef={cam.videoRef} error={cam.error} />
        <p className="text-sm text-muted">{t('m.camera.turn')}</p>
        {message ? <FormError>{message}</FormError> : null}
        <Button
          variant="primary"
          className="w-full"
          disabled={!cam.ready}
          loading={busy}
          onClick={() => void take()}
        >
          {t('m.register.start')}
        </Button>
      </main>
    </>
  );
}

type Tab = 'check' | 'history' | 'leave' | 'officer' | 'queue' | 'account';

function Home({ me, onSignOut }: { me: MobileMe; onSignOut: () => void }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>(me.member_id ? 'check' : 'officer');
  const online = useOnline();
  const sync = useSync();
  useEffect(() => {
    if (online) void sync.run();
    // Sync on its own whenever the network comes back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [online]);
  const tabs: Tab[] = [
    ...(me.member_id ? (['check', 'history', 'leave'] as const) : []),
    ...(me.officer ? (['officer'] as const) : []),
    'queue',
    'account',
  ];
  const signOut = async () => {
    await call('POST', '/api/auth/logout', { everywhere: false }).catch(() => undefined);
    localStorage.removeItem('hadir.m.me');
    onSignOut();
  };
  return (
    <>
      <TopBar onSignOut={() => void signOut()} />
      <main className="mx-auto max-w-md p-4 pb-24">
        {tab === 'check' ? <CheckScreen me={me} onQueued={sync.refresh} /> : null}
        {tab === 'history' ? <HistoryScreen timeZone={me.time_zone} /> : null}
        {tab === 'queue' ? <QueueScreen sync={sync} timeZone={me.time_zone} /> : null}
        {tab === 'officer' ? <OfficerScreen me={me} onQueued={sync.refresh} /> : null}
        {tab === 'leave' ? <LeaveScreen /> : null}
        {tab === 'account' ? <AccountScreen me={me} /> : null}
      </main>
      <nav className="fixed inset-x-0 bottom-0 flex border-t border-border bg-surface">
        {tabs.map((k) => (
          <button
            key={k}
            type="button"
            onClick={() => setTab(k)}
            aria-current={tab === k ? 'page' : undefined}
            className={cx(
              'min-w-0 flex-1 px-1 py-3 text-xs font-medium',
              tab === k ? 'text-primary-text' : 'text-muted',
            )}
          >
            {t(`m.tabs.${k}`)}
            {k === 'queue' && sync.pending.length > 0 ? ` (${sync.pending.length})` : ''}
          </button>
        ))}
      </nav>
    </>
  );
}

function CheckScreen({ me, onQueued }: { me: MobileMe; onQueued: () => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const cam = useCamera();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const check = async (type: 'check_in' | 'check_out') => {
    setBusy(true);
    setOutcome(null);
    // The site asks where the phone is: taken while the frames are captured.
    const place = me.location_required ? currentPlace() : Promise.resolve(null);
    const frames = await captureFrames(cam.capture, 4, 400);
    const face = frames[0];
    if (!face) {
      setBusy(false);
      return setOutcome({ tone: 'danger', text: t('m.camera.denied') });
    }
    const location = await place;
    if (me.location_required && !location) {
      setBusy(false);
      return setOutcome({ tone: 'warning', text: t('m.check.noLocation') });
    }
    const enqueue = async () => {
      const r: QueuedRecord = {
        client_id: newClientId(),
        member_id: me.member_id!,
        type,
        occurred_at: new Date().toISOString(),
        face_image: face,
        mode: 'self',
        ...(location ? { location } : {}),
        queuedAt: Date.now(),
      };
      await queue.add(r);
      await onQueued();
      setOutcome({ tone: 'warning', text: t('m.check.queued') });
    };
    try {
      if (!navigator.onLine) await enqueue();
      else {
        const r = await data<AttendanceSubmitResult>('POST', '/api/attendance/submit', {
          type,
          face_image: face,
          liveness_frames: frames.slice(1),
          device_id: loadDevice()?.device_id,
          ...(location ? { location } : {}),
        });
        const time = r.recorded_at ? formatTime(r.recorded_at, i18n.language, me.time_zone) : '';
        setOutcome(
          r.status === 'recorded'
            ? { tone: 'success', text: t('m.check.recorded', { time }) }
            : {
                tone: r.status === 'retry' ? 'warning' : 'danger',
                text: t(`m.check.${r.status}`, { reason: r.reason ?? '' }),
              },
        );
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 0) await enqueue();
      else setOutcome({ tone: 'danger', text: e instanceof Error ? e.message : t('common.unknownError') });
    }
    setBusy(false);
  };
  return (
    <div className="space-y-4">
      <PageHeader
        title={me.member_name ?? me.name}
        description={me.location_required ? t('m.check.locationNote') : undefined}
      />
      <CameraView videoRef={cam.videoRef} error={cam.error} />
      <p className="text-sm text-muted">{t('m.camera.turn')}</p>
      <div className="grid grid-cols-2 gap-3">
        <Button variant="primary" disabled={!cam.ready} loading={busy} onClick={() => void check('check_in')}>
          {t('m.check.in')}
        </Button>
        <Button variant="accent" disabled={!cam.ready} loading={busy} onClick={() => void check('check_out')}>
          {t('m.check.out')}
        </Button>
      </div>
      <OutcomeLine outcome={outcome} />
    </div>
  );
}

function HistoryScreen({ timeZone }: { timeZone: string | undefined }) {
  const { t, i18n } = useTranslation();
  const [days, setDays] = useState<OrgAttendanceDay[] | null>(null);
  useEffect(() => {
    const end = new Date();
    const start = new Date(end.getTime() - 31 * 86_400_000);
    const d = (x: Date) => x.toISOString().slice(0, 10);
    data<OrgAttendanceDay[]>('GET', `/api/mobile/my-attendance?start_date=${d(start)}&end_date=${d(end)}`)
      .then((r) => setDays(r.reverse()))
      .catch(() => setDays([]));
  }, []);
  const time = (iso: string | null) => (iso ? formatTime(iso, i18n.language, timeZone) : '–');
  if (!days) return <PageSpinner />;
  return (
    <div className="space-y-3">
      <PageHeader title={t('m.history.title')} />
      {days.length === 0 ? <p className="text-sm text-muted">{t('m.history.empty')}</p> : null}
      {days.map((d) => (
        <Card key={d.date}>
          <CardBody className="flex items-center justify-between gap-2">
            <div>
              <p className="font-medium text-fg">{formatDay(d.date, i18n.language)}</p>
              <p className="text-sm text-muted">{`${time(d.check_in)} – ${time(d.check_out)} · ${t('m.history.hours', { hours: (d.worked_minutes / 60).toFixed(1) })}`}</p>
            </div>
            <Badge
              tone={
                d.status === 'present'
                  ? 'success'
                  : d.status === 'absent'
                    ? 'danger'
                    : d.status === 'late'
                      ? 'warning'
                      : 'neutral'
              }
            >
              {t(`m.history.status.${d.status}`, { defaultValue: d.status })}
            </Badge>
          </CardBody>
        </Card>
      ))}
    </div>
  );
}

function useSync() {
  const [pending, setPending] = useState<QueuedRecord[]>([]);
  const [last, setLast] = useState<SyncResult | null>(null);
  const [busy, setBusy] = useState(false);
  const refresh = useCallback(async () => setPending(await queue.all()), []);
  useEffect(() => void refresh(), [refresh]);
  const run = useCallback(async () => {
    const device = loadDevice();
    const records = await queue.all();
    setPending(records);
    if (!device || records.length === 0 || !navigator.onLine) return;
    setBusy(true);
    try {
      const batch = await signBatch(device.device_key, {
        device_id: device.device_id,
        sent_at: new Date().toISOString(),
        records: records.map(toSyncRecord),
      });
      const result = await data<SyncResult>('POST', '/api/attendance/sync', batch);
      // Every answered record leaves the queue: recorded, rejected with its reason, or already there.
      await queue.remove(result.results.map((r) => r.client_id));
      setLast(result);
    } catch {
      // Stays queued; the next sync (on reconnect or on demand) tries again.
    }
    setBusy(false);
    await refresh();
  }, [refresh]);
  return { pending, last, busy, run, refresh };
}

function QueueScreen({ sync, timeZone }: { sync: ReturnType<typeof useSync>; timeZone: string | undefined }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="space-y-3">
      <PageHeader title={t('m.queue.title')} />
      {sync.pending.length === 0 ? <p className="text-sm text-muted">{t('m.queue.empty')}</p> : null}
      <ul className="space-y-2" data-testid="queue">
        {sync.pending.map((r) => (
          <li
            key={r.client_id}
            className="flex items-center justify-between rounded-lg bg-surface p-3 text-sm"
          >
            <span>
              {t(r.type === 'check_in' ? 'm.check.in' : 'm.check.out')}
              {r.mode === 'officer' ? ` · ${r.label ?? t('m.queue.toRecognize')}` : ''}
            </span>
            <span className="text-muted">{formatTime(r.occurred_at, i18n.language, timeZone)}</span>
          </li>
        ))}
      </ul>
      <Button variant="primary" className="w-full" loading={sync.busy} onClick={() => void sync.run()}>
        {t('m.queue.syncNow')}
      </Button>
      {sync.last ? (
        <Card>
          <CardBody className="space-y-1 text-sm" data-testid="sync-result">
            <p className="font-medium">{t('m.queue.lastResults')}</p>
            <p>
              {t('m.queue.synced', {
                synced: sync.last.synced,
                failed: sync.last.failed,
                duplicates: sync.last.duplicates,
              })}
            </p>
            {sync.last.clock_skew_flagged ? (
              <p className="text-warning-text">
                {t('m.queue.skew', { seconds: Math.round(sync.last.clock_skew_ms / 1000) })}
              </p>
            ) : null}
            {sync.last.results
              .filter((r) => r.status === 'rejected')
              .map((r) => (
                <p key={r.client_id} className="text-danger-text">
                  {r.reason}
                </p>
              ))}
          </CardBody>
        </Card>
      ) : null}
    </div>
  );
}
