// The edge box's side (issue 15), medium tier: its local store (sealed credential and config, the
// ordered queue that survives a restart) and its pusher against a real hub over real HTTP, the hub
// away and back. The camera pipeline of the box is the hub's own CameraRunner (tested there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hadir/testing';
import type { EdgeEnrolCode } from '@hadir/contracts';
import { EdgePusher } from '../src/edge/edge-pusher.js';
import { EdgeStore } from '../src/edge/edge-store.js';
import { HubClient, HubRefused } from '../src/edge/hub-client.js';
import { EnvError, parseEnv } from '../src/platform/config/env.js';
import { SecretBox } from '../src/platform/crypto/secret-box.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { setupOrganization, startTestServer, type Client, type TestServer } from './support.js';
import { addEmployee } from './presence-fixtures.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('the edge box: store and forward', () => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let hubUrl: string;
  let work: string;
  let budi: string;
  const box = new SecretBox('edge-box-secret-edge-box-secret-0123456789');
  const log = createLogger('silent');

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-edge-box-'));
    t = await startTestServer('sqlite', { HADIR_FACE_PACK: 'off' });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    budi = await addEmployee(t.server, orgId, { code: 'EMP001', name: 'Budi Santoso' });
    const cam = await admin.post('/api/cameras', {
      id: 'gudang-a',
      name: 'Camera Gudang A',
      source: 'rtsp://admin:kamera-rahasia@10.20.0.2:8554/cam',
    });
    expect(cam.statusCode, cam.body).toBe(201);
    hubUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('enrols, keeps its credential and config sealed, and its queue across a restart', async () => {
    const created = (await admin.post('/api/edges', { name: 'Gudang edge' })).json<EdgeEnrolCode>();
    const hub = new HubClient(hubUrl);
    const enrolled = await hub.enrol(created.enrolCode, 'box-1');
    await expect(hub.enrol(created.enrolCode, 'box-2')).rejects.toBeInstanceOf(HubRefused);
    const file = path.join(work, 'edge.sqlite');
    let store = new EdgeStore(file, box);
    store.saveEnrolment({ ...enrolled });
    hub.credential = enrolled.credential;
    const config = await hub.config(null);
    expect(config?.cameras.map((c) => c.id)).toEqual(['gudang-a']);
    store.saveConfig(config!);
    expect(await hub.config(config!.version)).toBeNull();
    const now = t.clock.nowMs();
    const seqs = [
      store.enqueue(
        {
          kind: 'camera_health',
          cameraId: 'gudang-a',
          observedAt: iso(now),
          status: {
            cameraId: 'gudang-a',
            state: 'online',
            targetFps: 5,
            measuredFps: 5,
            framesAnalyzed: 1,
            framesDropped: 0,
            lastFrameAt: iso(now),
            lastError: null,
            restarts: 0,
          },
        },
        now,
      ),
      store.enqueue(
        {
          kind: 'sighting',
          cameraId: 'gudang-a',
          employeeId: budi,
          firstAt: iso(now - 2000),
          lastAt: iso(now - 1000),
          count: 2,
          cosineSimilarity: 0.6,
          trackId: 'gudang-a:1',
        },
        now,
      ),
    ];
    expect(seqs[1]).toBeGreaterThan(seqs[0]!);
    store.close();

    // A restart: everything is still there, and nothing secret is readable in the file.
    store = new EdgeStore(file, box);
    expect(store.depth()).toBe(2);
    expect(store.peek(10).map((i) => i.seq)).toEqual(seqs);
    expect(store.enrolment()?.credential).toBe(enrolled.credential);
    expect(store.config()?.version).toBe(config!.version);
    const bytes =
      fs.readFileSync(file).toString('latin1') +
      (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
    expect(bytes).not.toContain(enrolled.credential);
    expect(bytes).not.toContain('kamera-rahasia');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    // The hub away: nothing is deleted, the pusher keeps trying.
    const away = new HubClient('http://127.0.0.1:9');
    away.credential = enrolled.credential;
    const cut = new EdgePusher(store, away, t.clock, log, 200);
    cut.start();
    await waitFor(() => cut.lastError !== null, { timeoutMs: 10_000, message: 'a failed push' });
    await cut.stop();
    expect(store.depth()).toBe(2);

    // The hub back: the queue drains in order, and what the hub stored is there once.
    const pusher = new EdgePusher(store, hub, t.clock, log, 200);
    pusher.start();
    await waitFor(() => store.depth() === 0, { timeoutMs: 10_000, message: 'queue drained' });
    await pusher.stop();
    const stays = await t.server.ctx.db
      .selectFrom('presenceIntervals')
      .select(['startedAt', 'lastSeenTs', 'sightings'])
      .where('employeeId', '=', budi)
      .execute();
    expect(stays).toEqual([{ startedAt: now - 2000, lastSeenTs: now - 1000, sightings: 2 }]);
    const edge = await t.server.ctx.db
      .selectFrom('edges')
      .select(['lastSeq', 'queueDepth'])
      .where('id', '=', enrolled.edgeId)
      .executeTakeFirstOrThrow();
    expect(Number(edge.lastSeq)).toBe(seqs[1]);

    // Revoked: the box is refused and keeps its queue.
    expect((await admin.post(`/api/edges/${enrolled.edgeId}/revoke`)).statusCode).toBe(200);
    store.enqueue(
      {
        kind: 'sighting',
        cameraId: 'gudang-a',
        employeeId: budi,
        firstAt: iso(now),
        lastAt: iso(now),
        count: 1,
        cosineSimilarity: 0.6,
        trackId: null,
      },
      now,
    );
    const refused = new EdgePusher(store, hub, t.clock, log, 200);
    refused.start();
    await waitFor(() => refused.lastError?.includes('401') ?? false, {
      timeoutMs: 10_000,
      message: 'refused',
    });
    await refused.stop();
    expect(store.depth()).toBe(1);
    store.close();
  });

  it('starts as an edge box only alone, with a hub', () => {
    const env = parseEnv({}, [
      '--roles',
      'edge',
      '--hub',
      'https://hub.example',
      '--enrol-code=ABCD-EFGH-JKLM',
    ]);
    expect(env.HADIR_ROLES).toEqual(['edge']);
    expect(env.HADIR_HUB_URL).toBe('https://hub.example');
    expect(env.HADIR_ENROL_CODE).toBe('ABCD-EFGH-JKLM');
    expect(() => parseEnv({}, ['--roles', 'edge,api', '--hub', 'https://hub.example'])).toThrow(
      /edge runs alone/,
    );
    expect(() => parseEnv({}, ['--roles', 'edge'])).toThrow(EnvError);
  });
});
