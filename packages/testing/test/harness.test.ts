import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findSharedDir,
  firstSkipReason,
  freePort,
  hasBinary,
  hasGstRtsp,
  makeCorruptVideo,
  makeFaceVideo,
  requireSharedOrSkip,
  startRtspCamera,
  titleWithSkip,
  waitFor,
} from '../src/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'hadir-testing-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Reads `count` RGB frames from a URL with ffmpeg; resolves with the byte count and the time taken. */
function grabFrames(url: string, count: number, timeoutMs = 20_000): Promise<{ bytes: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      ['-loglevel', 'error']
        .concat(
          url.startsWith('rtsp:')
            ? ['-rtsp_transport', 'tcp', '-probesize', '32', '-analyzeduration', '1']
            : [],
        )
        .concat(['-i', url])
        .concat(['-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let bytes = 0;
    let err = '';
    child.stdout.on('data', (c: Buffer) => (bytes += c.length));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ bytes, ms: Date.now() - started });
      else reject(new Error(`ffmpeg ${String(code)}: ${err}`));
    });
  });
}

describe('helpers', () => {
  it('freePort gives distinct usable ports', async () => {
    const a = await freePort();
    expect(a).toBeGreaterThan(1024);
  });

  it('waitFor returns the value or times out naming what it waited for', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : false), { intervalMs: 5 })).toBe(3);
    await expect(
      waitFor(() => false, { timeoutMs: 50, intervalMs: 10, message: 'the moon' }),
    ).rejects.toThrow(/timed out after 50 ms: the moon/);
  });

  it('findSharedDir honours the env and skip checks explain themselves', () => {
    const dirs = findSharedDir({ HADIR_TEST_DATA_DIR: '/x/data' });
    expect(dirs.dataDir).toBe('/x/data');
    expect(dirs.modelsDir).toMatch(/shared[/\\]models$/);
    const missing = requireSharedOrSkip('data', 'no-such-file.mp4');
    expect(missing.ok).toBe(false);
    expect(firstSkipReason(missing)).toMatch(
      /shared data not found: .*no-such-file\.mp4 \(set HADIR_TEST_DATA_DIR\)/,
    );
    expect(hasBinary('surely-not-a-binary-xyz')).toEqual({
      ok: false,
      reason: 'surely-not-a-binary-xyz not found on PATH',
    });
    expect(titleWithSkip('x', 'why')).toBe('x [skipped: why]');
  });
});

const ffmpeg = hasBinary('ffmpeg');
const faces = requireSharedOrSkip('data', 'faces', 'Colin_Powell');
const videoSkip = firstSkipReason(ffmpeg, faces);

describe.skipIf(videoSkip !== null)(titleWithSkip('makeFaceVideo', videoSkip), () => {
  it('encodes real photos into an H.264 mp4 of the requested size', async () => {
    const dir = faces.ok ? faces.path : '';
    const photos = [1, 2, 3].map((i) => join(dir, `Colin_Powell_000${i}.jpg`));
    const out = join(tmp, 'powell.mp4');
    const r = await makeFaceVideo({ photos, secondsPerPhoto: 1, out, width: 320, height: 240, fps: 5 });
    expect(r.frames).toBe(15);
    expect(statSync(out).size).toBeGreaterThan(1000);
    const bytes = await grabFrames(out, 100);
    expect(bytes.bytes).toBe(15 * 320 * 240 * 3);
    expect(
      makeCorruptVideo({ out: join(tmp, 'bad.mp4'), kind: 'truncated', from: out, keepFraction: 0.3 }),
    ).toBe(join(tmp, 'bad.mp4'));
  });
});

const video = requireSharedOrSkip('data', 'videos', 'one-by-one-person-detection.mp4');
const rtspSkip = firstSkipReason(ffmpeg, hasGstRtsp(), video);

describe.skipIf(rtspSkip !== null)(
  titleWithSkip('startRtspCamera (loopback, gst-rtsp-server)', rtspSkip),
  () => {
    it('serves a looping file that a client can pull, freezes and resumes, and cleans up', async () => {
      const cam = await startRtspCamera({ video: video.ok ? video.path : '' });
      try {
        expect(cam.url).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/cam$/);
        const first = await grabFrames(cam.url, 2);
        expect(first.bytes).toBe(2 * 768 * 432 * 3);
        console.info(`RTSP: 2 frames pulled in ${first.ms} ms (connect + first keyframe)`);

        await cam.stopFeed();
        await expect(grabFrames(cam.url, 1, 4000)).rejects.toThrow();
        await cam.resumeFeed();
        const again = await grabFrames(cam.url, 1);
        expect(again.bytes).toBe(768 * 432 * 3);
      } finally {
        await cam.stop();
      }
      // Stopped means stopped: the port refuses connections now.
      await expect(grabFrames(cam.url, 1, 5000)).rejects.toThrow(/Connection refused/);
    });
  },
);
