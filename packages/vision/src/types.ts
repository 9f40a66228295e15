/** A decoded image: tightly packed 8-bit RGB, row-major, no padding (ffmpeg `-pix_fmt rgb24` frames fit as-is). */
export type RgbFrame = { data: Uint8Array; width: number; height: number };

export type Point = [x: number, y: number];

/** Five landmarks in image order: eye on the image's left, eye on the image's right, nose tip, left and right mouth corners. */
export type Landmarks5 = [Point, Point, Point, Point, Point];

export type FaceBox = { x: number; y: number; width: number; height: number };

export type FaceQuality = {
  /** Shorter side of the face box, in source-image pixels. */
  sizePx: number;
  /** Variance of the Laplacian on the aligned grey crop; higher is sharper (below ~30 is usually blurred). */
  blur: number;
  /** Approximate head turn from the five landmarks, degrees; 0 is frontal. */
  yawDeg?: number;
  /** Approximate head nod from the five landmarks, degrees; 0 is frontal. */
  pitchDeg?: number;
  /** Mean grey level of the aligned crop, 0..1. */
  brightness: number;
  /** Combined usability score, 0..1 (1 is an ideal enrolment face). */
  score: number;
};

export type DetectedFace = {
  box: FaceBox;
  /** Detector confidence, 0..1. */
  score: number;
  landmarks: Landmarks5;
  quality: FaceQuality;
};

/** A raw detection before quality is computed. */
export type RawDetection = { box: FaceBox; score: number; landmarks: Landmarks5 };

export type DetectOptions = {
  /** Faces whose box is smaller than this (shorter side, pixels) are dropped. */
  minFacePx?: number;
  /** Detector score threshold, 0..1 (default from the detector, 0.5 for SCRFD). */
  minScore?: number;
  /** Keep at most this many faces, largest first. */
  maxFaces?: number;
  /**
   * SCRFD only: the network input for this call (multiples of 32) instead of the detector's own; e.g.
   * nearFaceDetectorInput() for a phone capture of one near face. Other detectors ignore it.
   */
  inputSizePx?: { width: number; height: number };
};

export interface FaceDetector {
  readonly name: string;
  detect(frame: RgbFrame, opts?: DetectOptions): Promise<RawDetection[]>;
  detectBatch(frames: readonly RgbFrame[], opts?: DetectOptions): Promise<RawDetection[][]>;
  close(): Promise<void>;
}

/** How a recognizer wants its aligned crop: template landmarks in crop pixels and the crop size. */
export type AlignmentSpec = { cropSizePx: number; template: Landmarks5 };

export interface FaceRecognizer {
  readonly name: string;
  readonly embeddingSize: number;
  readonly alignment: AlignmentSpec;
  /** Embeds crops already aligned to `alignment`; returns L2-normalised vectors, one per crop. */
  embedAligned(crops: readonly RgbFrame[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}
