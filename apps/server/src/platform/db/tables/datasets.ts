/** Tables of face datasets and the models trained from them (modules/datasets). Paths are relative to HADIR_DATA_DIR. */
export interface DatasetFacesTable {
  id: string;
  organizationId: string;
  personId: string;
  videoId: string;
  /** Per-person number: face_<seq>_frame_<frame>.jpg. */
  seq: number;
  /** Frame number in the source video. */
  frame: number;
  timeSec: number;
  quality: number;
  detScore: number;
  /** datasets/<org>/faces/PERSON-XXXX/face_XXXX_frame_YYYY.jpg: the aligned 128×128 crop. */
  file: string;
  /** The face with its surroundings (for the detection layout). */
  contextFile: string;
  /** JSON {cx,cy,w,h} of the face in the context image, normalised 0..1. */
  contextBox: string;
  pack: string;
  /** Float32 LE, L2-normalised; never leaves the server through a presenter. */
  embedding: Uint8Array;
  createdAt: number;
  /** When the crop became an enrolment sample (normal enrolment path); null: never sent. */
  enrolledAt: number | null;
}

export interface DatasetVersionsTable {
  id: string;
  organizationId: string;
  number: number;
  name: string;
  valRatio: number;
  seed: number;
  /** JSON [{index, personId, code, name}]. */
  classes: string;
  faceCount: number;
  contentHash: string;
  pack: string;
  createdBy: string | null;
  createdAt: number;
}

export interface DatasetVersionItemsTable {
  versionId: string;
  faceId: string;
  classIndex: number;
  split: 'train' | 'val';
}

export interface DatasetModelsTable {
  id: string;
  organizationId: string;
  number: number;
  versionId: string | null;
  datasetHash: string;
  method: 'centroid' | 'logistic' | 'mlp';
  /** JSON hyper-parameters. */
  params: string;
  status: 'queued' | 'training' | 'ready' | 'failed' | 'cancelled';
  /** JSON [{epoch, loss, valAccuracy}]. */
  progress: string;
  error: string | null;
  /** JSON [{index, personId, code, name}]. */
  classes: string;
  pack: string;
  metrics: string | null;
  threshold: number | null;
  /** JSON weights (centroids; W/b per layer). */
  weights: string | null;
  activeLibrary: number;
  activeLive: number;
  imported: number;
  createdBy: string | null;
  createdAt: number;
  finishedAt: number | null;
}

export interface DatasetTables {
  datasetFaces: DatasetFacesTable;
  datasetVersions: DatasetVersionsTable;
  datasetVersionItems: DatasetVersionItemsTable;
  datasetModels: DatasetModelsTable;
}
