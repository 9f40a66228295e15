// The watchdog and its backoff, driven by a manual clock and a fake ffmpeg process.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { FfmpegFrameSource, type ChildProcessLike } from './ffmpeg-frame-source.js';
import type { CaptureState } from './frame-source.js';

class FakeFfmpeg extends EventEmitter implements ChildProcessLike {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  killedWith: NodeJS.Signals | null = null;
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.killedWith = signal;
    setImmediate(() => this.exit(null, signal));
    return true;
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('close', code, signal));
  }
  /** What ffmpeg prints before its first frame; the source reads the frame size from it. */
  announce(width: number, height: number): void {
    this.stderr.write(
      `Output #0, rawvideo, to 'pipe:1':\n  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc), ${width}x${height}, q=2-31, 2 fps\n`,
    );
  }
  frames(n: number, width: number, height: number): void {
    this.stdout.write(Buffer.alloc(n * width * height * 3, 7));
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function harness(behaviour: (child: FakeFfmpeg, n: number) => void, extra: Record<string, unknown> = {}) {
  const clock = new ManualClock(0);
  const children: FakeFfmpeg[] = [];
  const source = new FfmpegFrameSource({
    source: 'rtsp://cam.local/stream',
    fps: 2,
    ffmpegPath: '/usr/bin/ffmpeg',
    clock,
    random: () => 0.5, // no jitter: delays are exact
    backoff: { initialDelayMs: 1000, maxDelayMs: 8000, factor: 2, jitter: 0.2 },
    stallTimeoutMs: 10_000,
    startTimeoutMs: 20_000,
    stableAfterMs: 30_000,
    degradedWindowMs: 5000,
    spawn: () => {
      const child = new FakeFfmpeg();
      children.push(child);
      behaviour(child, children.length);
      return child;
    },
    ...extra,
  });
  const states: CaptureState[] = [];
  source.onStatus((s) => states.push(s.state));
  // A consumer that keeps up, so no frame is dropped (a drop would make the state "degraded").
  const consumed: number[] = [];
  void (async () => {
    for await (const frame of source.frames()) consumed.push(frame.seq);
  })();
  return { clock, children, source, states, consumed };
}

describe('watchdog', () => {
  it('restarts a crashing ffmpeg with exponential backoff up to the cap', async () => {
    const { clock, children, source, states } = harness((child) => {
      child.stderr.write('[tcp @ 0x1] Connection to tcp://cam.local:554 failed: Connection refused\n');
      child.exit(1);
    });
    source.start();
    await flush();
    expect(source.status()).toMatchObject({ state: 'offline', lastError: 'Connection refused', restarts: 1 });
    expect(states).toEqual(['starting', 'offline']);

    const expectedDelays = [1000, 2000, 4000, 8000, 8000];
    for (const [i, delay] of expectedDelays.entries()) {
      clock.advance(delay - 1);
      await flush();
      expect(children).toHaveLength(i + 1);
      clock.advance(1);
      await flush();
      expect(children).toHaveLength(i + 2);
    }
    expect(source.status().restarts).toBe(6);
    await source.stop();
    expect(source.status().state).toBe('stopped');
    clock.advance(60_000);
    expect(children).toHaveLength(6);
  });

  it('kills a stalled ffmpeg, says why, and comes back online', async () => {
    const { clock, children, source } = harness((child) => {
      child.announce(4, 2);
      child.frames(1, 4, 2);
    });
    source.start();
    await flush();
    expect(source.status()).toMatchObject({ state: 'online', framesReceived: 1, width: 4, height: 2 });

    clock.advance(9000);
    await flush();
    expect(children[0]?.killedWith).toBeNull();
    clock.advance(2000); // 11 s without a frame > stallTimeoutMs
    await flush();
    expect(children[0]?.killedWith).toBe('SIGKILL');
    expect(source.status()).toMatchObject({
      state: 'offline',
      restarts: 1,
      lastError: 'no frames for 10 s (stalled)',
    });

    clock.advance(1000);
    await flush();
    expect(children).toHaveLength(2);
    expect(source.status()).toMatchObject({ state: 'degraded', framesReceived: 2 }); // just restarted
    clock.advance(5000);
    children[1]?.frames(1, 4, 2);
    await flush();
    expect(source.status().state).toBe('online');
    await source.stop();
  });

  it('gives up on a source that connects but never sends a frame', async () => {
    const { clock, children, source } = harness(() => undefined);
    source.start();
    clock.advance(21_000);
    await flush();
    expect(children[0]?.killedWith).toBe('SIGKILL');
    expect(source.status().lastError).toBe('no frame within 20 s of connecting');
    await source.stop();
  });

  it('resets the backoff after a stable run', async () => {
    let live: FakeFfmpeg | null = null;
    const { clock, source } = harness((child, n) => {
      if (n <= 3) {
        child.stderr.write('Connection refused\n');
        child.exit(1);
      } else {
        live = child;
        child.announce(2, 2);
        child.frames(1, 2, 2);
      }
    });
    source.start();
    await flush();
    for (const d of [1000, 2000, 4000]) {
      clock.advance(d);
      await flush();
    }
    expect(source.backoffAttempt).toBe(3);
    for (let t = 0; t < 31; t++) {
      clock.advance(1000);
      (live as FakeFfmpeg | null)?.frames(1, 2, 2);
      await flush();
    }
    expect(source.backoffAttempt).toBe(0);
    expect(source.status().state).toBe('online');
    await source.stop();
  });

  it('holds stdout until the frame size is known and reports a spawn failure readably', async () => {
    const { source } = harness((child) => {
      child.frames(2, 2, 2); // stdout before stderr
      setImmediate(() => child.announce(2, 2));
    });
    source.start();
    await flush();
    expect(source.status().framesReceived).toBe(2);
    await source.stop();

    const broken = harness(() => undefined, {
      spawn: () => {
        const child = new FakeFfmpeg();
        setImmediate(() => child.emit('error', new Error('spawn /nope/ffmpeg ENOENT')));
        return child;
      },
    });
    broken.source.start();
    await flush();
    expect(broken.source.status().lastError).toBe('could not run ffmpeg: spawn /nope/ffmpeg ENOENT');
    await broken.source.stop();
  });
});
