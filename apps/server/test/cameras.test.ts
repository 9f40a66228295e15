import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary, makeCorruptVideo, waitFor } from '@hadir/testing';
import type { CameraView } from '@hadir/contracts';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';

const ffmpeg = hasBinary('ffmpeg');

function writeCamera(t: TestServer, id: string, json: unknown): void {
  const dir = path.join(t.server.ctx.env.cameraConfigDir, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), typeof json === 'string' ? json : JSON.stringify(json));
}

describe.each(await dialects())('cameras (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  const cameras = async () => (await admin.get('/api/cameras')).json<CameraView[]>();
  const camera = async (id: string) => (await cameras()).find((c) => c.id === id);

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
  });
  afterAll(async () => {
    await t.server.modules.cameras.stop();
    await t?.close();
  });

  it('loads camera files; an invalid one is reported with the field to fix and the others still load', async () => {
    writeCamera(t, 'gudang-a', { name: 'Camera Gudang A', source: 'rtsp://user:secret@127.0.0.1:1/cam' });
    writeCamera(t, 'lobby', { name: 'Lobby', source: 'rtsp://127.0.0.1:1/lobby', analysisFps: 60 });
    writeCamera(t, 'broken', '{ "name": "Broken", ');
    await t.server.modules.cameras.start();
    const list = await cameras();
    expect(list.map((c) => c.id).sort()).toEqual(['broken', 'gudang-a', 'lobby']);
    const good = list.find((c) => c.id === 'gudang-a');
    expect(good).toMatchObject({
      valid: true,
      name: 'Camera Gudang A',
      source: 'rtsp://user:***@127.0.0.1:1/cam',
    });
    expect(JSON.stringify(list)).not.toContain('secret');
    const lobby = list.find((c) => c.id === 'lobby');
    expect(lobby?.valid).toBe(false);
    expect(lobby?.issues).toEqual(['camera "lobby": analysisFps: must be ≤ 30 (got 60)']);
    expect(lobby?.status.state).toBe('offline');
    expect(list.find((c) => c.id === 'broken')?.issues[0]).toMatch(/not valid JSON/);
  });

  it('picks up added, changed and removed files without a restart (watcher)', async () => {
    writeCamera(t, 'dock', { name: 'Dock', source: 'rtsp://127.0.0.1:1/dock' });
    await waitFor(async () => (await camera('dock'))?.name === 'Dock', {
      timeoutMs: 8000,
      message: 'dock added',
    });
    writeCamera(t, 'dock', { name: 'Dock 2', source: 'rtsp://127.0.0.1:1/dock' });
    await waitFor(async () => (await camera('dock'))?.name === 'Dock 2', {
      timeoutMs: 8000,
      message: 'dock changed',
    });
    fs.rmSync(path.join(t.server.ctx.env.cameraConfigDir, 'dock'), { recursive: true });
    await waitFor(async () => (await camera('dock')) === undefined, {
      timeoutMs: 8000,
      message: 'dock removed',
    });
  });

  it('the API writes the same file (atomically) and validates first', async () => {
    const bad = await admin.post('/api/cameras', { id: 'gate', name: 'Gate', source: 'ftp://x/y' });
    expect(bad.statusCode).toBe(400);
    const res = await admin.post('/api/cameras', {
      id: 'gate',
      name: 'Gate',
      source: 'rtsp://127.0.0.1:1/gate',
    });
    expect(res.statusCode).toBe(201);
    // Camera ids are per organization: the API writes camera_config/<organization id>/<id>/config.json.
    const file = path.join(t.server.ctx.env.cameraConfigDir, orgId, 'gate', 'config.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ id: 'gate', name: 'Gate' });
    expect(
      (await admin.post('/api/cameras', { id: 'gate', name: 'x', source: 'rtsp://h/p' })).statusCode,
    ).toBe(409);
    const patched = await admin.patch('/api/cameras/gate', { analysisFps: 1, name: 'Gate 1' });
    expect(patched.json<CameraView>()).toMatchObject({ name: 'Gate 1', analysisFps: 1 });
    const invalid = await admin.patch('/api/cameras/gate', { analysisFps: 100 });
    expect(invalid.statusCode).toBe(400);
    expect((await admin.delete('/api/cameras/gate')).statusCode).toBe(200);
    expect(fs.existsSync(file)).toBe(false);
    expect((await admin.get('/api/cameras/gate')).statusCode).toBe(404);
  });

  it.skipIf(!ffmpeg.ok)('test-source gives a readable error for a wrong URL', async () => {
    const res = await admin.post('/api/cameras/test-source', { source: 'rtsp://127.0.0.1:1/none' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ ok: boolean; error?: string }>();
    expect(body.ok).toBe(false);
    expect(body.error).toMatch(/refused/i);
  });

  it.skipIf(!ffmpeg.ok)(
    'pipeline: a wrong URL and a corrupt file go offline with a readable error; a removed camera stops',
    async () => {
      // File sources play only from the organization's media folder.
      const media = t.server.modules.cameras.mediaDirOf(orgId);
      fs.mkdirSync(media, { recursive: true });
      makeCorruptVideo({ out: path.join(media, 'corrupt.mp4'), kind: 'random' });
      writeCamera(t, 'corrupt', { name: 'Corrupt', source: 'corrupt.mp4' });
      const stop = await t.server.modules.pipeline.start(new Set(['pipeline']));
      try {
        await t.server.modules.cameras.rescan();
        await waitFor(() => t.server.modules.pipeline.runningCameras.includes('corrupt'), {
          timeoutMs: 5000,
        });
        const wrong = await waitFor(
          async () => {
            const c = await camera('gudang-a');
            return c?.status.state === 'offline' && c.status.lastError ? c : null;
          },
          { timeoutMs: 20_000, message: 'wrong URL reported offline' },
        );
        expect(wrong.status.lastError).toMatch(/refused/i);
        const bad = await waitFor(
          async () => {
            const c = await camera('corrupt');
            return c?.status.lastError ? c : null;
          },
          { timeoutMs: 20_000, message: 'corrupt file reported' },
        );
        expect(bad.status.state).not.toBe('online');
        expect(bad.status.lastError).toMatch(/invalid|corrupt|decod|format|found/i);
        // The invalid camera never runs; the others do.
        expect(t.server.modules.pipeline.runningCameras).not.toContain('lobby');

        fs.rmSync(path.join(t.server.ctx.env.cameraConfigDir, 'corrupt'), { recursive: true });
        await waitFor(() => !t.server.modules.pipeline.runningCameras.includes('corrupt'), {
          timeoutMs: 8000,
          message: 'removed camera stopped',
        });
        expect(t.server.modules.pipeline.runningCameras).toContain('gudang-a');
      } finally {
        await stop();
      }
    },
    60_000,
  );
});
