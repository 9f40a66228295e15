import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AttendanceSubmitResult,
  FaceRegisterResult,
  MobileMe,
  OrgAttendanceDay,
  OrgMember,
  SessionInfo,
  SyncResult,
} from '@hadir/contracts';
import {
  Badge,
  Button,
  Card,
  CardBody,
  FormError,
  Icon,
  IconButton,
  PageHeader,
  PageSpinner,
  TextField,
  cx,
  useTheme,
} from '@hadir/ui';
import { ApiError, call, data, setCsrf } from './api';
import { captureFrames, useCamera } from './camera';
import { LOCALES, setLocale, type Locale } from './i18n';
import { newClientId, queue, type QueuedRecord } from './queue';
import { signBatch } from './sign';

type Device = { device_id: string; device_key: string };
const DEVICE_KEY = 'hadir.m.device';
const loadDevice = (): Device | null => {
  try {
    return JSON.parse(localStorage.getItem(DEVICE_KEY) ?? 'null') as Device | null;
  } catch {
    return null;
  }
};

function useOnline(): boolean {
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

/** The whole app: sign in, then (first run) face registration, then the tabs. */
export function App() {
  const [me, setMe] = useState<MobileMe | null | 'loading'>('loading');
  const load = useCallback(async () => {
    try {
      const s = await call<SessionInfo>('GET', '/api/auth/session');
      setCsrf(s.csrfToken);
      setMe(await data<MobileMe>('GET', '/api/mobile/me'));
    } catch (e) {
      // Offline with a cached identity: the app still opens and queues.
      const cached = localStorage.getItem('hadir.m.me');
      setMe(e instanceof ApiError && e.status === 0 && cached ? (JSON.parse(cached) as MobileMe) : null);
    }
  }, []);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (me && me !== 'loading') localStorage.setItem('hadir.m.me', JSON.stringify(me));
  }, [me]);
  if (me === 'loading') return <PageSpinner />;
  if (!me) return <SignIn onDone={load} />;
  if (me.member_id && !me.face_registered) return <RegisterFace me={me} onDone={load} />;
  return <Home me={me} onSignOut={() => setMe(null)} />;
}

function TopBar({ onSignOut }: { onSignOut?: () => void }) {
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

function SignIn({ onDone }: { onDone: () => Promise<void> }) {
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
      // First sign-in on this phone: register it; its key signs the offline queue.
      if (!loadDevice()) {
        const d = await data<Device>('POST', '/api/mobile/devices', {
          name: navigator.userAgent.slice(0, 80),
        });
        localStorage.setItem(
          DEVICE_KEY,
          JSON.stringify({ device_id: d.device_id, device_key: d.device_key }),
        );
      }
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

function CameraView({ videoRef, error }: Pick<ReturnType<typeof useCamera>, 'videoRef' | 'error'>) {
  const { t } = useTranslation();
  if (error) return <FormError>{t('m.camera.denied')}</FormError>;
  return (
    <video
      ref={videoRef}
      muted
      playsInline
      className="aspect-[3/4] w-full rounded-lg bg-overlay object-cover"
      data-testid="camera"
    />
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

type Tab = 'check' | 'history' | 'queue' | 'officer';

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
    ...(me.member_id ? (['check', 'history'] as const) : []),
    ...(me.officer ? (['officer'] as const) : []),
    'queue',
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
        {tab === 'history' ? <HistoryScreen /> : null}
        {tab === 'queue' ? <QueueScreen sync={sync} /> : null}
        {tab === 'officer' ? <OfficerScreen me={me} /> : null}
      </main>
      <nav className="fixed inset-x-0 bottom-0 flex border-t border-border bg-surface">
        {tabs.map((k) => (
          <button
            key={k}
            type="button"
            onClick={() => setTab(k)}
            aria-current={tab === k ? 'page' : undefined}
            className={cx('flex-1 py-3 text-sm font-medium', tab === k ? 'text-primary-text' : 'text-muted')}
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
  const [outcome, setOutcome] = useState<{ tone: 'success' | 'warning' | 'danger'; text: string } | null>(
    null,
  );
  const check = async (type: 'check_in' | 'check_out') => {
    setBusy(true);
    setOutcome(null);
    const frames = await captureFrames(cam.capture, 4, 400);
    const face = frames[0];
    if (!face) {
      setBusy(false);
      return setOutcome({ tone: 'danger', text: t('m.camera.denied') });
    }
    const enqueue = async () => {
      const r: QueuedRecord = {
        client_id: newClientId(),
        member_id: me.member_id!,
        type,
        occurred_at: new Date().toISOString(),
        face_image: face,
        mode: 'self',
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
        });
        const time = r.recorded_at ? new Date(r.recorded_at).toLocaleTimeString(i18n.language) : '';
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
      <PageHeader title={me.member_name ?? me.name} />
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
      {outcome ? (
        <p
          role="status"
          data-testid="outcome"
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
      ) : null}
    </div>
  );
}

function HistoryScreen() {
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
  const time = (iso: string | null) =>
    iso ? new Date(iso).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' }) : '–';
  if (!days) return <PageSpinner />;
  return (
    <div className="space-y-3">
      <PageHeader title={t('m.history.title')} />
      {days.length === 0 ? <p className="text-sm text-muted">{t('m.history.empty')}</p> : null}
      {days.map((d) => (
        <Card key={d.date}>
          <CardBody className="flex items-center justify-between gap-2">
            <div>
              <p className="font-medium text-fg">{d.date}</p>
              <p className="text-sm text-muted">{`${time(d.check_in)} – ${time(d.check_out)} · ${t('m.history.hours', { hours: (d.worked_minutes / 60).toFixed(1) })}`}</p>
            </div>
            <Badge tone="neutral">{d.status}</Badge>
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
        records: records.map(({ queuedAt: _q, ...r }) => r),
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

function QueueScreen({ sync }: { sync: ReturnType<typeof useSync> }) {
  const { t } = useTranslation();
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
            <span>{t(r.type === 'check_in' ? 'm.check.in' : 'm.check.out')}</span>
            <span className="text-muted">{new Date(r.occurred_at).toLocaleTimeString()}</span>
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

function OfficerScreen({ me }: { me: MobileMe }) {
  const { t } = useTranslation();
  const cam = useCamera();
  const [found, setFound] = useState<{ member_id: string; name: string; score: number | null } | null>(null);
  const [unknown, setUnknown] = useState(false);
  const [q, setQ] = useState('');
  const [matches, setMatches] = useState<OrgMember[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const recognize = async () => {
    setBusy(true);
    setDone(null);
    setFound(null);
    setUnknown(false);
    const face = cam.capture();
    if (face) {
      const r = await data<{ member_id: string | null; name: string | null; score: number | null }>(
        'POST',
        '/api/face/recognize',
        { face_image: face },
      ).catch(() => null);
      if (r?.member_id) setFound({ member_id: r.member_id, name: r.name ?? '', score: r.score });
      else setUnknown(true);
    }
    setBusy(false);
  };
  const record = async (memberId: string, name: string, withFace: boolean) => {
    setBusy(true);
    const face = withFace ? cam.capture() : null;
    const r = await data<AttendanceSubmitResult>('POST', '/api/attendance/record', {
      member_id: memberId,
      type: 'check_in',
      ...(face ? { face_image: face } : {}),
    }).catch(() => null);
    setDone(
      r?.status === 'recorded' ? t('m.officer.recorded', { name }) : (r?.reason ?? t('common.unknownError')),
    );
    setFound(null);
    setBusy(false);
  };
  const search = async (text: string) => {
    setQ(text);
    if (text.trim().length < 2) return setMatches([]);
    setMatches(
      await data<OrgMember[]>(
        'GET',
        `/api/organizations/${me.organization_id}/members?limit=20&search=${encodeURIComponent(text)}`,
      ).catch(() => []),
    );
  };
  return (
    <div className="space-y-4">
      <PageHeader title={t('m.officer.title')} />
      <CameraView videoRef={cam.videoRef} error={cam.error} />
      <Button
        variant="primary"
        className="w-full"
        disabled={!cam.ready}
        loading={busy}
        onClick={() => void recognize()}
      >
        <Icon name="userScan" /> {t('m.officer.recognize')}
      </Button>
      {found ? (
        <Button
          variant="accent"
          className="w-full"
          onClick={() => void record(found.member_id, found.name, true)}
        >
          {t('m.officer.confirm', { name: found.name, score: (found.score ?? 0).toFixed(2) })}
        </Button>
      ) : null}
      {unknown ? <p className="text-sm text-warning-text">{t('m.officer.unknown')}</p> : null}
      {done ? (
        <p role="status" className="rounded-lg bg-accent-soft p-3 text-sm text-accent-text">
          {done}
        </p>
      ) : null}
      <TextField label={t('m.officer.search')} value={q} onChange={(e) => void search(e.target.value)} />
      <ul className="space-y-2">
        {matches.map((m) => (
          <li key={m.id}>
            <Button
              className="w-full"
              onClick={() => void record(m.id, m.name, false)}
            >{`${m.employee_code} · ${m.name}`}</Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
