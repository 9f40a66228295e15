// Which ffmpeg to run and with which arguments. Pure apart from the PATH lookup.
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

export type SourceKind = 'rtsp' | 'http' | 'device' | 'file';

/** rtsp(s)://, http(s):// (MJPEG), /dev/videoN, or anything else: a video file looped as a stand-in camera. */
export function classifySource(source: string): SourceKind {
  if (/^rtsps?:\/\//i.test(source)) return 'rtsp';
  if (/^https?:\/\//i.test(source)) return 'http';
  if (/^\/dev\/video\d+$/.test(source)) return 'device';
  return 'file';
}

/**
 * The only ffmpeg protocols each kind of source may use (`-protocol_whitelist`, inherited by every nested
 * open): a source can never reach ffmpeg's gopher, async, cache, concat, subfile, data, crypto or pipe
 * protocols, whatever its text says. RTSP needs tcp/udp/rtp underneath (tls for rtsps), MJPEG http(s).
 */
export const PROTOCOL_WHITELIST: Record<SourceKind, string> = {
  rtsp: 'rtsp,rtsps,rtp,srtp,udp,tcp,tls',
  http: 'http,https,tcp,tls',
  device: 'file',
  file: 'file',
};

/** The `-i` argument: a file always goes through ffmpeg's file protocol ("file:<path>"), never a prefix in its name. */
export function ffmpegInput(source: string, kind: SourceKind = classifySource(source)): string {
  if (kind !== 'file') return source;
  if (/^file:\/\//i.test(source)) return `file:${decodeURIComponent(new URL(source).pathname)}`;
  if (/^file:/i.test(source)) return source;
  return `file:${source}`;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, pathEnv = process.env.PATH ?? ''): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

export interface FfmpegLocation {
  ffmpeg: string;
  /** ffprobe next to it, if any (the npm fallback has none). */
  ffprobe: string | null;
  from: 'FFMPEG_PATH' | 'PATH' | '@ffmpeg-installer/ffmpeg';
}

/**
 * FFMPEG_PATH wins when set (an explicit setting beats a default), then ffmpeg on PATH (Debian's),
 * then the optional npm package @ffmpeg-installer/ffmpeg. Returns null when none is usable.
 */
export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegLocation | null {
  const sibling = (ffmpeg: string): string | null => {
    const probe = join(dirname(ffmpeg), 'ffprobe');
    return isExecutable(probe) ? probe : null;
  };
  const fromEnv = env.FFMPEG_PATH;
  if (fromEnv !== undefined && fromEnv !== '' && isExecutable(fromEnv)) {
    return { ffmpeg: fromEnv, ffprobe: sibling(fromEnv), from: 'FFMPEG_PATH' };
  }
  const onPath = findOnPath('ffmpeg', env.PATH);
  if (onPath !== null) return { ffmpeg: onPath, ffprobe: findOnPath('ffprobe', env.PATH), from: 'PATH' };
  try {
    const require = createRequire(import.meta.url);
    const pkg = require('@ffmpeg-installer/ffmpeg') as { path?: unknown };
    if (typeof pkg.path === 'string' && isExecutable(pkg.path)) {
      return { ffmpeg: pkg.path, ffprobe: null, from: '@ffmpeg-installer/ffmpeg' };
    }
  } catch {
    // optional package not installed
  }
  return null;
}

export interface FfmpegInputOptions {
  source: string;
  rtspTransport?: 'tcp' | 'udp';
  /** Bytes ffmpeg reads before deciding the stream layout. Small values start live streams fast. */
  probeSizeBytes?: number;
  /** Microseconds of stream analysed before starting (ffmpeg treats 0 as its 5 s default). */
  analyzeDurationUs?: number;
  /** Use ffmpeg's normal probing (for streams whose frame size is not known up front). */
  slowStart?: boolean;
}

/** Input-side arguments (everything up to and including `-i source`). */
export function ffmpegInputArgs(o: FfmpegInputOptions): string[] {
  const kind = classifySource(o.source);
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
  args.push('-protocol_whitelist', PROTOCOL_WHITELIST[kind]);
  switch (kind) {
    case 'rtsp':
      // Fast start. Time to first frame measured on loopback (gst-rtsp-server, 768x432 H.264, 1 s GOP):
      // ffmpeg's default probing 5.0 s; `-probesize 100000 -analyzeduration 0` 4.4 s (0 means "default" to
      // ffmpeg); `-probesize 32 -analyzeduration 1` 2.2-2.5 s (`-fflags nobuffer` added ~0.5 s, so not used).
      // The SDP's sprop-parameter-sets give the frame size, so little probing is needed; when a camera's
      // SDP lacks them the source retries with slowStart.
      args.push(
        '-rtsp_transport',
        // UDP first, TCP when no UDP packet gets through (a firewall or NAT in the way): ffmpeg's own
        // fallback. TCP needs no fallback.
        o.rtspTransport === 'udp' ? 'udp+tcp' : 'tcp',
        '-probesize',
        String(o.probeSizeBytes ?? (o.slowStart === true ? 5_000_000 : 32)),
        '-analyzeduration',
        String(o.analyzeDurationUs ?? (o.slowStart === true ? 5_000_000 : 1)),
        '-fflags',
        '+genpts+discardcorrupt',
        // Stream timestamps, not `-use_wallclock_as_timestamps`: with wall-clock time ffmpeg threw most
        // packets away as "DTS invalid" once RTP packets were lost or reordered (0.9 of 2 fps on a lossy
        // link, see capture-lossy.test.ts). Clock resets and skews are handled by the frame selection
        // (rtspFrameFilter), which never duplicates frames and follows a clock that jumps.
      );
      break;
    case 'http':
      // MJPEG over HTTP carries no timestamps at all.
      args.push('-fflags', '+genpts+discardcorrupt', '-use_wallclock_as_timestamps', '1');
      break;
    case 'device':
      args.push('-f', 'v4l2');
      break;
    case 'file':
      // A file plays in a loop at its own speed, like a camera.
      args.push('-re', '-stream_loop', '-1');
      break;
    default: {
      const exhaustive: never = kind;
      throw new Error(`unknown source kind ${String(exhaustive)}`);
    }
  }
  args.push('-i', ffmpegInput(o.source, kind));
  return args;
}

export interface FfmpegFrameArgsOptions extends FfmpegInputOptions {
  /** Frames per second to output (0.2–30); ffmpeg still decodes every frame but converts only these. */
  fps: number;
  /** Frames wider than this are scaled down, keeping the aspect ratio. */
  maxWidth: number;
}

/**
 * Keeps the first frame of every 1/fps slot of stream time: unlike the fps filter it never duplicates a
 * frame to fill a gap (lost packets, a camera clock that jumps ahead) and never waits for time to catch
 * up when the clock steps back (it takes the next frame at once). Frames not kept are not converted.
 */
export function rtspFrameFilter(fps: number): string {
  return `select='isnan(prev_selected_t)+gt(floor(t*${fps}),floor(prev_selected_t*${fps}))+lt(t,prev_selected_t)'`;
}

/** Complete argument list: decode, keep `fps` frames per second, scale, raw RGB24 to stdout. */
export function ffmpegFrameArgs(o: FfmpegFrameArgsOptions): string[] {
  const fps = Number(o.fps.toFixed(4));
  const maxWidth = Math.max(16, Math.round(o.maxWidth));
  const rtsp = classifySource(o.source) === 'rtsp';
  // Quotes protect the comma inside min() from the filtergraph parser; spawn passes the string verbatim.
  const vf = `${rtsp ? rtspFrameFilter(fps) : `fps=${fps}`},scale=w='min(iw,${maxWidth})':h=-1:flags=bilinear`;
  return [
    ...ffmpegInputArgs(o),
    '-an',
    '-sn',
    '-dn',
    '-vf',
    vf,
    // The selected frames as they are (no frame-rate conversion after the select).
    ...(rtsp ? ['-vsync', '0'] : []),
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/**
 * Finds the output frame size in ffmpeg's stderr, e.g.
 * `Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc, ...), 768x432 [SAR 1:1 DAR 16:9], q=2-31, ...`
 * Only lines after `Output #0` count (a v4l2 *input* can be rawvideo too).
 */
export class OutputSizeParser {
  #inOutput = false;
  size: { width: number; height: number } | null = null;

  feed(line: string): { width: number; height: number } | null {
    if (this.size !== null) return this.size;
    if (/^Output #0/.test(line)) this.#inOutput = true;
    if (!this.#inOutput) return null;
    const m = /Stream #\d+:\d+.*Video: rawvideo.*?,\s(\d{1,5})x(\d{1,5})/.exec(line);
    if (m !== null) this.size = { width: Number(m[1]), height: Number(m[2]) };
    return this.size;
  }
}

/** Parses the first input video stream line: codec, size and fps. */
export function parseInputVideoStream(
  lines: readonly string[],
): { codec: string; width: number; height: number; fps: number | null } | null {
  for (const line of lines) {
    if (/^Output #/.test(line)) break;
    const m = /Stream #\d+:\d+.*?: Video: ([A-Za-z0-9_]+).*?,\s(\d{1,5})x(\d{1,5})/.exec(line);
    if (m === null) continue;
    const fpsMatch = /,\s([\d.]+)\s(?:fps|tbr)/.exec(line);
    return {
      codec: m[1] ?? 'unknown',
      width: Number(m[2]),
      height: Number(m[3]),
      fps: fpsMatch !== null ? Number(fpsMatch[1]) : null,
    };
  }
  return null;
}
