// Worker thread: one face engine (ONNX sessions) per thread, so detection and embedding never block the
// HTTP event loop. Messages: { id, frame } in; { id, faces } or { id, error } out. Frame buffers are
// transferred, not copied.
import { parentPort, workerData } from 'node:worker_threads';
import { loadFaceEngine, type FaceEngine } from '@hadir/vision';
import type { InferenceRequest, InferenceResponse, InferenceWorkerData } from './inference-protocol.js';

const data = workerData as InferenceWorkerData;
let engine: FaceEngine | null = null;
const ready = loadFaceEngine({
  modelsDir: data.modelsDir,
  pack: data.pack,
  threads: data.threads,
  ...(data.executionProviders ? { executionProviders: data.executionProviders } : {}),
  ...(data.detectorInputSizePx ? { detectorInputSizePx: data.detectorInputSizePx } : {}),
}).then(
  (e) => {
    engine = e;
    parentPort?.postMessage({ id: -1, ready: true } satisfies InferenceResponse);
  },
  (err: unknown) => {
    parentPort?.postMessage({
      id: -1,
      error: err instanceof Error ? err.message : String(err),
    } satisfies InferenceResponse);
  },
);

parentPort?.on('message', (req: InferenceRequest) => {
  void (async () => {
    await ready;
    if (!engine) {
      parentPort?.postMessage({
        id: req.id,
        error: 'face engine failed to load',
      } satisfies InferenceResponse);
      return;
    }
    try {
      const frame = { data: new Uint8Array(req.frame), width: req.width, height: req.height };
      const t0 = performance.now();
      const faces = await engine.analyze(frame, { minFacePx: req.minFacePx, maxFaces: 20 });
      const out: InferenceResponse = {
        id: req.id,
        inferenceMs: performance.now() - t0,
        faces: faces.map((f) => ({
          box: f.box,
          score: f.score,
          landmarks: f.landmarks,
          quality: f.quality.score,
          embedding: f.embedding,
        })),
      };
      parentPort?.postMessage(out, out.faces?.map((f) => f.embedding.buffer as ArrayBuffer) ?? []);
    } catch (err) {
      parentPort?.postMessage({
        id: req.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies InferenceResponse);
    }
  })();
});
