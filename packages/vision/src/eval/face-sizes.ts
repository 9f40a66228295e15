// Recall by face size: real LFW faces scaled to a given face size and placed in 1920×1080 frames, run
// through the detector at several network inputs. Tells which SCRFD input a camera needs for its smallest
// faces (docs/PIPELINE.md), and how well faces of that size are still recognized.
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type OverlayOptions, type Sharp } from 'sharp';
import { iou } from '../detect/nms.js';
import { ComposedFaceEngine, loadFaceEngine } from '../engine/face-engine.js';
import { decodeImage } from '../image/decode.js';
import { cosineSimilarity } from '../recognize/vector.js';
import type { FaceBox, RgbFrame } from '../types.js';

export interface FaceSizeRecallOptions {
  modelsDir: string;
  pack?: string;
  /** LFW-style folder: one sub-folder per person with <Name>_0001.jpg. */
  facesDir: string;
  /** People (first photo each), in name order (default 100). */
  people?: number;
  /** Face sizes to test: the shorter side of the detector's face box, px in the 1920×1080 frame. */
  sizesPx?: number[];
  /** Detector inputs, WIDTH×HEIGHT (multiples of 32). */
  inputs?: { width: number; height: number }[];
  frameWidth?: number;
  frameHeight?: number;
  onProgress?: (line: string) => void;
}

export interface FaceSizeRecallRow {
  sizePx: number;
  faces: number;
  /** Share of faces found (IoU ≥ 0.4 with where it was placed), per input, in the order of `inputs`. */
  recall: number[];
  /** Other detections per frame, per input. */
  falsePerFrame: number[];
  /**
   * Of the faces found by the largest input: share whose embedding from the frame still matches the same
   * photo at full size above the pack's threshold (a resolution check, not a face verification score).
   */
  recognized: number;
}

export interface FaceSizeRecallReport {
  pack: string;
  threshold: number;
  frame: { width: number; height: number };
  inputs: { width: number; height: number }[];
  rows: FaceSizeRecallRow[];
}

export const DEFAULT_FACE_SIZES_PX = [20, 30, 40, 60, 80, 120];
/** 640×384: the multiple of 32 that holds a 640×360 (16:9) frame. */
export const DEFAULT_DETECTOR_INPUTS = [
  { width: 480, height: 288 },
  { width: 640, height: 384 },
  { width: 640, height: 640 },
];

interface Sample {
  /** The photo cropped to 3× the face side around the face, RGB. */
  crop: RgbFrame;
  /** The face box inside `crop`. */
  box: FaceBox;
  /** Embedding of the face at full size. */
  reference: Float32Array;
}

async function rawRgb(s: Sharp): Promise<RgbFrame> {
  const { data, info } = await s.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

export async function runFaceSizeRecall(o: FaceSizeRecallOptions): Promise<FaceSizeRecallReport> {
  const sizes = o.sizesPx ?? DEFAULT_FACE_SIZES_PX;
  const inputs = o.inputs ?? DEFAULT_DETECTOR_INPUTS;
  const W = o.frameWidth ?? 1920;
  const H = o.frameHeight ?? 1080;
  const log = o.onProgress ?? (() => undefined);
  const reference = await loadFaceEngine({ modelsDir: o.modelsDir, ...(o.pack ? { pack: o.pack } : {}) });
  const threshold = reference.info.defaultThreshold;
  const names = fs
    .readdirSync(o.facesDir)
    .filter((n) => fs.existsSync(path.join(o.facesDir, n, `${n}_0001.jpg`)))
    .sort()
    .slice(0, o.people ?? 100);
  const samples: Sample[] = [];
  for (const name of names) {
    const bytes = fs.readFileSync(path.join(o.facesDir, name, `${name}_0001.jpg`));
    const photo = await decodeImage(bytes);
    const faces = await reference.analyze(photo);
    const f = faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
    if (!f) continue;
    const side = Math.max(f.box.width, f.box.height);
    const cx = f.box.x + f.box.width / 2;
    const cy = f.box.y + f.box.height / 2;
    const left = Math.max(0, Math.round(cx - 1.5 * side));
    const top = Math.max(0, Math.round(cy - 1.5 * side));
    const width = Math.min(photo.width - left, Math.round(3 * side));
    const height = Math.min(photo.height - top, Math.round(3 * side));
    const crop = await rawRgb(sharp(bytes).extract({ left, top, width, height }));
    samples.push({
      crop,
      box: { x: f.box.x - left, y: f.box.y - top, width: f.box.width, height: f.box.height },
      reference: f.embedding,
    });
  }
  log(`${samples.length} faces from ${names.length} people`);

  // Frames per size: each sample scaled so its face box's shorter side is `size`, laid out on a grid.
  const framesBySize = new Map<number, { frame: RgbFrame; placed: FaceBox[]; owner: number[] }[]>();
  for (const size of sizes) {
    const cell = Math.ceil(3.2 * size * 1.1);
    const cols = Math.max(1, Math.floor(W / cell));
    const rows = Math.max(1, Math.floor(H / cell));
    const perFrame = Math.min(cols * rows, 24);
    const frames: { frame: RgbFrame; placed: FaceBox[]; owner: number[] }[] = [];
    for (let start = 0; start < samples.length; start += perFrame) {
      const composites: OverlayOptions[] = [];
      const placed: FaceBox[] = [];
      const owner: number[] = [];
      for (let k = 0; k < perFrame && start + k < samples.length; k++) {
        const s = samples[start + k]!;
        const scale = size / Math.min(s.box.width, s.box.height);
        const w = Math.max(1, Math.round(s.crop.width * scale));
        const h = Math.max(1, Math.round(s.crop.height * scale));
        // One face per grid cell, at a per-face offset so faces land on every alignment to the strides.
        const slot = k;
        const jitter = ((start + k) * 37) % Math.max(1, cell - w);
        const left = Math.min(W - w, (slot % cols) * cell + jitter);
        const top = Math.min(
          H - h,
          Math.floor(slot / cols) * cell + (((start + k) * 53) % Math.max(1, cell - h)),
        );
        const input = await sharp(Buffer.from(s.crop.data), {
          raw: { width: s.crop.width, height: s.crop.height, channels: 3 },
        })
          .resize(w, h, { kernel: 'lanczos3' })
          .png()
          .toBuffer();
        composites.push({ input, left, top });
        placed.push({
          x: left + s.box.x * scale,
          y: top + s.box.y * scale,
          width: s.box.width * scale,
          height: s.box.height * scale,
        });
        owner.push(start + k);
      }
      const frame = await rawRgb(
        sharp({
          create: { width: W, height: H, channels: 3, background: { r: 118, g: 118, b: 118 } },
        }).composite(composites),
      );
      frames.push({ frame, placed, owner });
    }
    framesBySize.set(size, frames);
  }

  const rows: FaceSizeRecallRow[] = sizes.map((sizePx) => ({
    sizePx,
    faces: samples.length,
    recall: [],
    falsePerFrame: [],
    recognized: 0,
  }));
  const largest = inputs.reduce(
    (best, x, i) => (x.width * x.height > inputs[best]!.width * inputs[best]!.height ? i : best),
    0,
  );
  for (const [ii, input] of inputs.entries()) {
    const engine = await loadFaceEngine({
      modelsDir: o.modelsDir,
      ...(o.pack ? { pack: o.pack } : {}),
      detectorInputSizePx: input.width,
      detectorInputHeightPx: input.height,
    });
    if (!(engine instanceof ComposedFaceEngine))
      throw new Error('face-size recall needs an ONNX (SCRFD) pack');
    for (const row of rows) {
      let found = 0;
      let others = 0;
      let recognized = 0;
      const frames = framesBySize.get(row.sizePx) ?? [];
      for (const { frame, placed, owner } of frames) {
        const dets = await engine.detector.detect(frame);
        const used = new Set<number>();
        for (const [pi, box] of placed.entries()) {
          let best = -1;
          let bestIou = 0.4;
          dets.forEach((d, di) => {
            const v = iou(d.box, box);
            if (!used.has(di) && v >= bestIou) {
              best = di;
              bestIou = v;
            }
          });
          if (best < 0) continue;
          used.add(best);
          found++;
          if (ii === largest) {
            const [e] = await engine.embed(frame, [dets[best]!]);
            const ref = samples[owner[pi]!]!.reference;
            if (e && cosineSimilarity(e, ref) >= threshold) recognized++;
          }
        }
        others += dets.length - used.size;
      }
      row.recall[ii] = found / Math.max(1, row.faces);
      row.falsePerFrame[ii] = others / Math.max(1, frames.length);
      if (ii === largest) row.recognized = recognized / Math.max(1, found);
      log(`${input.width}×${input.height} ${row.sizePx} px: ${found}/${row.faces} found`);
    }
    await engine.close();
  }
  await reference.close();
  return { pack: reference.info.pack, threshold, frame: { width: W, height: H }, inputs, rows };
}

/** The report as a markdown table (recall per input, then the recognition check). */
export function faceSizeRecallTable(r: FaceSizeRecallReport): string {
  const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
  const big = r.inputs.reduce((best, x) => (x.width * x.height > best.width * best.height ? x : best));
  const head = [
    'face (px in 1080p)',
    ...r.inputs.map((i) => `recall at ${i.width}×${i.height}`),
    `recognized (of found at ${big.width}×${big.height})`,
  ];
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...r.rows.map(
      (row) =>
        `| ${row.sizePx} | ${row.recall.map((v, i) => `${pct(v)} (${row.falsePerFrame[i]!.toFixed(1)} other/frame)`).join(' | ')} | ${pct(row.recognized)} |`,
    ),
  ].join('\n');
}
