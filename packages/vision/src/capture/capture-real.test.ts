// Real ffmpeg, real video files, a real RTSP camera on loopback (gst-rtsp-server). Skips with the reason
// when ffmpeg, GStreamer's RTSP server or the shared data set is missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
// Tests may use the shared harness (production code may not): the lint rule is meant for src, not tests.
import {
  firstSkipReason,
  freePort,
  hasBinary,
  hasGstRtsp,
  makeCorruptVideo,
  makeTestPatternVideo,
  requireSharedOrSkip,
  startMjpegCamera,
  startRtspCamera,
  titleWithSkip,
  waitFor,
  type RtspCamera,
} from '@hadir/testing';
import { FfmpegFrameSource, type FfmpegFrameSourceOptions } from './ffmpeg-frame-source.js';
import type { CapturedFrame } from './frame-source.js';
import { probeSource } from './probe-source.js';

const VIDEO = requireSharedOrSkip('data', 'videos', 'one-by-one-person-detection.mp4');
const videoPath = VIDEO.ok ? VIDEO.path : '';
const ffmpegSkip = firstSkipReason(hasBinary('ffmpeg'), VIDEO);
const rtspSkip = ffmpegSkip ?? firstSkipReason(hasGstRtsp());

const tmp = mkdtempSync(join(tmpdir(), 'hadir-capture-'));
const sources: FfmpegFrameSource[] = [];
const cameras: RtspCamera[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  await Promise.all(cameras.splice(0).map((c) => c.stop()));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function open(options: FfmpegFrameSourceOptions): FfmpegFrameSource {
  const s = new FfmpegFrameSource(options);
  sources.push(s);
  s.start();
  return s;
}

/** Reads n frames, handing each to `work` (which may be slow). */
async function take(
  source: FfmpegFrameSource,
  n: number,
  work?: () => Promise<void>,
): Promise<CapturedFrame[]> {
  const out: CapturedFrame[] = [];
  for await (const f of source.frames()) {
    out.push(f);
    if (out.length >= n) break;
    if (work !== undefined) await work();
  }
  return out;
}

const fastRetry = { backoff: { initialDelayMs: 200, maxDelayMs: 1000, factor: 2, jitter: 0.2 } };

describe.skipIf(ffmpegSkip !== null)(titleWithSkip('capture from a video file', ffmpegSkip), () => {
  it('gets frames of the right size at about the analysis rate', async () => {
    const source = open({ source: videoPath, fps: 5 });
    const frames = await take(source, 12);
    expect(frames.every((f) => f.width === 768 && f.height === 432 && f.data.length === 768 * 432 * 3)).toBe(
      true,
    );
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // Frames 2..12 are 10 intervals of 200 ms (the first ones may come in a burst at start).
    const span = (frames[11]?.capturedAtMs ?? 0) - (frames[1]?.capturedAtMs ?? 0);
    expect(span).toBeGreaterThan(1500);
    expect(span).toBeLessThan(3500);
    const st = source.status();
    expect(st.measuredFps).toBeGreaterThan(3.5);
    expect(st.measuredFps).toBeLessThan(7);
    expect(st.state).toBe('online');
    console.info(`file: first frame ${st.firstFrameLatencyMs} ms, ${st.measuredFps} fps (target 5)`);
  });

  it('scales down to maxWidth keeping the aspect ratio', async () => {
    const [frame] = await take(open({ source: videoPath, fps: 2, maxWidth: 320 }), 1);
    expect([frame?.width, frame?.height]).toEqual([320, 180]);
  });

  it('drops and counts stale frames for a slow consumer, with bounded memory', async () => {
    const source = open({ source: videoPath, fps: 10, queueCapacity: 1 });
    const before = process.memoryUsage().arrayBuffers;
    const frames = await take(source, 6, () => new Promise((r) => setTimeout(r, 400)));
    const st = source.status();
    expect(frames).toHaveLength(6);
    expect(st.framesDropped).toBeGreaterThan(5);
    expect(st.queueDepth).toBeLessThanOrEqual(1);
    expect(st.framesReceived).toBeGreaterThanOrEqual(st.framesAnalyzed + st.framesDropped);
    expect(st.state).toBe('degraded');
    // ~20 frames of 1 MB were decoded; only the queued one and the latest stay referenced.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    // The consumer got fresh frames: consecutive ones are several decoded frames apart.
    const gaps = frames.slice(1).map((f, i) => f.seq - (frames[i]?.seq ?? 0));
    expect(Math.max(...gaps)).toBeGreaterThan(2);
  });

  it('a corrupt file gives a clear error and restarts with backoff, without crashing', async () => {
    const random = makeCorruptVideo({ out: join(tmp, 'random.mp4'), kind: 'random' });
    // An mp4 with its index (moov) at the end, cut in half: the index is gone.
    const whole = await makeTestPatternVideo({ out: join(tmp, 'pattern.mp4'), seconds: 2 });
    const truncated = makeCorruptVideo({ out: join(tmp, 'truncated.mp4'), kind: 'truncated', from: whole });
    const a = open({ source: random, fps: 2, ...fastRetry });
    const b = open({ source: truncated, fps: 2, ...fastRetry });
    await waitFor(() => a.status().restarts >= 2 && b.status().restarts >= 2, { timeoutMs: 15_000 });
    expect(a.status().state).toBe('offline');
    expect(a.status().lastError).toMatch(/^Invalid data found when processing input/);
    expect(b.status().state).toBe('offline');
    expect(b.status().lastError).toMatch(/moov atom not found/);
    expect(a.status().framesReceived + b.status().framesReceived).toBe(0);
  });

  it('reads an HTTP MJPEG camera', async () => {
    const cam = await startMjpegCamera({ video: videoPath });
    try {
      const source = open({ source: cam.url, fps: 2 });
      const frames = await take(source, 3);
      expect(frames.map((f) => f.data.length)).toEqual([768 * 432 * 3, 768 * 432 * 3, 768 * 432 * 3]);
      console.info(`mjpeg: time to first frame ${source.status().firstFrameLatencyMs} ms`);
    } finally {
      await cam.stop();
    }
  });

  it('probeSource reports size and codec, or a readable error', async () => {
    const ok = await probeSource(videoPath, 10_000);
    expect(ok).toMatchObject({ ok: true, codec: 'h264', width: 768, height: 432, fps: 10 });
    const refused = await probeSource(`rtsp://127.0.0.1:${await freePort()}/cam`, 10_000);
    expect(refused).toMatchObject({ ok: false, error: 'Connection refused' });
    const garbage = makeCorruptVideo({ out: join(tmp, 'garbage.mp4'), kind: 'random' });
    const bad = await probeSource(garbage, 10_000);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^Invalid data found when processing input/);
    expect(await probeSource(join(tmp, 'missing.mp4'), 10_000)).toMatchObject({
      ok: false,
      error: 'No such file or directory',
    });
  });
});

describe.skipIf(rtspSkip !== null)(titleWithSkip('capture over RTSP (loopback camera)', rtspSkip), () => {
  it('a wrong URL goes offline with a readable error and backs off', async () => {
    const port = await freePort();
    const source = open({ source: `rtsp://127.0.0.1:${port}/cam`, fps: 2, ...fastRetry });
    await waitFor(() => source.status().restarts >= 3, { timeoutMs: 10_000 });
    const st = source.status();
    expect(st).toMatchObject({ state: 'offline', lastError: 'Connection refused', framesReceived: 0 });
    // The gaps between attempts grow (200, 400, 800 ms ± 20 %), so 3 restarts take over ~0.8 s.
    expect(source.recentStderr().join('\n')).toContain('Connection refused');
  });

  it('frames arrive from a real camera; a wrong path says 404', async () => {
    const cam = await startRtspCamera({ video: videoPath });
    cameras.push(cam);
    const source = open({ source: cam.url, fps: 2 });
    const frames = await take(source, 3);
    expect(frames.map((f) => [f.width, f.height])).toEqual([
      [768, 432],
      [768, 432],
      [768, 432],
    ]);
    const st = source.status();
    expect(st.firstFrameLatencyMs).toBeLessThan(10_000);
    console.info(`rtsp: time to first frame ${st.firstFrameLatencyMs} ms, ${st.measuredFps} fps (target 2)`);

    const wrong = open({ source: cam.url.replace('/cam', '/nope'), fps: 2, ...fastRetry });
    await waitFor(() => wrong.status().restarts >= 1, { timeoutMs: 10_000 });
    expect(wrong.status().lastError).toBe('404 Not Found (wrong stream path?)');
    expect((await probeSource(cam.url, 10_000)).ok).toBe(true);
  });

  it('a camera that freezes goes offline, then comes back online by itself', async () => {
    const cam = await startRtspCamera({ video: videoPath });
    cameras.push(cam);
    const source = open({
      source: cam.url,
      fps: 2,
      stallTimeoutMs: 3000,
      startTimeoutMs: 6000,
      degradedWindowMs: 1500,
      ...fastRetry,
    });
    const seen: string[] = [];
    source.onStatus((s) => seen.push(s.state));
    const consuming = (async () => {
      for await (const _frame of source.frames()) {
        // keep up
      }
    })();
    await waitFor(() => source.status().state === 'online', { timeoutMs: 15_000, message: 'online' });

    await cam.stopFeed();
    const stoppedAt = Date.now();
    await waitFor(() => source.status().state === 'offline', { timeoutMs: 10_000, message: 'offline' });
    // The watchdog (1 s tick) then kills the stalled ffmpeg and says why.
    await waitFor(() => source.status().lastError, { timeoutMs: 5000, message: 'a stall error' });
    const offlineAfterMs = Date.now() - stoppedAt;
    expect(source.status().lastError).toMatch(/no frames for 3 s \(stalled\)|no frame within/);

    await cam.resumeFeed();
    const resumedAt = Date.now();
    const before = source.status().framesReceived;
    await waitFor(() => source.status().framesReceived > before, {
      timeoutMs: 20_000,
      message: 'frames again',
    });
    await waitFor(() => source.status().state === 'online', { timeoutMs: 5000, message: 'online again' });
    console.info(
      `rtsp drop: offline ${offlineAfterMs} ms after the feed stopped; online ${Date.now() - resumedAt} ms after it resumed; restarts ${source.status().restarts}`,
    );
    expect(seen).toContain('offline');
    expect(seen.at(-1)).toBe('online');
    await source.stop();
    await consuming;
  });
});
