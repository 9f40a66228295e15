import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';
import { ManualClock } from './clock.js';
import {
  classifySource,
  ffmpegFrameArgs,
  ffmpegInputArgs,
  OutputSizeParser,
  parseInputVideoStream,
} from './ffmpeg-command.js';
import { FpsMeter } from './fps-meter.js';
import { FrameSplitter } from './frame-splitter.js';
import { LatestFrameQueue } from './latest-frame-queue.js';
import { ManualFrameSource } from './manual-frame-source.js';
import { downscaleRgb, SnapshotKeeper } from './snapshot.js';
import { LineRing, redactUrlCredentials, summarizeFfmpegError } from './stderr-ring.js';

describe('FrameSplitter', () => {
  it('cuts frames exactly, whatever the chunk boundaries', () => {
    const frameBytes = 12;
    const stream = Uint8Array.from({ length: frameBytes * 5 + 7 }, (_, i) => i % 251);
    for (const chunkSize of [1, 5, 12, 13, 29, 100]) {
      const s = new FrameSplitter(frameBytes);
      const frames: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += chunkSize)
        s.push(stream.subarray(i, i + chunkSize), (f) => frames.push(f));
      expect(frames).toHaveLength(5);
      frames.forEach((f, k) =>
        expect([...f]).toEqual([...stream.subarray(k * frameBytes, (k + 1) * frameBytes)]),
      );
      expect(s.pendingBytes).toBe(7);
    }
  });

  it('gives every frame its own buffer', () => {
    const s = new FrameSplitter(2);
    const frames: Uint8Array[] = [];
    s.push(Uint8Array.of(1, 2, 3, 4), (f) => frames.push(f));
    expect(frames[0]?.buffer).not.toBe(frames[1]?.buffer);
  });
});

describe('LatestFrameQueue', () => {
  it('keeps the newest items, drops and counts the rest', async () => {
    const dropped: number[] = [];
    const q = new LatestFrameQueue<number>(2, (n) => dropped.push(n));
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.size).toBe(2);
    expect(q.dropped).toBe(3);
    expect(dropped).toEqual([1, 2, 3]);
    expect(await q.next()).toEqual({ value: 4, done: false });
    expect(await q.next()).toEqual({ value: 5, done: false });
    const pending = q.next();
    q.push(6);
    expect(await pending).toEqual({ value: 6, done: false });
    expect(q.delivered).toBe(3);
  });

  it('ends iteration on close', async () => {
    const q = new LatestFrameQueue<number>(1);
    const seen: number[] = [];
    const loop = (async () => {
      for await (const n of q) seen.push(n);
    })();
    q.push(1);
    await new Promise((r) => setImmediate(r));
    q.close();
    await loop;
    expect(seen).toEqual([1]);
    expect(q.push(2)).toBe(false);
  });
});

describe('Backoff', () => {
  it('grows exponentially to the cap, with bounded jitter, and resets', () => {
    const b = new Backoff({ initialDelayMs: 1000, maxDelayMs: 30_000, factor: 2, jitter: 0.2 }, () => 0.5);
    expect(Array.from({ length: 7 }, () => b.next())).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    b.reset();
    expect(b.next()).toBe(1000);
    const low = new Backoff({ jitter: 0.2 }, () => 0);
    const high = new Backoff({ jitter: 0.2 }, () => 1);
    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1200);
  });
});

describe('ManualClock', () => {
  it('fires timers in due order while advancing', () => {
    const clock = new ManualClock(0);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      log.push(`a@${clock.now()}`);
      clock.setTimeout(() => log.push(`c@${clock.now()}`), 5);
    }, 10);
    const cancelled = clock.setTimeout(() => log.push('never'), 15);
    clock.clearTimeout(cancelled);
    clock.advance(30);
    expect(log).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.now()).toBe(30);
  });
});

describe('FpsMeter', () => {
  it('measures the rate and decays when frames stop', () => {
    const m = new FpsMeter();
    for (let t = 0; t <= 5000; t += 500) m.tick(t);
    expect(m.fps(5000)).toBeCloseTo(2, 5);
    expect(m.fps(15_000)).toBeLessThan(0.5);
  });
});

describe('ffmpeg stderr', () => {
  it('summarizes the usual failures', () => {
    expect(
      summarizeFfmpegError(['[tcp @ 0x1] Connection to tcp://127.0.0.1:1 failed: Connection refused']),
    ).toBe('Connection refused');
    expect(
      summarizeFfmpegError([
        '[rtsp @ 0x55] method DESCRIBE failed: 404 Not Found',
        'rtsp://x/y: Server returned 404 Not Found',
      ]),
    ).toBe('404 Not Found (wrong stream path?)');
    expect(summarizeFfmpegError(['/tmp/x.mp4: Invalid data found when processing input'])).toBe(
      'Invalid data found when processing input',
    );
    expect(
      summarizeFfmpegError([
        '[mov,mp4 @ 0x1] moov atom not found',
        'x.mp4: Invalid data found when processing input',
      ]),
    ).toMatch(/^Invalid data found when processing input/);
    expect(summarizeFfmpegError(['all good'])).toBeNull();
  });

  it('keeps the last lines only, splits on CR and hides credentials', () => {
    const ring = new LineRing(3);
    ring.write('a\nb\r');
    ring.write('c\nd\n');
    ring.write('rtsp://admin:secret@10.0.0.2/h264: Connection refused\n');
    expect(ring.lines()).toEqual(['c', 'd', 'rtsp://***@10.0.0.2/h264: Connection refused']);
    expect(redactUrlCredentials('see http://u:p@h/x and rtsp://h/y')).toBe(
      'see http://***@h/x and rtsp://h/y',
    );
  });

  it('reads the output frame size only from the output section', () => {
    const p = new OutputSizeParser();
    expect(p.feed('  Stream #0:0: Video: rawvideo (YUY2 / 0x32595559), yuyv422, 640x480, 30 fps')).toBeNull();
    expect(p.feed("Output #0, rawvideo, to 'pipe:1':")).toBeNull();
    expect(
      p.feed(
        '  Stream #0:0(eng): Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc, gbr/smpte170m/smpte170m, progressive), 768x432, q=2-31, 15925 kb/s, 2 fps',
      ),
    ).toEqual({ width: 768, height: 432 });
    expect(
      parseInputVideoStream([
        '  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 1200 kb/s, 25 fps, 25 tbr',
      ]),
    ).toEqual({ codec: 'h264', width: 1280, height: 720, fps: 25 });
  });
});

describe('ffmpeg arguments', () => {
  it('decodes only at the analysis rate and size, per source kind', () => {
    const rtsp = ffmpegFrameArgs({ source: 'rtsp://cam/1', fps: 2, maxWidth: 1280 });
    expect(rtsp.join(' ')).toContain('-rtsp_transport tcp -probesize 32 -analyzeduration 1');
    // Stream timestamps and a select on stream time (lossy RTSP kept 0.9 of 2 fps with wall-clock ones).
    expect(rtsp).not.toContain('-use_wallclock_as_timestamps');
    expect(rtsp).toContain(
      "select='isnan(prev_selected_t)+gt(floor(t*2),floor(prev_selected_t*2))+lt(t,prev_selected_t)',scale=w='min(iw,1280)':h=-1:flags=bilinear",
    );
    expect(rtsp.join(' ')).toContain('-vsync 0 -pix_fmt rgb24');
    expect(rtsp.slice(-5)).toEqual(['-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1']);
    expect(
      ffmpegFrameArgs({
        source: 'rtsp://cam/1',
        fps: 2,
        maxWidth: 640,
        rtspTransport: 'udp',
        slowStart: true,
      }).join(' '),
    ).toContain('-rtsp_transport udp+tcp -probesize 5000000 -analyzeduration 5000000');
    const file = ffmpegFrameArgs({ source: '/v/lobby.mp4', fps: 0.2, maxWidth: 640 });
    expect(file.join(' ')).toContain('-re -stream_loop -1 -i file:/v/lobby.mp4');
    expect(file).toContain("fps=0.2,scale=w='min(iw,640)':h=-1:flags=bilinear");
    expect(ffmpegFrameArgs({ source: '/dev/video0', fps: 5, maxWidth: 640 }).join(' ')).toContain(
      '-f v4l2 -i /dev/video0',
    );
    expect(ffmpegFrameArgs({ source: 'http://cam/mjpg', fps: 5, maxWidth: 640 }).join(' ')).toContain(
      '-use_wallclock_as_timestamps 1 -i http://cam/mjpg',
    );
    expect(classifySource('file:///v/a.mp4')).toBe('file');
    expect(ffmpegFrameArgs({ source: 'file:///v/a%20b.mp4', fps: 1, maxWidth: 640 })).toContain(
      'file:/v/a b.mp4',
    );
  });

  it('gives ffmpeg an explicit protocol whitelist per source kind', () => {
    const whitelist = (source: string) => {
      const args = ffmpegInputArgs({ source });
      return args[args.indexOf('-protocol_whitelist') + 1];
    };
    expect(whitelist('rtsp://cam/1')).toBe('rtsp,rtsps,rtp,srtp,udp,tcp,tls');
    expect(whitelist('https://cam/mjpg')).toBe('http,https,tcp,tls');
    expect(whitelist('/dev/video0')).toBe('file');
    expect(whitelist('/v/a.mp4')).toBe('file');
    // A protocol prefix is read as part of a file name, through the file protocol only.
    const args = ffmpegInputArgs({ source: 'async:gopher://127.0.0.1:6379/9/x' });
    expect(whitelist('async:gopher://127.0.0.1:6379/9/x')).toBe('file');
    expect(args.at(-1)).toBe('file:async:gopher://127.0.0.1:6379/9/x');
  });
});

describe('snapshots', () => {
  it('keeps the latest frame while fresh and downscales it', () => {
    const keeper = new SnapshotKeeper(1000);
    const frame = { data: new Uint8Array(4 * 2 * 3).fill(9), width: 4, height: 2, capturedAtMs: 100, seq: 1 };
    keeper.offer(frame);
    keeper.offer({ ...frame, capturedAtMs: 50, seq: 0 });
    expect(keeper.current(1000)?.seq).toBe(1);
    expect(keeper.current(1101)).toBeNull();
    expect(keeper.last()?.seq).toBe(1);
    const small = downscaleRgb(frame, 2);
    expect([small.width, small.height, small.data.length]).toEqual([2, 1, 6]);
    expect([...small.data]).toEqual([9, 9, 9, 9, 9, 9]);
  });
});

describe('ManualFrameSource', () => {
  it('is a FrameSource a test can drive by hand', async () => {
    const source = new ManualFrameSource({ targetFps: 2 });
    const states: string[] = [];
    source.onStatus((s) => states.push(s.state));
    source.start();
    source.push({ data: new Uint8Array(3), width: 1, height: 1, capturedAtMs: 5 });
    source.push({ data: new Uint8Array(3), width: 1, height: 1, capturedAtMs: 6 });
    for await (const frame of source.frames()) {
      expect(frame.seq).toBe(2); // latest wins
      break;
    }
    source.setState('offline', 'Connection refused');
    expect(source.status()).toMatchObject({ framesReceived: 2, framesDropped: 1, framesAnalyzed: 1 });
    await source.stop();
    expect(states).toEqual(['starting', 'online', 'offline', 'stopped']);
  });
});
