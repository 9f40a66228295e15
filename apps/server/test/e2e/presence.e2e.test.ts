/**
 * The whole loop with real parts: a real RTSP camera on loopback streams a video encoded from several
 * LFW photos of one person; that person was enrolled from a DIFFERENT photo through the enrolment API;
 * a real Hadir process recognizes them, shows them available, and after they leave (the video goes blank)
 * marks them off and sends EXACTLY ONE WhatsApp alert (WhatsApp Cloud API channel → a loopback fake Graph
 * API). Hadir is killed with SIGKILL in the middle of the absence and again after the alert; neither
 * restart loses or duplicates the alert.
 *
 * HADIR_ABSENT_AFTER_SECONDS=12 is the test-only absence window (organizations configure whole minutes).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findSharedDir,
  freePort,
  hasBinary,
  hasGstRtsp,
  makeFaceVideo,
  startFakeGraphApi,
  startRtspCamera,
  waitFor,
  type FakeGraphApi,
  type RtspCamera,
} from '@hadir/testing';
import type { Alert, PresenceList } from '@hadir/contracts';
import { HadirProcess, HttpClient } from './hadir-process.js';

const shared = findSharedDir();
const PERSON = 'Colin_Powell';
const personDir = path.join(shared.dataDir, 'faces', PERSON);
const skip =
  [
    hasBinary('ffmpeg').ok ? null : 'ffmpeg missing',
    hasGstRtsp().ok ? null : 'gst-rtsp-server missing',
    fs.existsSync(path.join(shared.modelsDir, 'foamliu_mobilefacenet/MobileFaceNet.onnx'))
      ? null
      : 'models missing',
    fs.existsSync(personDir) ? null : `LFW photos missing (${personDir})`,
  ].find((r) => r !== null) ?? null;
if (skip) console.warn(`[skip] presence e2e: ${skip}`);

const ABSENT_AFTER_S = 12;
const ALL_DAY = { start: '00:00', end: '00:00' };

describe.skipIf(skip !== null)('presence end to end (RTSP → recognition → absence → WhatsApp)', () => {
  let work: string;
  let camera: RtspCamera;
  let videoPath: string;
  let graph: FakeGraphApi;
  let hadir: HadirProcess;
  const http = new HttpClient(() => hadir.url);
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-e2e-'));
    // The person for ~10 s, then an empty scene for 2 minutes (so the loop does not bring them back).
    const blank = path.join(work, 'blank.jpg');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=250x250',
      '-frames:v',
      '1',
      blank,
    ]);
    const photos = [2, 3, 4, 5, 6].map((n) =>
      path.join(personDir, `${PERSON}_${String(n).padStart(4, '0')}.jpg`),
    );
    const video = await makeFaceVideo({
      photos: [...photos, ...Array<string>(60).fill(blank)],
      secondsPerPhoto: 2,
      out: path.join(work, 'person.mp4'),
      width: 640,
      height: 480,
      fps: 5,
    });
    videoPath = video.path;
    graph = await startFakeGraphApi({ accessToken: 'e2e-token' });
    hadir = new HadirProcess(
      await freePort(),
      {
        HADIR_MODELS_DIR: shared.modelsDir,
        HADIR_CAMERA_CONFIG_DIR: path.join(work, 'camera_config'),
        HADIR_SECRET_KEY: 'e2e-secret-key-e2e-secret-key-0123456789',
        HADIR_ABSENT_AFTER_SECONDS: String(ABSENT_AFTER_S),
        HADIR_PRESENCE_TICK_MS: '500',
        HADIR_JOB_POLL_MS: '200',
        LOG_LEVEL: 'info',
        DATABASE_URL: '',
      },
      path.join(work, 'data'),
    );
    timings.bootMs = await hadir.start();
  });

  afterAll(async () => {
    await hadir?.stop();
    await camera?.stop();
    await graph?.close();
    console.log('[e2e timings]', JSON.stringify(timings));
    const log = hadir
      ?.tail(400)
      .split('\n')
      .filter((l) => !/"(incoming request|request completed)"/.test(l));
    if (log)
      console.log(
        '[hadir log]\n' +
          log
            .slice(-25)
            .map((l) => l.slice(0, 400))
            .join('\n'),
      );
    if (work && process.env.HADIR_E2E_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
  });

  it('recognizes, alerts exactly once, and survives SIGKILL restarts', async () => {
    const setup = await http.req<{ activeOrganizationId: string }>('POST', '/api/setup', {
      organization: { name: 'PT Maju Jaya', timeZone: 'Asia/Jakarta', locale: 'id' },
      admin: { name: 'Ani Admin', email: 'ani@maju.test', password: 'correct-horse-battery' },
    });
    expect(setup.status).toBe(200);
    const days = {
      mon: ALL_DAY,
      tue: ALL_DAY,
      wed: ALL_DAY,
      thu: ALL_DAY,
      fri: ALL_DAY,
      sat: ALL_DAY,
      sun: ALL_DAY,
    };
    expect((await http.req('PATCH', '/api/organization', { settings: { workingHours: days } })).status).toBe(
      200,
    );

    const channel = await http.req('POST', '/api/notification-channels', {
      name: 'WhatsApp',
      type: 'whatsapp_cloud',
      isDefault: true,
      settings: { baseUrl: graph.baseUrl, phoneNumberId: '1234567890', timeoutMs: 2000 },
      secrets: { accessToken: 'e2e-token' },
    });
    expect(channel.status).toBe(201);

    const sup = await http.req<{ id: string }>('POST', '/api/employees', {
      employeeCode: 'SPV01',
      name: 'Andi Wijaya',
      whatsapp: '+6281200000001',
    });
    expect(sup.status).toBe(201);
    const emp = await http.req<{ id: string }>('POST', '/api/employees', {
      employeeCode: 'EMP001',
      name: 'Colin Powell',
      supervisorId: sup.json.id,
    });
    expect(emp.status).toBe(201);

    // Enrolled from photo 0001; the camera shows photos 0002–0006.
    const form = new FormData();
    const enrolPhoto = fs.readFileSync(path.join(personDir, `${PERSON}_0001.jpg`));
    form.append('photo', new Blob([enrolPhoto], { type: 'image/jpeg' }), `${PERSON}_0001.jpg`);
    const enrol = await http.req('POST', `/api/employees/${emp.json.id}/faces`, form);
    expect(enrol.status, JSON.stringify(enrol.json)).toBe(200);

    // The stream starts with the person (a camera started earlier would be somewhere in the blank part).
    camera = await startRtspCamera({ video: videoPath });
    const cameraAt = Date.now();
    const cam = await http.req('POST', '/api/cameras', {
      id: 'gudang-a',
      name: 'Camera Gudang A',
      source: camera.url,
      analysisFps: 2,
      minFacePx: 40,
    });
    expect(cam.status, JSON.stringify(cam.json)).toBe(201);

    const presenceOf = async () => {
      const r = await http.req<PresenceList>('GET', '/api/presence?q=EMP001');
      return r.json.items[0];
    };
    const seen = await waitFor(
      async () => {
        const p = await presenceOf();
        return p?.state === 'available' ? p : null;
      },
      { timeoutMs: 120_000, intervalMs: 250, message: 'EMP001 available' },
    );
    timings.cameraToAvailableMs = Date.now() - cameraAt;
    expect(seen.lastCameraName).toBe('Camera Gudang A');
    expect(seen.lastSeenAt).not.toBeNull();

    // Kill Hadir mid-stay/absence and bring it back on the same data dir.
    await new Promise((r) => setTimeout(r, 4000));
    await hadir.kill9();
    timings.restart1Ms = await hadir.start();

    const alertText = /^\[ALERT\] EMP001 - Colin Powell keluar dari Camera Gudang A sejak \d+ (detik|menit)/;
    // The first alert message (a run that crosses 18:00 in Jakarta also gets the daily report meanwhile).
    const first = await waitFor(() => graph.messages.find((m) => alertText.test(m.text)) ?? null, {
      timeoutMs: 150_000,
      intervalMs: 250,
      message: 'one WhatsApp alert',
    });
    const p = await presenceOf();
    if (p?.lastSeenAt) timings.lastSeenToWhatsAppMs = Date.now() - Date.parse(p.lastSeenAt);
    expect(first.to).toBe('6281200000001');
    expect(first.text).toMatch(alertText);
    expect((await presenceOf())?.state).toBe('off');

    // Kill again after the alert: still exactly one alert and one message.
    await hadir.kill9();
    timings.restart2Ms = await hadir.start();
    await new Promise((r) => setTimeout(r, 8000));
    expect(graph.messages.filter((m) => alertText.test(m.text))).toHaveLength(1);
    const alerts = await http.req<{ items: Alert[] }>('GET', '/api/alerts?scope=all&kind=absence');
    expect(alerts.json.items).toHaveLength(1);
    expect(alerts.json.items[0]).toMatchObject({ status: 'open', employeeCode: 'EMP001' });

    // The alert links how the person was last seen. After a SIGKILL the in-memory last face is gone, so
    // it is the snapshot of their last presence interval (a picture of them, never of someone else).
    const db = new Database(path.join(hadir.dataDir, 'hadir.sqlite'), { readonly: true });
    try {
      const row = db
        .prepare(
          `select s.kind, s.employee_id as employeeId, s.face_path as facePath from alerts a
           join snapshots s on s.id = a.snapshot_id where a.kind = 'absence'`,
        )
        .get() as { kind: string; employeeId: string; facePath: string } | undefined;
      expect(row).toMatchObject({ employeeId: emp.json.id });
      expect(['presence', 'alert']).toContain(row?.kind);
      expect(fs.statSync(path.join(hadir.dataDir, row?.facePath ?? 'missing')).size).toBeGreaterThan(500);
    } finally {
      db.close();
    }

    // The inference workers say which execution providers they really run on (once they have loaded:
    // after the second restart they may still be loading on a busy machine).
    const providers = await waitFor(
      async () => {
        const ready = await http.req<{
          checks: { pipeline?: { detail: { executionProviders: string[] | null } } };
        }>('GET', '/readyz');
        return ready.json.checks.pipeline?.detail.executionProviders ?? null;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(providers).toEqual(['cpu']);
  });
});
