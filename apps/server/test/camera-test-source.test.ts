// Issue 14 #5: "Test source" shows the frame it decoded and warns when a stream is below what
// recognition needs (720p, 10 fps). Real RTSP cameras on loopback, real ffmpeg, through the route (and so
// through the outbound-target policy the form's test uses).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraTestSourceResponse } from '@hadir/contracts';
import {
  hasBinary,
  hasGstRtsp,
  makeTestPatternVideo,
  startRtspCamera,
  type RtspCamera,
} from '@hadir/testing';
import { decodeImage } from '@hadir/vision';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';

const skip = !hasBinary('ffmpeg').ok ? 'ffmpeg missing' : !hasGstRtsp().ok ? 'gst-rtsp-server missing' : null;
if (skip) console.warn(`[skip] camera test-source preview test: ${skip}`);

describe.skipIf(skip !== null).each(await dialects())('camera "Test source" (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let work: string;
  let good: RtspCamera;
  let poor: RtspCamera;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-test-source-'));
    const [hd, low] = await Promise.all([
      makeTestPatternVideo({ out: path.join(work, 'hd.mp4'), seconds: 6, width: 1280, height: 720, fps: 15 }),
      makeTestPatternVideo({ out: path.join(work, 'low.mp4'), seconds: 6, width: 640, height: 360, fps: 5 }),
    ]);
    [good, poor] = await Promise.all([
      startRtspCamera({ video: hd, path: '/main' }),
      startRtspCamera({ video: low, path: '/sub' }),
    ]);
    t = await startTestServer(dialect, { HADIR_FACE_PACK: 'off' });
    ({ client: admin } = await setupOrganization(t.app));
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await good?.stop();
    await poor?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const test = async (source: string) => {
    const res = await admin.post('/api/cameras/test-source', { source, rtspTransport: 'tcp' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<CameraTestSourceResponse>();
  };

  it('a 720p 15 fps stream: a decodable JPEG preview, no warning', async () => {
    const r = await test(good.url);
    if (!r.ok) throw new Error(r.error);
    expect(r).toMatchObject({ width: 1280, height: 720, warnings: [] });
    expect(r.previewJpeg).toMatch(/^data:image\/jpeg;base64,/);
    const jpeg = Buffer.from(r.previewJpeg!.split(',')[1]!, 'base64');
    const frame = await decodeImage(jpeg);
    // Scaled down to a form thumbnail, same aspect.
    expect(frame.width).toBe(640);
    expect(frame.height).toBe(360);
  }, 30_000);

  it('a 360p 5 fps stream: warnings with the measured values and why', async () => {
    const r = await test(poor.url);
    if (!r.ok) throw new Error(r.error);
    expect(r.previewJpeg).toMatch(/^data:image\/jpeg;base64,/);
    expect(r.warnings.map((w) => w.code)).toEqual(['low_resolution', 'low_fps']);
    expect(r.warnings[0]).toMatchObject({ measured: 360, minimum: 720, recommended: 1080 });
    expect(r.warnings[0]!.message).toMatch(/640×360.*40 px/);
    expect(r.warnings[1]).toMatchObject({ measured: 5, minimum: 10, recommended: 15 });
    expect(r.warnings[1]!.message).toMatch(/5 fps/);
  }, 30_000);

  it('a refused source never runs ffmpeg and a dead one has no preview', async () => {
    const refused = await admin.post('/api/cameras/test-source', { source: 'gopher://127.0.0.1:70/x' });
    expect(refused.statusCode).toBe(400);
    const dead = await test('rtsp://127.0.0.1:1/none');
    expect(dead).toMatchObject({ ok: false });
    expect(dead).not.toHaveProperty('previewJpeg');
  }, 30_000);
});
