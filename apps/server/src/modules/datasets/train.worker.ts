// Worker thread: trains one classifier head with TensorFlow.js. tfjs is process-global (one backend per
// thread), so training here never switches the backend under face-api in the main thread, and a long fit
// never blocks the HTTP event loop. In: workerData (TrainWorkerData). Out: epoch reports, then done/error.
// Cancel is worker.terminate().
import { parentPort, workerData } from 'node:worker_threads';
import { trainHead } from '@hadir/vision';
import type { TrainWorkerData, TrainWorkerMessage } from './train-protocol.js';

const d = workerData as TrainWorkerData;
const rows = (flat: Float32Array, dim: number): Float32Array[] =>
  Array.from({ length: flat.length / dim }, (_, i) => flat.subarray(i * dim, (i + 1) * dim));
const post = (m: TrainWorkerMessage): void => parentPort!.postMessage(m);

trainHead({
  method: d.method,
  classes: d.classes,
  x: rows(d.x, d.dim),
  y: d.y,
  xVal: rows(d.xVal, d.dim),
  yVal: d.yVal,
  params: d.params,
  onEpoch: (r) => post({ type: 'epoch', ...r }),
}).then(
  (r) => post({ type: 'done', weights: r.weights }),
  (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);
