// Decodes a video at a fixed analysis rate into RGB frames, scaled the way indexVideo scales them (so a
// frame index here is the same sample index as a person box's `t · fps` there).
import { spawn } from 'node:child_process';
import { FrameSplitter } from '../capture/frame-splitter.js';
import type { RgbFrame } from '../types.js';

export interface VideoFramesOptions {
  ffmpeg: string;
  file: string;
  width: number;
  height: number;
  /** Frames per second of video (default 5). */
  fps?: number;
  /** Longest side frames are scaled to (default 1280, as indexVideo; 0 keeps the source size). */
  maxSidePx?: number;
  signal?: AbortSignal;
}

/** The analysis size indexVideo uses for a source of width×height. */
export function analysisSize(
  width: number,
  height: number,
  maxSidePx = 1280,
): { width: number; height: number } {
  const scale = maxSidePx > 0 ? Math.min(1, maxSidePx / Math.max(width, height)) : 1;
  return {
    width: Math.max(2, Math.round((width * scale) / 2) * 2),
    height: Math.max(2, Math.round((height * scale) / 2) * 2),
  };
}

/** Yields { index, timeSec, frame } in order; throws when ffmpeg decodes nothing or the signal aborts. */
export async function* readVideoFrames(
  o: VideoFramesOptions,
): AsyncGenerator<{ index: number; timeSec: number; frame: RgbFrame }> {
  const fps = o.fps ?? 5;
  const { width: W, height: H } = analysisSize(o.width, o.height, o.maxSidePx ?? 1280);
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-protocol_whitelist',
    'file',
    '-i',
    o.file,
  ];
  args.push(
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `fps=${fps},scale=${W}:${H}`,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  );
  const child = spawn(o.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 4000) stderr += c.toString();
  });
  const onAbort = (): void => void child.kill('SIGKILL');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const splitter = new FrameSplitter(W * H * 3);
  let index = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      const ready: Uint8Array[] = [];
      splitter.push(chunk, (f) => ready.push(f));
      for (const data of ready) {
        if (o.signal?.aborted) break;
        const i = index++;
        yield { index: i, timeSec: i / fps, frame: { data, width: W, height: H } };
      }
      if (o.signal?.aborted) break;
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const code = await exited;
  if (o.signal?.aborted) throw new DOMException('Video decoding was cancelled', 'AbortError');
  if (code !== 0 && index === 0)
    throw new Error(`ffmpeg could not decode the video: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`);
}
