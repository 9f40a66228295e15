import type { FaceEngine } from './engine/face-engine.js';
import { decodeImage, encodeJpeg } from './image/decode.js';
import { iou } from './detect/nms.js';
import { failingFactor, qualityBreakdown, type QualityFactor } from './quality.js';
import type { DetectedFace, FaceBox, FaceQuality, RgbFrame } from './types.js';

export type EnrolRejectCode = 'no_face' | 'several_faces' | 'poor_quality' | 'face_too_small';

/** A face found in a photo with several faces: the person enrolling picks one (box in photo pixels). */
export type EnrolCandidateFace = { box: FaceBox; quality: FaceQuality; rejectedFor: QualityFactor | null };

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
  | {
      ok: false;
      code: EnrolRejectCode;
      message: string;
      quality?: FaceQuality;
      /** poor_quality / face_too_small: the factor below its floor. */
      factor?: QualityFactor;
      /** several_faces: every face found, left to right, to choose from (send one back as faceBox). */
      faces?: EnrolCandidateFace[];
      /** several_faces: the photo's size, to draw the boxes on it. */
      imageSize?: { width: number; height: number };
    };

export type EnrolOptions = {
  /** Minimum face size, shorter box side in pixels (default 32: below the cameras' default of 40). */
  minFacePx?: number;
  /** A second face at least this fraction of the main face's size makes the photo ambiguous (default 0.4). */
  severalFacesRatio?: number;
  /** Enrol the face at this place of the photo (photo pixels), chosen from a several_faces answer. */
  faceBox?: FaceBox;
  keepAlignedCrops?: boolean;
  jpegQuality?: number;
};

export const DEFAULT_ENROL_MIN_FACE_PX = 32;

const FACTOR_TEXT: Record<QualityFactor, string> = {
  size: 'the face is too small in the photo; move closer or use a larger photo',
  blur: 'the face is blurred; hold the camera still and focus on the face',
  pose: 'the head is turned or tilted; look straight at the camera',
  brightness: 'the face is too dark or too bright; use even light on the face',
};

/** Why a face may not be enrolled, or null. Size has its own code (and a floor the caller can change). */
function gate(q: FaceQuality, minFacePx: number): { factor: QualityFactor; tooSmall: boolean } | null {
  if (q.sizePx < minFacePx) return { factor: 'size', tooSmall: true };
  const failing = failingFactor(qualityBreakdown(q));
  return failing ? { factor: failing, tooSmall: false } : null;
}

function judge(face: DetectedFace, minFacePx: number): EnrolImageResult | null {
  const failed = gate(face.quality, minFacePx);
  if (!failed) return null;
  const score = Math.round(face.quality.score * 100);
  if (failed.tooSmall) {
    return {
      ok: false,
      code: 'face_too_small',
      message: `The face is ${Math.round(face.quality.sizePx)} px; at least ${minFacePx} px is needed.`,
      quality: face.quality,
      factor: 'size',
    };
  }
  return {
    ok: false,
    code: 'poor_quality',
    message: `Face quality ${score}/100: ${FACTOR_TEXT[failed.factor]}.`,
    quality: face.quality,
    factor: failed.factor,
  };
}

const shift = (box: FaceBox, by: number): FaceBox => ({ ...box, x: box.x + by, y: box.y + by });

/** Picks the face to enrol: the chosen place, or the only (clearly largest) face; else the choices. */
function pick(
  faces: DetectedFace[],
  frame: RgbFrame,
  offsetPx: number,
  opts: EnrolOptions,
  minFacePx: number,
): DetectedFace | EnrolImageResult {
  if (opts.faceBox) {
    const wanted = shift(opts.faceBox, offsetPx);
    const best = faces.reduce<{ f: DetectedFace | null; iou: number }>(
      (acc, f) => {
        const v = iou(f.box, wanted);
        return v > acc.iou ? { f, iou: v } : acc;
      },
      { f: null, iou: 0 },
    );
    if (best.f && best.iou >= 0.3) return best.f;
    return { ok: false, code: 'no_face', message: 'No face was found at the chosen place of the photo.' };
  }
  const main = faces.reduce((a, b) => (b.quality.sizePx > a.quality.sizePx ? b : a));
  const ratio = opts.severalFacesRatio ?? 0.4;
  const others = faces.filter((f) => f !== main && f.quality.sizePx >= ratio * main.quality.sizePx);
  if (others.length === 0) return main;
  const candidates = [main, ...others].sort((a, b) => a.box.x - b.box.x);
  return {
    ok: false,
    code: 'several_faces',
    message: `The photo shows ${candidates.length} faces; choose the one to enrol.`,
    faces: candidates.map((f) => ({
      box: shift(f.box, -offsetPx),
      quality: f.quality,
      rejectedFor: gate(f.quality, minFacePx)?.factor ?? null,
    })),
    imageSize: { width: frame.width - 2 * offsetPx, height: frame.height - 2 * offsetPx },
  };
}

/**
 * Turns enrolment photos into embeddings, one result per photo. A photo with several faces answers with
 * the faces to choose from (several_faces); with `faceBox` the chosen face is enrolled. A face too small,
 * dark, turned or blurred is refused with the factor and a sentence for the person enrolling.
 */
export async function enrolFromImages(
  engine: FaceEngine,
  frames: readonly RgbFrame[],
  opts: EnrolOptions = {},
): Promise<EnrolImageResult[]> {
  const minFacePx = opts.minFacePx ?? DEFAULT_ENROL_MIN_FACE_PX;
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
    const main = pick(faces, frame, offsetPx, opts, minFacePx);
    if ('ok' in main) {
      results.push(main);
      continue;
    }
    const rejected = judge(main, minFacePx);
    if (rejected) {
      results.push(rejected);
      continue;
    }
    const [embedding] = await engine.embed(frame, [main]);
    const box = shift(main.box, -offsetPx);
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
