// A camera on a lossy network keeps its analysis rate: a real RTSP camera (gst-rtsp-server) in a network
// namespace behind a congested link that drops RTP packets (a tc tbf bottleneck just below the stream's
// peaks), read over UDP by the real FfmpegFrameSource. With wall-clock timestamps and the fps filter
// (the arguments before) ffmpeg delivered ~0.9 fps of 2 here; with stream timestamps and a select on
// stream time, ~1.9.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canMakeLossyLink,
  firstSkipReason,
  hasBinary,
  hasGstRtsp,
  makeLossyLink,
  startRtspCamera,
  type LossyLink,
  type RtspCamera,
} from '@hadir/testing';
import { FfmpegFrameSource } from './ffmpeg-frame-source.js';

const run = promisify(execFile);
const skipReason = firstSkipReason(hasBinary('ffmpeg'), hasGstRtsp(), canMakeLossyLink());
if (skipReason) console.warn(`[skip] lossy RTSP capture: ${skipReason}`);

/** The camera → client link: 2.2 Mbit/s with a 16 KB burst for a 2.5 Mbit/s stream (keyframes overflow it). */
const LINK = { rateKbit: 2200, burstBytes: 16_384, latencyMs: 20 };
const ANALYSIS_FPS = 2;

describe.skipIf(skipReason !== null)('RTSP over UDP on a congested link that drops packets', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-lossy-'));
  let link: LossyLink | undefined;
  let camera: RtspCamera | undefined;

  beforeAll(async () => {
    // Camera-like footage: 1280×720 15 fps H.264 at ~2.5 Mbit/s (sensor noise keeps the bitrate real, so a
    // frame spans ~20 RTP packets), a keyframe every 2 s.
    const video = path.join(work, 'cam.mp4');
    await run('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=15:duration=12',
      '-vf',
      'noise=alls=12:allf=t',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-b:v',
      '2500k',
      '-maxrate',
      '2500k',
      '-bufsize',
      '2500k',
      '-g',
      '30',
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
    link = makeLossyLink(LINK);
    camera = await startRtspCamera({ video, netns: link.netns, address: link.cameraAddress, path: '/lossy' });
  }, 120_000);

  afterAll(async () => {
    await camera?.stop();
    link?.remove();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it(`keeps about ${ANALYSIS_FPS} frames per second`, async () => {
    const source = new FfmpegFrameSource({
      source: camera!.url,
      fps: ANALYSIS_FPS,
      maxWidth: 640,
      rtspTransport: 'udp',
    });
    const times: number[] = [];
    source.start();
    const reader = (async () => {
      for await (const f of source.frames()) times.push(f.capturedAtMs);
    })();
    await new Promise((r) => setTimeout(r, 25_000));
    const status = source.status();
    await source.stop();
    await reader;
    // Measured over the last 15 s (after connecting and the first keyframe).
    const end = times[times.length - 1] ?? 0;
    const inWindow = times.filter((t) => t > end - 15_000).length;
    const fps = inWindow / 15;
    // Evidence that the link really lost packets (else this test would prove nothing).
    const lost = source
      .recentStderr()
      .filter((l) => /RTP: missed|concealing|error while decoding|corrupt/.test(l)).length;
    console.log(`lossy RTSP/UDP: ${fps.toFixed(2)} fps, restarts ${status.restarts}, loss lines ${lost}`);
    expect(lost).toBeGreaterThan(0);
    expect(status.restarts).toBe(0);
    expect(fps).toBeGreaterThanOrEqual(0.9 * ANALYSIS_FPS);
  }, 90_000);
});
