import sharp, { type Metadata, type Sharp } from 'sharp';
import { ImageDecodeError } from '../errors.js';
import type { FaceBox, RgbFrame } from '../types.js';

/** 40 megapixels: larger than any camera frame or phone photo we expect; far below what exhausts memory. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/**
 * 4K UHD (8.3 megapixels): more than any detector or embedder looks at. A larger image is shrunk while
 * it is decoded (libvips shrink-on-load for JPEG and WebP, streaming for PNG), so a 7000×7000 photo
 * costs ~25 MB of RGB instead of 147 MB.
 */
export const DEFAULT_MAX_OUTPUT_PIXELS = 3840 * 2160;

const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'webp']);

// A bounded libvips cache: the server decodes many distinct frames, caching them only costs memory.
sharp.cache({ memory: 64, files: 0, items: 64 });

/**
 * Decodes JPEG, PNG or WebP bytes into RGB, honouring EXIF orientation. Dimensions are checked from the
 * header before any pixel is decoded, so a 20000×20000 bomb costs nothing.
 */
export async function decodeImage(
  bytes: Uint8Array,
  opts: { maxPixels?: number; maxOutputPixels?: number } = {},
): Promise<RgbFrame> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxOutputPixels = opts.maxOutputPixels ?? DEFAULT_MAX_OUTPUT_PIXELS;
  if (bytes.byteLength === 0) throw new ImageDecodeError('empty', 'The image is empty (0 bytes).');
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new ImageDecodeError('unsupported', 'The data is not a recognised image (JPEG, PNG or WebP).', {
      cause,
    });
  }
  const format = metadata.format ?? 'unknown';
  if (!SUPPORTED_FORMATS.has(format)) {
    throw new ImageDecodeError(
      'unsupported',
      `Image format "${format}" is not supported; use JPEG, PNG or WebP.`,
    );
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width <= 0 || height <= 0) throw new ImageDecodeError('corrupt', 'The image header has no valid size.');
  if (width * height > maxPixels) {
    throw new ImageDecodeError(
      'too_large',
      `The image is ${width}×${height} pixels, more than the ${maxPixels} pixel limit.`,
    );
  }
  // Shrink-on-load: the same aspect, at most maxOutputPixels (rotation swaps sides, the area stays).
  const scale = Math.min(1, Math.sqrt(maxOutputPixels / (width * height)));
  try {
    let pipeline = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', pages: 1 }).rotate(); // EXIF orientation
    if (scale < 1) {
      const side = Math.max(1, Math.floor(Math.max(width, height) * scale));
      pipeline = pipeline.resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true });
    }
    const { data, info } = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (cause) {
    throw new ImageDecodeError('corrupt', 'The image is damaged or truncated and could not be decoded.', {
      cause,
    });
  }
}

/** Checks that a frame's buffer matches its declared size; a wrong ffmpeg pixel format shows up here. */
export function assertRgbFrame(frame: RgbFrame): void {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`RgbFrame has an invalid size ${width}×${height}.`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(
      `RgbFrame data has ${data.length} bytes, expected ${width * height * 3} for ${width}×${height} RGB.`,
    );
  }
}

function rawInput(frame: RgbFrame): Sharp {
  assertRgbFrame(frame);
  return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } });
}

/** Encodes a frame as JPEG (for snapshots), optionally scaled to `width` keeping the aspect ratio. */
export async function encodeJpeg(
  frame: RgbFrame,
  opts: { width?: number; quality?: number } = {},
): Promise<Uint8Array> {
  let pipeline = rawInput(frame);
  if (opts.width !== undefined && opts.width !== frame.width)
    pipeline = pipeline.resize({ width: Math.round(opts.width) });
  const out = await pipeline.jpeg({ quality: opts.quality ?? 85, mozjpeg: false }).toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * A square JPEG face thumbnail: the box grown by `marginRatio` on each side, made square around its centre,
 * clipped to the frame, resized to `sizePx`×`sizePx` (128 by default).
 */
export async function cropFaceJpeg(
  frame: RgbFrame,
  box: FaceBox,
  sizePx = 128,
  opts: { marginRatio?: number; quality?: number } = {},
): Promise<Uint8Array> {
  const margin = opts.marginRatio ?? 0.2;
  const side = Math.max(box.width, box.height) * (1 + 2 * margin);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const left = clampInt(Math.round(cx - side / 2), 0, frame.width - 1);
  const top = clampInt(Math.round(cy - side / 2), 0, frame.height - 1);
  const right = clampInt(Math.round(cx + side / 2), left + 1, frame.width);
  const bottom = clampInt(Math.round(cy + side / 2), top + 1, frame.height);
  const out = await rawInput(frame)
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize(sizePx, sizePx, { fit: 'cover' })
    .jpeg({ quality: opts.quality ?? 85 })
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Resizes a frame with sharp (off the JS thread). */
export async function resizeFrame(frame: RgbFrame, width: number, height: number): Promise<RgbFrame> {
  const { data, info } = await rawInput(frame)
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
