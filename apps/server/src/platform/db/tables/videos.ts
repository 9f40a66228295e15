/** Tables of the video library (modules/videos). Paths are relative to HADIR_DATA_DIR. */
export interface VideoCollectionsTable {
  id: string;
  organizationId: string;
  name: string;
  parentId: string | null;
  retentionDays: number | null;
  createdAt: number;
}

export interface VideosTable {
  id: string;
  organizationId: string;
  collectionId: string | null;
  title: string;
  originalName: string;
  /** videos/<org>/<id>: everything of this video, removed as a whole. */
  dir: string;
  originalFile: string;
  /** The file the player gets: the original when browsers play it, else an H.264 +faststart copy. */
  playableFile: string | null;
  status: 'queued' | 'processing' | 'ready' | 'failed' | 'cancelled';
  stage: 'queued' | 'transcoding' | 'detecting' | 'saving' | 'done';
  progress: number;
  error: string | null;
  sizeBytes: number;
  durationSec: number;
  width: number;
  height: number;
  fps: number;
  videoCodec: string;
  browserPlayable: number;
  framesAnalyzed: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  processedAt: number | null;
  /** When it was recorded (creation_time metadata, or entered when applying a model); null: unknown. */
  recordedAt: number | null;
}

export interface VideoPersonsTable {
  id: string;
  organizationId: string;
  /** PERSON-<code padded to 4>. */
  code: number;
  name: string | null;
  employeeId: string | null;
  ignored: number;
  /** Face pack of `embedding`; persons are matched across videos only within one pack. */
  pack: string | null;
  /** Float32 LE face centroid; never leaves the server. */
  embedding: Uint8Array | null;
  thumbnailFile: string | null;
  createdAt: number;
}

export interface VideoAppearancesTable {
  id: string;
  organizationId: string;
  videoId: string;
  personId: string;
  /** JSON [{startSec,endSec,startFrame,endFrame}]. */
  ranges: string;
  /** JSON [{t,x,y,w,h}] normalised boxes. */
  boxes: string;
  faces: number;
  firstSec: number;
}

export interface VideoTables {
  videoCollections: VideoCollectionsTable;
  videos: VideosTable;
  videoPersons: VideoPersonsTable;
  videoAppearances: VideoAppearancesTable;
}
