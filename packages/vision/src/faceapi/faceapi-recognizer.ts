import { DLIB_TEMPLATE_150 } from '../geometry/similarity.js';
import { l2Normalize } from '../recognize/vector.js';
import type { AlignmentSpec, FaceRecognizer, RgbFrame } from '../types.js';
import { loadFaceApi, loadFaceApiNets, type FaceApiModule } from './faceapi-runtime.js';

/**
 * face-api's faceRecognitionNet: dlib's ResNet-34 metric network (128-d), fed a 150×150 dlib-style face chip.
 * face-api itself feeds an axis-aligned box crop; a similarity-aligned chip is what dlib trained on.
 */
export class FaceApiRecognizer implements FaceRecognizer {
  readonly embeddingSize = 128;
  readonly alignment: AlignmentSpec = { cropSizePx: 150, template: DLIB_TEMPLATE_150 };

  private constructor(
    readonly name: string,
    private readonly faceapi: FaceApiModule,
  ) {}

  static async load(name: string): Promise<FaceApiRecognizer> {
    const faceapi = await loadFaceApi();
    await loadFaceApiNets(faceapi, ['faceRecognitionNet']);
    return new FaceApiRecognizer(name, faceapi);
  }

  async embedAligned(crops: readonly RgbFrame[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    // One at a time: batching on WASM gave no speed-up and holds more memory.
    for (const crop of crops) {
      const input = this.faceapi.tf.tensor3d(crop.data, [crop.height, crop.width, 3], 'int32');
      try {
        const d = await this.faceapi.nets.faceRecognitionNet.computeFaceDescriptor(input);
        const v = Array.isArray(d) ? d[0]! : d;
        out.push(l2Normalize(Float32Array.from(v)));
      } finally {
        input.dispose();
      }
    }
    return out;
  }

  async close(): Promise<void> {}
}
