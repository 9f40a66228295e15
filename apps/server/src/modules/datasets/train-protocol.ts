import type { HeadMethod, HeadWeights, TrainHeadParams } from '@hadir/vision';

export interface TrainWorkerData {
  method: HeadMethod;
  classes: number;
  dim: number;
  /** Row-major embeddings. */
  x: Float32Array;
  y: number[];
  xVal: Float32Array;
  yVal: number[];
  params: TrainHeadParams;
}

export type TrainWorkerMessage =
  | { type: 'epoch'; epoch: number; loss: number; valAccuracy: number }
  | { type: 'done'; weights: HeadWeights }
  | { type: 'error'; message: string };
