// Worker thread: one face engine (ONNX sessions) per thread, so detection and embedding never block the
// HTTP event loop. Messages: { id, frames } in; { id, results } or { id, error } out. Frame buffers are
// transferred, not copied. Several frames (from several cameras) may come in one request: they are
// detected one by one and all their faces embedded in one recognizer call (one batch per request).
import { parentPort, workerData } from 'node:worker_threads';
import {
  ComposedFaceEngine,
  availableExecutionProviders,
  loadFaceEngine,
  type DetectedFace,
  type FaceEngine,
  type RgbFrame,
} from '@hadir/vision';
import type {
  InferenceRequest,
  InferenceResponse,
  InferenceWorkerData,
  InferenceWorkerInfo,
  InferredFace,
} from './inference-protocol.js';

const data = workerData as InferenceWorkerData;
const MAX_FACES_PER_FRAME = 20;
let engine: FaceEngine | null = null;

/** What createOnnxSession will really use: the requested providers this runtime has, CPU last. */
function effectiveProviders(requested: string[]): string[] {
  const available = new Set(availableExecutionProviders());
  const out = requested.filter((p) => available.has(p));
  if (!out.includes('cpu')) out.push('cpu');
  return out;
}

async function load(): Promise<InferenceWorkerInfo> {
  const requested = data.executionProviders?.length ? data.executionProviders : ['cpu'];
  const base = {
    modelsDir: data.modelsDir,
    pack: data.pack,
    threads: data.threads,
    ...(data.detectorInputSizePx ? { detectorInputSizePx: data.detectorInputSizePx } : {}),
  };
  let fallbackReason: string | null = null;
  let providers = effectiveProviders(requested);
  try {
    engine = await loadFaceEngine({ ...base, executionProviders: providers });
  } catch (err) {
    // onnxruntime-node lists CUDA/TensorRT even when their libraries are not installed: a GPU request
    // must not leave the cameras without recognition, so fall back to CPU and say why.
    if (providers.length === 1 && providers[0] === 'cpu') throw err;
    fallbackReason = err instanceof Error ? err.message : String(err);
    providers = ['cpu'];
    engine = await loadFaceEngine({ ...base, executionProviders: providers });
  }
  const missing = requested.filter((p) => !providers.includes(p));
  if (fallbackReason === null && missing.length > 0)
    fallbackReason = `not in this onnxruntime build: ${missing.join(', ')}`;
  return {
    executionProviders: providers,
    fallbackReason,
    crossFrameBatching: engine instanceof ComposedFaceEngine,
  };
}

const ready = load().then(
  (info) => parentPort?.postMessage({ id: -1, ready: true, info } satisfies InferenceResponse),
  (err: unknown) =>
    parentPort?.postMessage({
      id: -1,
      error: err instanceof Error ? err.message : String(err),
    } satisfies InferenceResponse),
);

async function analyzeFrames(
  e: FaceEngine,
  frames: RgbFrame[],
  minFacePx: number[],
): Promise<InferredFace[][]> {
  const detected: DetectedFace[][] = [];
  for (const [i, frame] of frames.entries()) {
    detected.push(await e.detect(frame, { minFacePx: minFacePx[i] ?? 0, maxFaces: MAX_FACES_PER_FRAME }));
  }
  let embeddings: Float32Array[][];
  if (e instanceof ComposedFaceEngine) {
    const crops = frames.flatMap((frame, i) =>
      (detected[i] ?? []).map((f) => e.recognizerCrop(frame, f.landmarks)),
    );
    const flat = await e.embedCrops(crops);
    let k = 0;
    embeddings = detected.map((faces) => faces.map(() => flat[k++] as Float32Array));
  } else {
    embeddings = [];
    for (const [i, frame] of frames.entries()) embeddings.push(await e.embed(frame, detected[i] ?? []));
  }
  return detected.map((faces, i) =>
    faces.map((f, j) => ({
      box: f.box,
      score: f.score,
      landmarks: f.landmarks,
      quality: f.quality.score,
      embedding: embeddings[i]?.[j] as Float32Array,
    })),
  );
}

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
      const frames = req.frames.map((f) => ({
        data: new Uint8Array(f.frame),
        width: f.width,
        height: f.height,
      }));
      const t0 = performance.now();
      const results = await analyzeFrames(
        engine,
        frames,
        req.frames.map((f) => f.minFacePx),
      );
      const out: InferenceResponse = { id: req.id, inferenceMs: performance.now() - t0, results };
      const transfer = results.flatMap((faces) => faces.map((f) => f.embedding.buffer as ArrayBuffer));
      parentPort?.postMessage(out, [...new Set(transfer)]);
    } catch (err) {
      parentPort?.postMessage({
        id: req.id,
        error: err instanceof Error ? err.message : String(err),
      } satisfies InferenceResponse);
    }
  })();
});
