import type { FaceBox, Landmarks5 } from '@hadir/vision';

export interface InferenceWorkerData {
  modelsDir: string;
  pack: string;
  threads: number;
  executionProviders?: string[];
  detectorInputSizePx?: number;
}

export interface InferenceRequest {
  id: number;
  frame: ArrayBuffer;
  width: number;
  height: number;
  minFacePx: number;
}

export interface InferredFace {
  box: FaceBox;
  score: number;
  landmarks: Landmarks5;
  /** Combined usability score 0..1 (size, sharpness, pose, light). */
  quality: number;
  embedding: Float32Array;
}

export interface InferenceResponse {
  id: number;
  ready?: boolean;
  error?: string;
  inferenceMs?: number;
  faces?: InferredFace[];
}
