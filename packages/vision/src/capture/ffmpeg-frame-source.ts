// FrameSource backed by an ffmpeg child process, with a watchdog that restarts it when it crashes or
// stalls (exponential backoff with cap and jitter) and a bounded latest-wins queue towards the consumer.
import { spawn as nodeSpawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { Backoff, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { ffmpegFrameArgs, locateFfmpeg, OutputSizeParser } from './ffmpeg-command.js';
import { FpsMeter } from './fps-meter.js';
import { FrameSplitter } from './frame-splitter.js';
import type { CaptureState, CaptureStatus, FrameSource, CapturedFrame } from './frame-source.js';
import { LatestFrameQueue } from './latest-frame-queue.js';
import { LineRing, summarizeFfmpegError } from './stderr-ring.js';

/** What the source needs of a child process; a fake implements it in tests. */
export interface ChildProcessLike {
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}
export type SpawnProcess = (command: string, args: string[]) => ChildProcessLike;

const spawnFfmpeg: SpawnProcess = (command, args) =>
  nodeSpawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });

export interface FfmpegFrameSourceOptions {
  /** rtsp://…, http(s):// MJPEG, /dev/videoN or a video file (looped). */
  source: string;
  /** Analysis rate: ffmpeg outputs this many frames per second (0.2–30). */
  fps: number;
  /** Frames wider than this are scaled down (default 1280). */
  maxWidth?: number;
  rtspTransport?: 'tcp' | 'udp';
  probeSizeBytes?: number;
  analyzeDurationUs?: number;
  /** 1 or 2 frames waiting for the consumer at most (default 1). */
  queueCapacity?: number;
  /** No frame for this long while running: kill and restart (default max(10 s, 3 frame intervals)). */
  stallTimeoutMs?: number;
  /** No first frame this long after (re)starting ffmpeg: kill and restart (default max(20 s, stall)). */
  startTimeoutMs?: number;
  /** A run producing frames this long resets the backoff (default 30 s). */
  stableAfterMs?: number;
  /** A restart or a drop makes the state "degraded" for this long (default 60 s). */
  degradedWindowMs?: number;
  /** How often the watchdog looks (default 1 s). */
  watchdogIntervalMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** Lines of ffmpeg stderr kept for diagnostics (default 50). */
  stderrLines?: number;
  /** Explicit ffmpeg binary; default: locateFfmpeg(). */
  ffmpegPath?: string;
  clock?: Clock;
  random?: () => number;
  spawn?: SpawnProcess;
}

interface Run {
  child: ChildProcessLike;
  spawnedAtMs: number;
  frames: number;
  lastFrameAtMs: number | null;
  size: { width: number; height: number } | null;
  sizeParser: OutputSizeParser;
  splitter: FrameSplitter | null;
  pending: Buffer[];
  pendingBytes: number;
  lines: string[];
  exited: boolean;
  killReason: string | null;
  stableCounted: boolean;
  closed: Promise<void>;
  markClosed: () => void;
}

/** Before the frame size is known (from stderr), stdout bytes are held; never more than this. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

export class FfmpegFrameSource implements FrameSource {
  readonly source: string;
  readonly #o: Required<
    Pick<
      FfmpegFrameSourceOptions,
      | 'fps'
      | 'maxWidth'
      | 'queueCapacity'
      | 'stallTimeoutMs'
      | 'startTimeoutMs'
      | 'stableAfterMs'
      | 'degradedWindowMs'
      | 'watchdogIntervalMs'
      | 'stderrLines'
    >
  >;
  readonly #options: FfmpegFrameSourceOptions;
  readonly #clock: Clock;
  readonly #spawn: SpawnProcess;
  readonly #backoff: Backoff;
  readonly #queue: LatestFrameQueue<CapturedFrame>;
  readonly #fps: FpsMeter;
  readonly #ring: LineRing;
  readonly #listeners = new Set<(s: CaptureStatus) => void>();

  #started = false;
  #stopping = false;
  #run: Run | null = null;
  #restartTimer: TimerHandle | null = null;
  #tickTimer: TimerHandle | null = null;
  #seq = 0;
  #framesReceived = 0;
  #lastFrameAtMs: number | null = null;
  #lastError: string | null = null;
  #restarts = 0;
  #lastRestartAtMs: number | null = null;
  #lastDropAtMs: number | null = null;
  #firstFrameLatencyMs: number | null = null;
  #latest: CapturedFrame | null = null;
  /** Set once fast-start probing failed to find the frame size; later runs probe normally. */
  #slowStart = false;
  #lastEmitted: { state: CaptureState; lastError: string | null } | null = null;
  /**
   * Time this process spent reading ffmpeg's stdout into frames, ms (for benchmarks). Measured with
   * performance.now(): it is a cost figure, not a time the capture logic depends on.
   */
  readMs = 0;

  constructor(options: FfmpegFrameSourceOptions) {
    if (!(options.fps > 0 && options.fps <= 60)) throw new RangeError('fps must be in (0, 60]');
    this.source = options.source;
    this.#options = options;
    const frameIntervalMs = 1000 / options.fps;
    const stall = options.stallTimeoutMs ?? Math.max(10_000, 3 * frameIntervalMs);
    this.#o = {
      fps: options.fps,
      maxWidth: options.maxWidth ?? 1280,
      queueCapacity: options.queueCapacity ?? 1,
      stallTimeoutMs: stall,
      startTimeoutMs: options.startTimeoutMs ?? Math.max(20_000, stall),
      stableAfterMs: options.stableAfterMs ?? 30_000,
      degradedWindowMs: options.degradedWindowMs ?? 60_000,
      watchdogIntervalMs: options.watchdogIntervalMs ?? 1000,
      stderrLines: options.stderrLines ?? 50,
    };
    this.#clock = options.clock ?? systemClock;
    this.#spawn = options.spawn ?? spawnFfmpeg;
    this.#backoff = new Backoff(options.backoff, options.random);
    this.#ring = new LineRing(this.#o.stderrLines);
    // At least 5 s and 4 frame intervals, so 0.2 fps cameras are measured over several frames.
    this.#fps = new FpsMeter(Math.max(5000, 4 * frameIntervalMs));
    this.#queue = new LatestFrameQueue<CapturedFrame>(this.#o.queueCapacity, () => {
      this.#lastDropAtMs = this.#clock.now();
    });
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#spawnRun();
    this.#scheduleTick();
    this.#emitIfChanged();
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#restartTimer !== null) this.#clock.clearTimeout(this.#restartTimer);
    if (this.#tickTimer !== null) this.#clock.clearTimeout(this.#tickTimer);
    this.#restartTimer = null;
    this.#tickTimer = null;
    this.#queue.close();
    const run = this.#run;
    if (run !== null && !run.exited) {
      run.killReason = 'stopped';
      run.child.kill('SIGKILL');
      // Wait for the process to go, but never hang a shutdown on it.
      await Promise.race([run.closed, new Promise<void>((resolve) => this.#clock.setTimeout(resolve, 3000))]);
    }
    this.#emitIfChanged();
  }

  frames(): AsyncIterable<CapturedFrame> {
    return this.#queue;
  }

  latestFrame(): CapturedFrame | null {
    return this.#latest;
  }

  /** Last lines of ffmpeg's stderr (credentials in URLs redacted), for diagnostics. */
  recentStderr(): string[] {
    return this.#ring.lines();
  }

  onStatus(listener: (status: CaptureStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  status(): CaptureStatus {
    const now = this.#clock.now();
    const size = this.#run?.size ?? null;
    return {
      state: this.#state(now),
      targetFps: this.#o.fps,
      measuredFps: Math.round(this.#fps.fps(now) * 100) / 100,
      framesReceived: this.#framesReceived,
      framesAnalyzed: this.#queue.delivered,
      framesDropped: this.#queue.dropped,
      lastFrameAtMs: this.#lastFrameAtMs,
      lastError: this.#lastError,
      restarts: this.#restarts,
      queueDepth: this.#queue.size,
      firstFrameLatencyMs: this.#firstFrameLatencyMs,
      width: size?.width ?? null,
      height: size?.height ?? null,
    };
  }

  #state(now: number): CaptureState {
    if (!this.#started || this.#stopping) return 'stopped';
    const run = this.#run;
    if (this.#framesReceived === 0 && this.#restarts === 0) return 'starting';
    if (run === null || run.exited || run.killReason !== null || run.frames === 0) return 'offline';
    const sinceFrame = now - (run.lastFrameAtMs ?? run.spawnedAtMs);
    if (sinceFrame > this.#o.stallTimeoutMs) return 'offline';
    const window = this.#o.degradedWindowMs;
    const recent = (t: number | null) => t !== null && now - t < window;
    const intervalMs = 1000 / this.#o.fps;
    const slow = run.frames >= 5 && this.#fps.fps(now) < 0.5 * this.#o.fps;
    const late = sinceFrame > Math.max(3 * intervalMs, 2000);
    if (slow || late || recent(this.#lastRestartAtMs) || recent(this.#lastDropAtMs)) return 'degraded';
    return 'online';
  }

  #spawnRun(): void {
    this.#restartTimer = null;
    if (this.#stopping) return;
    const now = this.#clock.now();
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => (markClosed = resolve));
    const ffmpeg = this.#options.ffmpegPath ?? locateFfmpeg()?.ffmpeg ?? null;
    if (ffmpeg === null) {
      this.#lastError = 'ffmpeg not found: install it (apt-get install ffmpeg) or set FFMPEG_PATH';
      this.#run = null;
      this.#scheduleRestart();
      return;
    }
    const args = ffmpegFrameArgs({
      source: this.source,
      fps: this.#o.fps,
      maxWidth: this.#o.maxWidth,
      slowStart: this.#slowStart,
      ...(this.#options.rtspTransport !== undefined ? { rtspTransport: this.#options.rtspTransport } : {}),
      ...(this.#options.probeSizeBytes !== undefined ? { probeSizeBytes: this.#options.probeSizeBytes } : {}),
      ...(this.#options.analyzeDurationUs !== undefined
        ? { analyzeDurationUs: this.#options.analyzeDurationUs }
        : {}),
    });
    let child: ChildProcessLike;
    try {
      child = this.#spawn(ffmpeg, args);
    } catch (error) {
      this.#lastError = `could not start ffmpeg: ${error instanceof Error ? error.message : String(error)}`;
      this.#run = null;
      this.#scheduleRestart();
      return;
    }
    const run: Run = {
      child,
      spawnedAtMs: now,
      frames: 0,
      lastFrameAtMs: null,
      size: null,
      sizeParser: new OutputSizeParser(),
      splitter: null,
      pending: [],
      pendingBytes: 0,
      lines: [],
      exited: false,
      killReason: null,
      stableCounted: false,
      closed,
      markClosed,
    };
    this.#run = run;
    this.#fps.restart();
    child.stdout?.on('data', (chunk: Buffer) => this.#onStdout(run, chunk));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => this.#onStderr(run, this.#ring.write(text)));
    child.once('error', (error) => this.#onExit(run, null, null, error));
    child.once('close', (code, signal) => this.#onExit(run, code, signal, null));
  }

  #onStderr(run: Run, lines: string[]): void {
    for (const line of lines) {
      run.lines.push(line);
      if (run.lines.length > this.#o.stderrLines) run.lines.shift();
      if (run.size === null && run.sizeParser.feed(line) !== null) {
        run.size = run.sizeParser.size;
        if (run.size !== null) {
          run.splitter = new FrameSplitter(run.size.width * run.size.height * 3);
          const pending = run.pending;
          run.pending = [];
          run.pendingBytes = 0;
          for (const chunk of pending) this.#onStdout(run, chunk);
        }
      }
    }
  }

  #onStdout(run: Run, chunk: Buffer): void {
    if (run !== this.#run || run.killReason !== null) return;
    const splitter = run.splitter;
    if (splitter === null) {
      run.pending.push(chunk);
      run.pendingBytes += chunk.length;
      if (run.pendingBytes > MAX_PENDING_BYTES)
        this.#kill(run, 'could not read the frame size from ffmpeg output');
      return;
    }
    const size = run.size;
    if (size === null) return;
    const t0 = performance.now();
    splitter.push(chunk, (data) => this.#onFrame(run, data, size.width, size.height));
    this.readMs += performance.now() - t0;
  }

  #onFrame(run: Run, data: Uint8Array, width: number, height: number): void {
    const now = this.#clock.now();
    if (run.frames === 0) this.#firstFrameLatencyMs = now - run.spawnedAtMs;
    run.frames++;
    run.lastFrameAtMs = now;
    this.#framesReceived++;
    this.#lastFrameAtMs = now;
    this.#fps.tick(now);
    const frame: CapturedFrame = { data, width, height, capturedAtMs: now, seq: ++this.#seq };
    this.#latest = frame;
    this.#queue.push(frame);
    if (run.frames === 1) this.#emitIfChanged();
  }

  #kill(run: Run, reason: string): void {
    if (run.exited || run.killReason !== null) return;
    run.killReason = reason;
    run.child.kill('SIGKILL');
  }

  #onExit(run: Run, code: number | null, signal: NodeJS.Signals | null, error: Error | null): void {
    if (run.exited) return;
    run.exited = true;
    this.#onStderr(run, this.#ring.flush());
    run.markClosed();
    if (this.#stopping || run !== this.#run) return;
    if (
      run.frames === 0 &&
      run.lines.some((l) => /unspecified size|Could not find codec parameters/i.test(l))
    ) {
      this.#slowStart = true;
    }
    const fromStderr = summarizeFfmpegError(run.lines);
    let message: string;
    if (error !== null) {
      message = `could not run ffmpeg: ${error.message}`;
    } else if (run.killReason !== null) {
      message = fromStderr !== null ? `${run.killReason}: ${fromStderr}` : run.killReason;
    } else {
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${String(code)}`;
      message = fromStderr ?? `ffmpeg ${how}`;
    }
    this.#lastError = message;
    this.#ring.write('--- ffmpeg exited; restarting ---\n');
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    if (this.#stopping) return;
    const delayMs = this.#backoff.next();
    this.#restarts++;
    this.#lastRestartAtMs = this.#clock.now();
    this.#restartTimer = this.#clock.setTimeout(() => this.#spawnRun(), delayMs);
    this.#emitIfChanged();
  }

  /** Consecutive failures the backoff has counted since the last stable run (for tests and diagnostics). */
  get backoffAttempt(): number {
    return this.#backoff.attempt;
  }

  #scheduleTick(): void {
    if (this.#stopping) return;
    this.#tickTimer = this.#clock.setTimeout(() => {
      this.#tick();
      this.#scheduleTick();
    }, this.#o.watchdogIntervalMs);
  }

  #tick(): void {
    const run = this.#run;
    const now = this.#clock.now();
    if (run !== null && !run.exited && run.killReason === null) {
      if (run.frames === 0) {
        if (now - run.spawnedAtMs > this.#o.startTimeoutMs) {
          this.#kill(run, `no frame within ${fmtSeconds(this.#o.startTimeoutMs)} of connecting`);
        }
      } else if (now - (run.lastFrameAtMs ?? run.spawnedAtMs) > this.#o.stallTimeoutMs) {
        this.#kill(run, `no frames for ${fmtSeconds(this.#o.stallTimeoutMs)} (stalled)`);
      } else if (!run.stableCounted && now - run.spawnedAtMs >= this.#o.stableAfterMs) {
        run.stableCounted = true;
        this.#backoff.reset();
      }
    }
    this.#emitIfChanged();
  }

  #emitIfChanged(): void {
    if (this.#listeners.size === 0) return;
    const status = this.status();
    const prev = this.#lastEmitted;
    if (prev !== null && prev.state === status.state && prev.lastError === status.lastError) return;
    this.#lastEmitted = { state: status.state, lastError: status.lastError };
    for (const listener of this.#listeners) {
      try {
        listener(status);
      } catch {
        // A failing listener must not take capture down.
      }
    }
  }
}

function fmtSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
