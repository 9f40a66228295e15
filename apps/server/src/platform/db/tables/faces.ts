import type { Generated } from 'kysely';

/**
 * Biometric tables owned by the faces slice (modules/faces, modules/snapshots). Embeddings are Float32
 * little-endian bytes; aligned crops are 112×112 JPEGs kept only when the organization keeps crops.
 * Nothing here ever leaves the server except through the faces and snapshots presenters.
 */
export interface FaceSamplesTable {
  id: string;
  organizationId: string;
  employeeId: string;
  /** Model pack that produced the embedding; only samples of the running pack are matched. */
  pack: string;
  embedding: Uint8Array;
  quality: number;
  /** JSON { sizePx, blur, yawDeg, pitchDeg, brightness } measured at enrolment (0072); null before. */
  qualityFactors: string | null;
  alignedCrop: Uint8Array | null;
  /** video: a video person's crops, sent for review (modules/datasets). */
  source: 'upload' | 'camera' | 'unknown_group' | 'mobile' | 'video';
  createdAt: number;
  /** Only `approved` samples are matched; a self-enrolment waits `pending` for a reviewer (0038). */
  status: Generated<'approved' | 'pending'>;
  submittedByUserId: string | null;
  reviewedByUserId: string | null;
  reviewedAt: number | null;
  /** Another employee this face already matched at enrolment (the enroller confirmed it), and how well. */
  duplicateEmployeeId: string | null;
  duplicateSimilarity: number | null;
}

export interface SnapshotsTable {
  id: string;
  organizationId: string;
  kind: 'presence' | 'unknown' | 'alert' | 'camera' | 'attendance';
  cameraId: string | null;
  employeeId: string | null;
  /** Relative to HADIR_DATA_DIR: snapshots/<org>/<yyyy-mm-dd>/<id>-face.jpg. */
  facePath: string;
  framePath: string | null;
  createdAt: number;
}

export interface UnknownFacesTable {
  id: string;
  organizationId: string;
  cameraId: string;
  seenAt: number;
  snapshotId: string;
  pack: string;
  embedding: Uint8Array;
  quality: number;
  /** 112×112 aligned crop (only when the organization keeps crops), reused when the group is assigned. */
  alignedCrop: Uint8Array | null;
  clusterId: string | null;
  status: 'new' | 'assigned' | 'dismissed';
  assignedEmployeeId: string | null;
}

export interface FacesTables {
  faceSamples: FaceSamplesTable;
  snapshots: SnapshotsTable;
  unknownFaces: UnknownFacesTable;
}
