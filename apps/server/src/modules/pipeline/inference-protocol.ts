import type { FaceBox, FaceQuality, Landmarks5 } from '@hadir/vision';
import type { EmbeddingSkipRegion } from './embed-policy.js';

export interface InferenceWorkerData {
  modelsDir: string;
  pack: string;
  threads: number;
  /** Preference order, e.g. ['cuda', 'cpu']; the worker falls back to CPU when a provider cannot load. */
  executionProviders?: string[];
  detectorInputSizePx?: number;
  /** With detectorInputSizePx as the width: an aspect-matched input such as 480×288. */
  detectorInputHeightPx?: number;
  /**
   * Flip-averaged embeddings (twice the recognizer cost). Default false on live frames: enrolment keeps
   * the pack's setting; a single pass costs ~0.01 cosine similarity and halves embedding time.
   */
  flipAugment?: boolean;
}

/** One frame of a request; several frames (from several cameras) may travel in one request. */
export interface InferenceFrame {
  frame: ArrayBuffer;
  width: number;
  height: number;
  minFacePx: number;
  /** Faces in these regions belong to named, recently verified tracks and are not embedded again. */
  skipEmbedding?: EmbeddingSkipRegion[];
  /** The detector input for this frame (SCRFD; multiples of 32) instead of the worker's own. */
  detectorInputPx?: { width: number; height: number };
  /** With detectorInputPx: when it finds no face, detect again at the worker's own input. */
  retryAtFullInput?: boolean;
  /**
   * Faces smaller than this (shorter box side, px of `frame`) are not embedded from `frame`: from `mainFrame`
   * when it came along (found again there and aligned from its pixels), else not yet (marked `wanted`).
   */
  mainStreamBelowPx?: number;
  /** The camera's high-resolution main stream at about the same moment (same view, any size). */
  mainFrame?: { frame: ArrayBuffer; width: number; height: number };
}

/** Wall time a worker spent per stage on one request (one thread, one intra-op thread: ≈ its CPU time). */
export interface StageTimings {
  /** Detector (letterbox + SCRFD) and the quality score of every face. */
  detectMs: number;
  /** Aligned recognizer crops of the faces embedded. */
  alignMs: number;
  /** Recognizer passes. */
  embedMs: number;
  /** Finding small faces again in main-stream frames (region crop + detector). */
  mainStreamMs: number;
}

export interface InferenceRequest {
  id: number;
  frames: InferenceFrame[];
}

export interface InferredFace {
  box: FaceBox;
  score: number;
  landmarks: Landmarks5;
  /** Combined usability score 0..1 (size, sharpness, pose, light). */
  quality: number;
  /** The factors behind `quality`: size, blur, yaw/pitch, brightness (phone verify and liveness read them). */
  detail: FaceQuality;
  /** Null when the face was not embedded (it continues a named track; see embed-policy.ts). */
  embedding: Float32Array | null;
  /**
   * Only for faces below mainStreamBelowPx that needed an embedding: `used` when it was embedded from the
   * main-stream frame, `wanted` when that frame was missing or did not show the face (not embedded).
   */
  mainStream?: 'used' | 'wanted';
}

/** What a worker reports once its engine is loaded (id -1). */
export interface InferenceWorkerInfo {
  /** The providers the sessions really run on (requested ∩ available, CPU last). */
  executionProviders: string[];
  /** Why the requested providers were not used, when the worker fell back to CPU. */
  fallbackReason: string | null;
  /** Whether faces of several frames are embedded in one recognizer call. */
  crossFrameBatching: boolean;
}

export interface InferenceResponse {
  id: number;
  ready?: boolean;
  info?: InferenceWorkerInfo;
  error?: string;
  inferenceMs?: number;
  stages?: StageTimings;
  /** One list of faces per request frame, in order. */
  results?: InferredFace[][];
  /** The request's frame buffers, transferred back so the caller reuses them (no copy either way). */
  frames?: ArrayBuffer[];
}
