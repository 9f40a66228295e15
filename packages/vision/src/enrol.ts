import type { FaceEngine } from './engine/face-engine.js';
import { decodeImage, encodeJpeg } from './image/decode.js';
import { qualityBreakdown, type QualityFactor } from './quality.js';
import type { DetectedFace, FaceBox, FaceQuality, RgbFrame } from './types.js';

export type EnrolRejectCode = 'no_face' | 'several_faces' | 'poor_quality' | 'face_too_small';

export type EnrolImageResult =
  | {
      ok: true;
      /** One embedding for this image (an array so callers can concatenate results). */
      embeddings: Float32Array[];
      /** The 112×112 ArcFace-aligned face as JPEG, only with keepAlignedCrops (never the photo itself). */
      alignedCropsJpeg?: Uint8Array[];
      quality: FaceQuality;
      box: FaceBox;
    }
  | { ok: false; code: EnrolRejectCode; message: string; quality?: FaceQuality };

export type EnrolOptions = {
  /** Minimum overall quality score, 0..1 (default 0.5). */
  minQuality?: number;
  /** Minimum face size, shorter box side in pixels (default 48). */
  minFacePx?: number;
  /** A second face at least this fraction of the main face's size makes the photo ambiguous (default 0.4). */
  severalFacesRatio?: number;
  keepAlignedCrops?: boolean;
  jpegQuality?: number;
};

const FACTOR_TEXT: Record<QualityFactor, string> = {
  size: 'the face is too small in the photo; move closer or use a larger photo',
  blur: 'the face is blurred; hold the camera still and focus on the face',
  pose: 'the head is turned or tilted; look straight at the camera',
  brightness: 'the face is too dark or too bright; use even light on the face',
};

function judge(face: DetectedFace, all: DetectedFace[], opts: EnrolOptions): EnrolImageResult | null {
  const minFacePx = opts.minFacePx ?? 48;
  const ratio = opts.severalFacesRatio ?? 0.4;
  const mainSize = face.quality.sizePx;
  const others = all.filter((f) => f !== face && f.quality.sizePx >= ratio * mainSize);
  if (others.length > 0) {
    return {
      ok: false,
      code: 'several_faces',
      message: `The photo shows ${others.length + 1} faces; use a photo of this person alone.`,
    };
  }
  if (mainSize < minFacePx) {
    return {
      ok: false,
      code: 'face_too_small',
      message: `The face is ${Math.round(mainSize)} px; at least ${minFacePx} px is needed.`,
      quality: face.quality,
    };
  }
  const minQuality = opts.minQuality ?? 0.5;
  if (face.quality.score < minQuality) {
    const breakdown = qualityBreakdown(face.quality);
    const worst = (Object.keys(breakdown) as QualityFactor[]).sort((a, b) => breakdown[a] - breakdown[b])[0]!;
    return {
      ok: false,
      code: 'poor_quality',
      message: `Face quality ${face.quality.score.toFixed(2)} is below ${minQuality}: ${FACTOR_TEXT[worst]}.`,
      quality: face.quality,
    };
  }
  return null;
}

/**
 * Turns enrolment photos into embeddings, one result per photo, rejecting photos with no face, several
 * faces, or a face too small or of poor quality, with a code and a sentence for the person enrolling.
 */
export async function enrolFromImages(
  engine: FaceEngine,
  frames: readonly RgbFrame[],
  opts: EnrolOptions = {},
): Promise<EnrolImageResult[]> {
  const results: EnrolImageResult[] = [];
  for (const original of frames) {
    let frame = original;
    let faces = await engine.detect(frame);
    let offsetPx = 0;
    if (faces.length === 0) {
      // Tight face crops (a cropped ID photo) defeat anchor-based detectors, which expect context around
      // the face; look again with a black border of half the image size around it.
      offsetPx = Math.round(Math.max(original.width, original.height) / 2);
      frame = padFrame(original, offsetPx);
      faces = await engine.detect(frame);
    }
    if (faces.length === 0) {
      results.push({ ok: false, code: 'no_face', message: 'No face was found in the photo.' });
      continue;
    }
    const main = faces.reduce((a, b) => (b.quality.sizePx > a.quality.sizePx ? b : a));
    const rejected = judge(main, faces, opts);
    if (rejected) {
      results.push(rejected);
      continue;
    }
    const [embedding] = await engine.embed(frame, [main]);
    const box = { ...main.box, x: main.box.x - offsetPx, y: main.box.y - offsetPx };
    const ok: EnrolImageResult = { ok: true, embeddings: [embedding!], quality: main.quality, box };
    if (opts.keepAlignedCrops) {
      const crop = engine.alignedCrop(frame, main.landmarks);
      ok.alignedCropsJpeg = [await encodeJpeg(crop, { quality: opts.jpegQuality ?? 92 })];
    }
    results.push(ok);
  }
  return results;
}

/** Re-embeds stored aligned crops (JPEG or PNG bytes of 112×112 ArcFace-template crops) with another pack. */
export async function embedAlignedCrops(
  engine: FaceEngine,
  crops: readonly Uint8Array[],
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const bytes of crops) out.push(await engine.embedAlignedCrop(await decodeImage(bytes)));
  return out;
}

function padFrame(frame: RgbFrame, borderPx: number): RgbFrame {
  const width = frame.width + 2 * borderPx;
  const height = frame.height + 2 * borderPx;
  const data = new Uint8Array(width * height * 3);
  const rowBytes = frame.width * 3;
  for (let y = 0; y < frame.height; y++) {
    data.set(frame.data.subarray(y * rowBytes, (y + 1) * rowBytes), ((y + borderPx) * width + borderPx) * 3);
  }
  return { data, width, height };
}
