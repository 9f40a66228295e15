import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { nms } from '../detect/nms.js';
import { filterDetections } from '../detect/scrfd-detector.js';
import { assertRgbFrame } from '../image/decode.js';
import type { DetectOptions, FaceBox, FaceDetector, Landmarks5, RawDetection, RgbFrame } from '../types.js';
import { landmarks68To5 } from './faceapi-detector.js';
import { loadFaceApi, loadFaceApiNets, type FaceApiModule, type FaceApiPoint } from './faceapi-runtime.js';

/*
 * MediaPipe BlazeFace (the 256×256 "back"/full-range model, Apache-2.0), as shipped inside the npm
 * tarball of @vladmandic/human (models/blazeface.json + .bin). It runs on the same tfjs WASM backend as
 * face-api. Its six keypoints are too coarse for the dlib chip (no mouth corners), so each box is handed
 * to face-api's 68-point landmark net, exactly as face-api does after its own SSD detector.
 */

type Tensor = { dispose(): void; shape: number[]; data(): Promise<Float32Array | Int32Array> };
type GraphModel = { execute(input: Tensor): Tensor | Tensor[]; dispose(): void };
type Tf = {
  tensor3d(values: Uint8Array, shape: [number, number, number], dtype: string): Tensor;
  tidy<T>(fn: () => T): T;
  image: { resizeBilinear(t: Tensor, size: [number, number]): Tensor };
  pad(t: Tensor, paddings: [number, number][], value?: number): Tensor;
  slice(t: Tensor, begin: number[], size: number[]): Tensor;
  expandDims(t: Tensor, axis?: number): Tensor;
  cast(t: Tensor, dtype: string): Tensor;
  div(a: Tensor, b: number): Tensor;
  sub(a: Tensor, b: number): Tensor;
  loadGraphModel(handler: unknown): Promise<GraphModel>;
  io: { fromMemory(artifacts: unknown): unknown };
};
type LandmarkNet = { detectLandmarks(input: Tensor): Promise<{ positions: FaceApiPoint[] }> };

const INPUT_PX = 256;
/** (stride, anchors per cell) of the full-range model's two output heads, in output order. */
const HEADS: [number, number][] = [
  [16, 2],
  [32, 6],
];

const require = createRequire(import.meta.url);

/** Where the weights live: inside node_modules, put there by npm install. */
export function blazeFaceModelPath(): string {
  // The package's "exports" hide package.json; resolve its main file (not loaded) and step out of dist/.
  const dist = path.dirname(require.resolve('@vladmandic/human'));
  return path.join(dist, '..', 'models', 'blazeface.json');
}

/** Anchor centres in input pixels, in the order the model emits its rows (row-major cells, anchors inner). */
export function blazeFaceAnchors(): Float32Array {
  const out: number[] = [];
  for (const [stride, perCell] of HEADS) {
    const cells = INPUT_PX / stride;
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let a = 0; a < perCell; a++) out.push((x + 0.5) * stride, (y + 0.5) * stride);
      }
    }
  }
  return Float32Array.from(out);
}

/**
 * Decodes raw rows (score logit + 16 regressors per anchor) into boxes in input pixels. Pure, for tests.
 * Regressors: centre offset (x, y), size (w, h), then six keypoints as offsets from the anchor centre.
 */
export function decodeBlazeFace(
  logits: ArrayLike<number>,
  regressors: ArrayLike<number>,
  anchors: Float32Array,
  minScore: number,
): { box: FaceBox; score: number; keypoints: [number, number][] }[] {
  const out: { box: FaceBox; score: number; keypoints: [number, number][] }[] = [];
  const n = anchors.length / 2;
  for (let i = 0; i < n; i++) {
    const z = Math.max(-80, Math.min(80, logits[i]!));
    const score = 1 / (1 + Math.exp(-z));
    if (score < minScore) continue;
    const r = i * 16;
    const ax = anchors[2 * i]!;
    const ay = anchors[2 * i + 1]!;
    const cx = ax + regressors[r]!;
    const cy = ay + regressors[r + 1]!;
    const w = regressors[r + 2]!;
    const h = regressors[r + 3]!;
    const keypoints: [number, number][] = [];
    for (let k = 0; k < 6; k++)
      keypoints.push([ax + regressors[r + 4 + 2 * k]!, ay + regressors[r + 5 + 2 * k]!]);
    out.push({ box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h }, score, keypoints });
  }
  return out;
}

export class BlazeFaceDetector implements FaceDetector {
  private readonly anchors = blazeFaceAnchors();

  private constructor(
    readonly name: string,
    private readonly faceapi: FaceApiModule,
    private readonly model: GraphModel,
    private readonly scoreThreshold: number,
    /** Side of the square handed to the landmark net, relative to the BlazeFace box side. */
    private readonly landmarkBoxScale: number,
  ) {}

  static async load(
    name: string,
    opts: { scoreThreshold?: number; landmarkBoxScale?: number; modelPath?: string } = {},
  ): Promise<BlazeFaceDetector> {
    const faceapi = await loadFaceApi();
    await loadFaceApiNets(faceapi, ['faceLandmark68Net']);
    const tf = faceapi.tf as unknown as Tf;
    const file = opts.modelPath ?? blazeFaceModelPath();
    const json = JSON.parse(await readFile(file, 'utf8')) as {
      modelTopology: unknown;
      format?: string;
      generatedBy?: string;
      convertedBy?: string;
      weightsManifest: { paths: string[]; weights: unknown[] }[];
    };
    const buffers = await Promise.all(
      json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(path.join(path.dirname(file), p))),
    );
    const all = Buffer.concat(buffers);
    const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
    const model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
      }),
    );
    return new BlazeFaceDetector(
      name,
      faceapi,
      model,
      opts.scoreThreshold ?? 0.5,
      opts.landmarkBoxScale ?? 1.1,
    );
  }

  async detect(frame: RgbFrame, opts: DetectOptions = {}): Promise<RawDetection[]> {
    assertRgbFrame(frame);
    const tf = this.faceapi.tf as unknown as Tf;
    const minScore = opts.minScore ?? this.scoreThreshold;
    const scale = Math.min(INPUT_PX / frame.width, INPUT_PX / frame.height);
    const newW = Math.max(1, Math.min(INPUT_PX, Math.round(frame.width * scale)));
    const newH = Math.max(1, Math.min(INPUT_PX, Math.round(frame.height * scale)));
    const image = tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
    try {
      const outputs = tf.tidy(() => {
        const resized = tf.image.resizeBilinear(tf.cast(image, 'float32'), [newH, newW]);
        // Letterbox (pad right and bottom) so the face keeps its shape; pad value is black.
        const padded = tf.pad(resized, [
          [0, INPUT_PX - newH],
          [0, INPUT_PX - newW],
          [0, 0],
        ]);
        const input = tf.expandDims(tf.sub(tf.div(padded, 127.5), 1), 0);
        const res = this.model.execute(input);
        return Array.isArray(res) ? res : [res];
      });
      const byShape = async (rows: number, cols: number): Promise<Float32Array> => {
        const t = outputs.find((o) => o.shape[1] === rows && o.shape[2] === cols);
        if (!t) throw new Error(`BlazeFace output [1,${rows},${cols}] missing`);
        return Float32Array.from(await t.data());
      };
      const [s512, r512, s384, r384] = await Promise.all([
        byShape(512, 1),
        byShape(512, 16),
        byShape(384, 1),
        byShape(384, 16),
      ]);
      for (const o of outputs) o.dispose();
      const logits = new Float32Array(896);
      logits.set(s512, 0);
      logits.set(s384, 512);
      const regs = new Float32Array(896 * 16);
      regs.set(r512, 0);
      regs.set(r384, 512 * 16);
      const raw = decodeBlazeFace(logits, regs, this.anchors, minScore);
      const keep = nms(
        raw.map((d) => d.box),
        raw.map((d) => d.score),
        0.3,
      );
      const dets: RawDetection[] = [];
      for (const i of keep) {
        const d = raw[i]!;
        const box: FaceBox = {
          x: d.box.x / scale,
          y: d.box.y / scale,
          width: d.box.width / scale,
          height: d.box.height / scale,
        };
        const landmarks = await this.landmarks(image, frame, box);
        if (landmarks) dets.push({ box, score: d.score, landmarks });
      }
      return filterDetections(dets, frame, opts);
    } finally {
      image.dispose();
    }
  }

  /** face-api's 68-point net on a square around the box, reduced to the five points the aligner uses. */
  private async landmarks(image: Tensor, frame: RgbFrame, box: FaceBox): Promise<Landmarks5 | null> {
    const tf = this.faceapi.tf as unknown as Tf;
    const side = Math.max(box.width, box.height) * this.landmarkBoxScale;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const x0 = Math.max(0, Math.floor(cx - side / 2));
    const y0 = Math.max(0, Math.floor(cy - side / 2));
    const x1 = Math.min(frame.width, Math.ceil(cx + side / 2));
    const y1 = Math.min(frame.height, Math.ceil(cy + side / 2));
    if (x1 - x0 < 8 || y1 - y0 < 8) return null;
    const crop = tf.slice(image, [y0, x0, 0], [y1 - y0, x1 - x0, 3]);
    try {
      const net = this.faceapi.nets.faceLandmark68Net as unknown as LandmarkNet;
      const lm = await net.detectLandmarks(crop);
      return landmarks68To5(lm.positions.map((p) => ({ x: p.x + x0, y: p.y + y0 })));
    } finally {
      crop.dispose();
    }
  }

  async detectBatch(frames: readonly RgbFrame[], opts?: DetectOptions): Promise<RawDetection[][]> {
    const out: RawDetection[][] = [];
    for (const f of frames) out.push(await this.detect(f, opts));
    return out;
  }

  async close(): Promise<void> {
    this.model.dispose();
  }
}
