// "Test this source before saving": open it with ffmpeg, decode one frame, report size and codec or a
// readable error. Uses ffmpeg itself (not ffprobe) so a stream that connects but never decodes fails here.
// That one decoded frame also comes back as a small JPEG preview (in memory only, never stored).
import { spawn as nodeSpawn } from 'node:child_process';
import { ffmpegInputArgs, locateFfmpeg, parseInputVideoStream } from './ffmpeg-command.js';
import type { SpawnProcess } from './ffmpeg-frame-source.js';
import { LineRing, summarizeFfmpegError } from './stderr-ring.js';

export type ProbeResult =
  | {
      ok: true;
      width: number;
      height: number;
      codec: string;
      fps: number | null;
      elapsedMs: number;
      /** The decoded frame as JPEG, at most PREVIEW_MAX_WIDTH wide; null when previews were not asked for. */
      previewJpeg: Uint8Array | null;
    }
  | { ok: false; error: string; elapsedMs: number };

/** Preview frames wider than this are scaled down (a form thumbnail, not a recording). */
export const PREVIEW_MAX_WIDTH = 640;
/** A preview larger than this is dropped (a 640 px JPEG is ~50 KB). */
const PREVIEW_MAX_BYTES = 2 * 1024 * 1024;

export interface ProbeOptions {
  rtspTransport?: 'tcp' | 'udp';
  ffmpegPath?: string;
  spawn?: SpawnProcess;
  /** Return the decoded frame as a JPEG preview (default false). */
  preview?: boolean;
}

export function probeSource(
  source: string,
  timeoutMs = 15_000,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const startedAt = Date.now();
  const elapsed = () => Date.now() - startedAt;
  const ffmpeg = options.ffmpegPath ?? locateFfmpeg()?.ffmpeg ?? null;
  if (ffmpeg === null) {
    return Promise.resolve({
      ok: false,
      error: 'ffmpeg not found: install it or set FFMPEG_PATH',
      elapsedMs: 0,
    });
  }
  const input = ffmpegInputArgs({
    source,
    ...(options.rtspTransport !== undefined ? { rtspTransport: options.rtspTransport } : {}),
  }).filter((a, i, all) => a !== '-re' && !(a === '-stream_loop' || all[i - 1] === '-stream_loop'));
  const output = options.preview
    ? [
        '-vf',
        `scale='min(${PREVIEW_MAX_WIDTH},iw)':-2`,
        '-c:v',
        'mjpeg',
        '-q:v',
        '5',
        '-f',
        'image2pipe',
        'pipe:1',
      ]
    : ['-f', 'null', '-'];
  const args = [...input, '-an', '-sn', '-dn', '-frames:v', '1', ...output];
  const spawn: SpawnProcess =
    options.spawn ??
    ((cmd, a) =>
      nodeSpawn(cmd, a, {
        stdio: ['ignore', options.preview ? 'pipe' : 'ignore', 'pipe'],
        windowsHide: true,
      }));

  return new Promise((resolve) => {
    const ring = new LineRing(200);
    let timedOut = false;
    let settled = false;
    const child = spawn(ffmpeg, args);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    timer.unref();
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => ring.write(text));
    const chunks: Buffer[] = [];
    let bytes = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= PREVIEW_MAX_BYTES) chunks.push(chunk);
    });
    child.once('error', (error) =>
      finish({ ok: false, error: `could not run ffmpeg: ${error.message}`, elapsedMs: elapsed() }),
    );
    child.once('close', (code) => {
      ring.flush();
      const lines = ring.lines();
      const stream = parseInputVideoStream(lines);
      const decoded = lines.some((l) => /^frame=\s*[1-9]/.test(l) || /video:\d+k?B/i.test(l));
      if (!timedOut && code === 0 && stream !== null && decoded) {
        const jpeg = Buffer.concat(chunks);
        const isJpeg = bytes <= PREVIEW_MAX_BYTES && jpeg[0] === 0xff && jpeg[1] === 0xd8;
        finish({
          ok: true,
          ...stream,
          elapsedMs: elapsed(),
          previewJpeg: options.preview && isJpeg ? new Uint8Array(jpeg) : null,
        });
        return;
      }
      const reason = summarizeFfmpegError(lines);
      if (timedOut) {
        const what = `no frame within ${Math.round(timeoutMs / 100) / 10} s`;
        finish({ ok: false, error: reason !== null ? `${what}: ${reason}` : what, elapsedMs: elapsed() });
      } else if (stream === null && reason === null) {
        finish({ ok: false, error: 'No video stream in the source', elapsedMs: elapsed() });
      } else {
        finish({
          ok: false,
          error: reason ?? `ffmpeg exited with code ${String(code)}`,
          elapsedMs: elapsed(),
        });
      }
    });
  });
}
