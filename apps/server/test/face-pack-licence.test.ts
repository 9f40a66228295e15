import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaceEngineInfo } from '@hadir/contracts';
import { findSharedDir } from '@hadir/testing';
import { setupOrganization, startTestServer, type TestServer } from './support.js';

/**
 * Which face pack runs and whether its licence allows commercial use must read the same in the start-up
 * log, on /readyz and in the API the UI shows (the README points at those three).
 */

const shared = findSharedDir();
const INSIGHTFACE_MODELS = fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx'))
  ? null
  : `no InsightFace-based packs at ${shared.modelsDir}`;

type Line = { level: number; msg: string; pack?: string; commercialUse?: boolean; licence?: string };

async function start(env: Record<string, string>): Promise<{ t: TestServer; lines: Line[] }> {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  const t = await startTestServer('sqlite', env, { logger: pino({ level: 'info' }, sink) });
  return { t, lines };
}

async function said(t: TestServer, lines: Line[]) {
  const { client } = await setupOrganization(t.app);
  const info = (await client.get('/api/faces/engine')).json<FaceEngineInfo>();
  const ready = (await t.app.inject({ method: 'GET', url: '/readyz' })).json<{
    checks: {
      faceEngine: { detail: { pack: string; licence: string; commercialUse: boolean; reason: string } };
    };
  }>().checks.faceEngine.detail;
  const log = lines.find((l) => l.pack === info.pack && l.commercialUse !== undefined);
  return { info, ready, log };
}

describe('the active face pack and its licence', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('on a fresh machine: the npm pack, commercial use allowed, in the log, /readyz and the API', async () => {
    const s = await start({});
    t = s.t;
    const { info, ready, log } = await said(t, s.lines);
    expect(info.pack).toBe('blazeface_faceapi');
    expect(info.license?.commercialUse).toBe(true);
    expect(info.reason).toContain('Licence of pack "blazeface_faceapi": Apache-2.0');
    expect(info.reason).toContain('commercial use: allowed.');
    expect(ready).toMatchObject({
      pack: 'blazeface_faceapi',
      commercialUse: true,
      licence: info.license!.name,
    });
    expect(ready.reason).toBe(info.reason);
    expect(log).toMatchObject({
      level: 30,
      commercialUse: true,
      licence: info.license!.name,
      msg: info.reason,
    });
  });

  it.skipIf(INSIGHTFACE_MODELS !== null)(
    `with InsightFace-based packs installed: says commercial use is NOT allowed, as a warning${INSIGHTFACE_MODELS ? ` (skipped: ${INSIGHTFACE_MODELS})` : ''}`,
    async () => {
      const s = await start({ HADIR_MODELS_DIR: shared.modelsDir });
      t = s.t;
      const { info, ready, log } = await said(t, s.lines);
      expect(['blazeface_faceapi', 'faceapi', 'faceapi_tiny']).not.toContain(info.pack);
      expect(info.license?.commercialUse).toBe(false);
      expect(info.reason).toContain('commercial use: NOT allowed.');
      expect(ready).toMatchObject({ pack: info.pack, commercialUse: false, licence: info.license!.name });
      expect(log).toMatchObject({ level: 40, commercialUse: false, msg: info.reason });
    },
  );

  it('a pack forced by HADIR_FACE_PACK states its licence too', async () => {
    const s = await start({ HADIR_FACE_PACK: 'faceapi' });
    t = s.t;
    const { info, log } = await said(t, s.lines);
    expect(info.reason).toMatch(
      /forced by HADIR_FACE_PACK.*Licence of pack "faceapi".*commercial use: allowed\./,
    );
    expect(log?.msg).toBe(info.reason);
  });
});
