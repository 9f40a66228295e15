import { assertRgbFrame } from '../image/decode.js';
import { filterDetections } from '../detect/scrfd-detector.js';
import type { DetectOptions, FaceDetector, Landmarks5, RawDetection, RgbFrame } from '../types.js';
import { loadFaceApi, loadFaceApiNets, type FaceApiModule, type FaceApiPoint } from './faceapi-runtime.js';

/** Five points from the 68-point layout: eye contour means (36–41, 42–47), nose tip 30, mouth corners 48, 54. */
export function landmarks68To5(p: readonly FaceApiPoint[]): Landmarks5 {
  const mean = (from: number, to: number): [number, number] => {
    let x = 0;
    let y = 0;
    for (let i = from; i <= to; i++) {
      x += p[i]!.x;
      y += p[i]!.y;
    }
    const n = to - from + 1;
    return [x / n, y / n];
  };
  return [mean(36, 41), mean(42, 47), [p[30]!.x, p[30]!.y], [p[48]!.x, p[48]!.y], [p[54]!.x, p[54]!.y]];
}

/** face-api's SSD MobileNetV1 (or Tiny) detector + 68-point landmark net, reduced to five landmarks. */
export class FaceApiDetector implements FaceDetector {
  private constructor(
    readonly name: string,
    private readonly faceapi: FaceApiModule,
    private readonly variant: 'ssd' | 'tiny',
    private readonly scoreThreshold: number,
    private readonly inputSizePx: number,
  ) {}

  static async load(
    name: string,
    opts: { variant?: 'ssd' | 'tiny'; scoreThreshold?: number; inputSizePx?: number } = {},
  ): Promise<FaceApiDetector> {
    const faceapi = await loadFaceApi();
    const variant = opts.variant ?? 'ssd';
    await loadFaceApiNets(faceapi, [
      variant === 'ssd' ? 'ssdMobilenetv1' : 'tinyFaceDetector',
      'faceLandmark68Net',
    ]);
    return new FaceApiDetector(name, faceapi, variant, opts.scoreThreshold ?? 0.5, opts.inputSizePx ?? 416);
  }

  async detect(frame: RgbFrame, opts: DetectOptions = {}): Promise<RawDetection[]> {
    assertRgbFrame(frame);
    const { faceapi } = this;
    const minScore = opts.minScore ?? this.scoreThreshold;
    const options =
      this.variant === 'ssd'
        ? new faceapi.SsdMobilenetv1Options({ minConfidence: minScore, maxResults: 100 })
        : new faceapi.TinyFaceDetectorOptions({ inputSize: this.inputSizePx, scoreThreshold: minScore });
    const input = faceapi.tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
    try {
      const results = await faceapi.detectAllFaces(input, options).withFaceLandmarks();
      const dets: RawDetection[] = results.map((r) => ({
        // face-api's Box keeps its fields private behind getters, so copy them one by one.
        box: {
          x: r.detection.box.x,
          y: r.detection.box.y,
          width: r.detection.box.width,
          height: r.detection.box.height,
        },
        score: r.detection.score,
        landmarks: landmarks68To5(r.landmarks.positions),
      }));
      return filterDetections(dets, frame, opts);
    } finally {
      input.dispose();
    }
  }

  async detectBatch(frames: readonly RgbFrame[], opts?: DetectOptions): Promise<RawDetection[][]> {
    const out: RawDetection[][] = [];
    for (const f of frames) out.push(await this.detect(f, opts));
    return out;
  }

  async close(): Promise<void> {
    // Nets are process-global in face-api; other engines in this thread may still use them.
  }
}
