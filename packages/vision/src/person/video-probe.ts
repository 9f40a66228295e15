// ffprobe metadata of a video file; refuses files that are not a decodable video.
import { execFile } from 'node:child_process';

export interface VideoProbe {
  durationSec: number;
  width: number;
  height: number;
  fps: number;
  videoCodec: string;
  pixelFormat: string | null;
  container: string;
  hasAudio: boolean;
  audioCodec: string | null;
  /** H.264 (yuv420p/8-bit) in an MP4/MOV container, which every browser plays as it is. */
  browserPlayable: boolean;
  /** creation_time of the container (or video stream) as epoch ms; null when absent or implausible. */
  recordedAtMs: number | null;
}

export class VideoProbeError extends Error {
  constructor(
    readonly code: 'not_video' | 'corrupt' | 'too_long' | 'too_large_frame' | 'ffprobe_missing',
    message: string,
  ) {
    super(message);
    this.name = 'VideoProbeError';
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * A camera writes creation_time in UTC (ISO 8601). Muxers that know no time write 0 (1970) or the
 * QuickTime epoch (1904); such values are not a recording time (the caller judges the future, with its clock).
 */
export function parseCreationTime(...candidates: unknown[]): number | null {
  for (const c of candidates) {
    if (typeof c !== 'string' || c.trim() === '') continue;
    const ms = Date.parse(c);
    if (Number.isFinite(ms) && ms > Date.UTC(1990, 0, 1)) return ms;
  }
  return null;
}

function tag(o: Record<string, unknown> | undefined, key: string): unknown {
  const tags = o?.tags as Record<string, unknown> | undefined;
  return tags?.[key];
}

function parseRate(r: unknown): number {
  if (typeof r !== 'string') return 0;
  const [n, d] = r.split('/').map(Number);
  if (!n || !Number.isFinite(n)) return 0;
  return d ? n / d : n;
}

/** Runs ffprobe on a local file (never a URL: the caller passes a path under its own data dir). */
export async function probeVideo(
  ffprobe: string,
  file: string,
  limits: { maxDurationSec?: number; maxPixels?: number; timeoutMs?: number } = {},
): Promise<VideoProbe> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      ffprobe,
      [
        '-v',
        'error',
        '-print_format',
        'json',
        '-show_format',
        '-show_streams',
        '-protocol_whitelist',
        'file',
        file,
      ],
      { timeout: limits.timeoutMs ?? 30_000, maxBuffer: 4 * 1024 * 1024 },
      (err, out, errText) => {
        if (err)
          reject(
            new VideoProbeError(
              'corrupt',
              `Not a readable video: ${
                String(errText || err.message)
                  .trim()
                  .split('\n')[0]
              }`,
            ),
          );
        else resolve(out);
      },
    );
  });
  let json: { streams?: Record<string, unknown>[]; format?: Record<string, unknown> };
  try {
    json = JSON.parse(stdout) as typeof json;
  } catch {
    throw new VideoProbeError('corrupt', 'ffprobe gave no readable description of this file.');
  }
  const streams = json.streams ?? [];
  const v = streams.find(
    (s) =>
      s.codec_type === 'video' &&
      (s.disposition as { attached_pic?: number } | undefined)?.attached_pic !== 1,
  );
  if (!v) throw new VideoProbeError('not_video', 'The file has no video stream.');
  const a = streams.find((s) => s.codec_type === 'audio');
  const width = Number(v.width);
  const height = Number(v.height);
  if (!(width > 0 && height > 0)) throw new VideoProbeError('corrupt', 'The video stream has no frame size.');
  if (width * height > (limits.maxPixels ?? 4096 * 2304))
    throw new VideoProbeError('too_large_frame', `Frames of ${width}×${height} are larger than allowed.`);
  const durationSec = Number(json.format?.duration ?? v.duration);
  if (!(durationSec > 0))
    throw new VideoProbeError('corrupt', 'The video has no duration (truncated or damaged).');
  if (limits.maxDurationSec !== undefined && durationSec > limits.maxDurationSec)
    throw new VideoProbeError(
      'too_long',
      `The video lasts ${Math.round(durationSec)} s, longer than ${limits.maxDurationSec} s.`,
    );
  const fps = parseRate(v.avg_frame_rate) || parseRate(v.r_frame_rate) || 25;
  const container = str(json.format?.format_name);
  const videoCodec = str(v.codec_name);
  const pixelFormat = typeof v.pix_fmt === 'string' ? v.pix_fmt : null;
  const audioCodec = a ? str(a.codec_name) : null;
  const browserPlayable =
    videoCodec === 'h264' &&
    (pixelFormat === 'yuv420p' || pixelFormat === 'yuvj420p') &&
    /mp4|mov/.test(container) &&
    (audioCodec === null || audioCodec === 'aac' || audioCodec === 'mp3');
  return {
    durationSec,
    width,
    height,
    fps,
    videoCodec,
    pixelFormat,
    container,
    hasAudio: !!a,
    audioCodec,
    browserPlayable,
    recordedAtMs: parseCreationTime(tag(json.format, 'creation_time'), tag(v, 'creation_time')),
  };
}
