import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AttendanceSubmitResult,
  FaceRegisterResult,
  MobileMe,
  MobileSite,
  OrgMember,
} from '@hadir/contracts';
import {
  Badge,
  Button,
  Card,
  CardBody,
  Checkbox,
  Icon,
  PageHeader,
  SearchField,
  SelectField,
} from '@hadir/ui';
import { ApiError, data } from './api';
import { captureFrames, useCamera } from './camera';
import { CameraView, OutcomeLine, type Outcome } from './chrome';
import { loadDevice } from './device';
import { membersCache, searchMembers } from './members-cache';
import { newClientId, queue } from './queue';

const SITE_KEY = 'hadir.m.site';
/** The sites last seen online, so a capture session opens offline too. */
const SITES_KEY = 'hadir.m.sites';
const offline = (e: unknown) => e instanceof ApiError && e.status === 0;

function cachedSites(): MobileSite[] | null {
  try {
    return JSON.parse(localStorage.getItem(SITES_KEY) ?? 'null') as MobileSite[] | null;
  } catch {
    return null;
  }
}
type Found = { member_id: string; name: string; code: string; score: number | null };

/**
 * An officer's capture session at a site: recognize (1:N among the site's members), confirm name and
 * score, record; search by name or code when the face is not known; register a member's face on their
 * behalf with their consent.
 */
export function OfficerScreen({ me, onQueued }: { me: MobileMe; onQueued: () => Promise<void> }) {
  const { t } = useTranslation();
  const cam = useCamera();
  const [sites, setSites] = useState<MobileSite[] | null>(null);
  const [siteId, setSiteId] = useState(() => localStorage.getItem(SITE_KEY) ?? '');
  const [found, setFound] = useState<Found | null>(null);
  const [q, setQ] = useState('');
  const [matches, setMatches] = useState<OrgMember[]>([]);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [consentFor, setConsentFor] = useState<OrgMember | null>(null);
  const [count, setCount] = useState(0);
  const [queued, setQueued] = useState(0);

  useEffect(() => {
    const use = (list: MobileSite[]) => {
      setSites(list);
      setSiteId((cur) => (list.some((s) => s.id === cur) ? cur : (list[0]?.id ?? '')));
    };
    data<MobileSite[]>('GET', '/api/mobile/sites')
      .then((list) => {
        localStorage.setItem(SITES_KEY, JSON.stringify(list));
        use(list);
      })
      .catch(() => use(cachedSites() ?? []));
    // The member list for offline search, refreshed on every online start.
    data<OrgMember[]>('GET', `/api/organizations/${me.organization_id}/members?limit=5000`)
      .then((list) => membersCache.replace(list))
      .catch(() => undefined);
  }, [me.organization_id]);
  useEffect(() => {
    if (siteId) localStorage.setItem(SITE_KEY, siteId);
  }, [siteId]);
  const site = siteId ? { site_id: siteId } : {};
  const failure = (e: unknown) =>
    setOutcome({ tone: 'danger', text: e instanceof ApiError ? e.message : t('common.unknownError') });
  /**
   * No network: the capture waits on the phone (device time, client id, site) and is verified when it
   * syncs: 1:1 against the member picked by name, or recognized 1:N at the site when nobody was picked.
   */
  const enqueue = async (face: string, member?: { id: string; name: string }) => {
    await queue.add({
      client_id: newClientId(),
      type: 'check_in',
      occurred_at: new Date().toISOString(),
      face_image: face,
      mode: 'officer',
      ...(member ? { member_id: member.id, label: member.name } : {}),
      ...(siteId ? { site_id: siteId } : {}),
      queuedAt: Date.now(),
    });
    await onQueued();
    setQueued((n) => n + 1);
    setOutcome({
      tone: 'warning',
      text: member ? t('m.officer.queuedMember', { name: member.name }) : t('m.officer.queued'),
    });
  };

  const recognize = async () => {
    setBusy(true);
    setOutcome(null);
    setFound(null);
    const face = cam.capture();
    if (face && !navigator.onLine) await enqueue(face);
    else if (face) {
      try {
        const r = await data<{
          member_id: string | null;
          name: string | null;
          employee_code: string | null;
          score: number | null;
          reason: string | null;
        }>('POST', '/api/face/recognize', { face_image: face, ...site });
        if (r.member_id)
          setFound({
            member_id: r.member_id,
            name: r.name ?? '',
            code: r.employee_code ?? '',
            score: r.score,
          });
        else
          setOutcome({
            tone: 'warning',
            text: r.reason === 'not_at_site' ? t('m.officer.notAtSite') : t('m.officer.unknown'),
          });
      } catch (e) {
        if (offline(e)) await enqueue(face);
        else failure(e);
      }
    }
    setBusy(false);
  };
  const record = async (memberId: string, name: string, withFace: boolean) => {
    setBusy(true);
    setOutcome(null);
    // Offline, a record picked by name takes the face too: the server verifies it (1:1) at sync.
    const face = withFace || !navigator.onLine ? cam.capture() : null;
    if (!navigator.onLine) {
      if (face) await enqueue(face, { id: memberId, name });
      else setOutcome({ tone: 'danger', text: t('m.camera.denied') });
      setFound(null);
      return setBusy(false);
    }
    try {
      const r = await data<AttendanceSubmitResult>('POST', '/api/attendance/record', {
        member_id: memberId,
        type: 'check_in',
        ...site,
        ...(loadDevice() ? { device_id: loadDevice()!.device_id } : {}),
        ...(face ? { face_image: face } : {}),
      });
      if (r.status === 'recorded') {
        setCount((c) => c + 1);
        setOutcome({ tone: 'success', text: t('m.officer.recorded', { name }) });
      } else setOutcome({ tone: 'warning', text: t(`m.check.${r.status}`, { reason: r.reason ?? '' }) });
    } catch (e) {
      if (offline(e) && face) await enqueue(face, { id: memberId, name });
      else failure(e);
    }
    setFound(null);
    setBusy(false);
  };
  const search = async (text: string) => {
    setQ(text);
    if (text.trim().length < 2) return setMatches([]);
    const local = async () => searchMembers(await membersCache.all().catch(() => []), text);
    if (!navigator.onLine) return setMatches(await local());
    setMatches(
      await data<OrgMember[]>(
        'GET',
        `/api/organizations/${me.organization_id}/members?limit=20&search=${encodeURIComponent(text)}`,
      ).catch(local),
    );
  };

  return (
    <div className="space-y-4">
      <PageHeader
        title={t('m.officer.title')}
        description={
          count + queued > 0
            ? [
                count > 0 ? t('m.officer.count', { count }) : null,
                queued > 0 ? t('m.officer.queuedCount', { count: queued }) : null,
              ]
                .filter(Boolean)
                .join(' · ')
            : undefined
        }
      />
      {sites && sites.length > 0 ? (
        <SelectField label={t('m.officer.site')} value={siteId} onChange={(e) => setSiteId(e.target.value)}>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
      ) : sites ? (
        <p className="text-sm text-muted">{t('m.officer.noSites')}</p>
      ) : null}
      {consentFor ? (
        <ConsentCapture
          member={consentFor}
          onClose={(message) => {
            setConsentFor(null);
            if (message) setOutcome(message);
          }}
        />
      ) : (
        <>
          <CameraView videoRef={cam.videoRef} error={cam.error} compact />
          <Button
            variant="primary"
            className="w-full"
            disabled={!cam.ready}
            loading={busy}
            onClick={() => void recognize()}
          >
            <Icon name="userScan" /> {t('m.officer.recognize')}
          </Button>
        </>
      )}
      {found ? (
        <Card>
          <CardBody className="space-y-3" data-testid="found">
            <div className="flex items-center justify-between gap-2">
              <div className="min-w-0">
                <p className="truncate font-semibold text-fg">{found.name}</p>
                <p className="text-sm text-muted">{found.code}</p>
              </div>
              <Badge tone="primary">{t('m.officer.score', { score: (found.score ?? 0).toFixed(2) })}</Badge>
            </div>
            <div className="grid grid-cols-2 gap-2">
              <Button
                variant="accent"
                loading={busy}
                onClick={() => void record(found.member_id, found.name, true)}
              >
                {t('m.officer.confirm')}
              </Button>
              <Button onClick={() => setFound(null)}>{t('m.officer.notThem')}</Button>
            </div>
          </CardBody>
        </Card>
      ) : null}
      <OutcomeLine outcome={outcome} testId="officer-outcome" />
      <SearchField label={t('m.officer.search')} value={q} onChange={(e) => void search(e.target.value)} />
      <ul className="space-y-2" data-testid="matches">
        {matches.map((m) => (
          <li key={m.id} className="space-y-2 rounded-lg bg-surface p-3">
            <p className="text-sm break-words text-fg">{`${m.employee_code} · ${m.name}`}</p>
            <div className="flex flex-wrap justify-end gap-2">
              {m.face_registered || !navigator.onLine ? null : (
                <Button size="sm" onClick={() => setConsentFor(m)}>
                  {t('m.officer.registerFace')}
                </Button>
              )}
              <Button size="sm" variant="primary" onClick={() => void record(m.id, m.name, false)}>
                {t('m.officer.record')}
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Registers a member's face on their behalf: the member reads and agrees first; the words are kept. */
function ConsentCapture({ member, onClose }: { member: OrgMember; onClose: (message?: Outcome) => void }) {
  const { t } = useTranslation();
  const cam = useCamera();
  const [agreed, setAgreed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const text = t('m.consent.text', { name: member.name });
  const take = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const frames = await captureFrames(cam.capture, 3, 700);
      const r = await data<FaceRegisterResult>('POST', `/api/members/${member.id}/face/register`, {
        face_images: frames,
        consent: true,
        consent_text: text,
      });
      if (r.accepted > 0)
        return onClose({ tone: 'success', text: t('m.consent.done', { name: member.name }) });
      setOutcome({
        tone: 'warning',
        text: t('m.register.failed', { reason: r.results.map((x) => x.message).join(' ') }),
      });
    } catch (e) {
      setOutcome({ tone: 'danger', text: e instanceof ApiError ? e.message : t('common.unknownError') });
    }
    setBusy(false);
  };
  return (
    <Card>
      <CardBody className="space-y-3" data-testid="consent">
        <p className="font-semibold text-fg">{t('m.consent.title', { name: member.name })}</p>
        <p className="rounded-lg bg-surface-2 p-3 text-sm text-fg">{text}</p>
        <Checkbox
          label={t('m.consent.agree', { name: member.name })}
          checked={agreed}
          onChange={(e) => setAgreed(e.target.checked)}
        />
        <CameraView videoRef={cam.videoRef} error={cam.error} compact />
        <OutcomeLine outcome={outcome} testId="consent-outcome" />
        <div className="grid grid-cols-2 gap-2">
          <Button
            variant="primary"
            disabled={!agreed || !cam.ready}
            loading={busy}
            onClick={() => void take()}
          >
            {t('m.register.start')}
          </Button>
          <Button onClick={() => onClose()}>{t('common.cancel')}</Button>
        </div>
      </CardBody>
    </Card>
  );
}
