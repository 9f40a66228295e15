import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';

/** Containers the video library accepts (checked by extension and then by ffprobe). */
export const VIDEO_EXTENSIONS = ['mp4', 'avi', 'mov', 'mkv'] as const;

export const VideoStatus = z.enum(['queued', 'processing', 'ready', 'failed', 'cancelled']);
export type VideoStatus = z.infer<typeof VideoStatus>;
export const VideoStage = z.enum(['queued', 'transcoding', 'detecting', 'saving', 'done']);

export const VideoLimits = z.object({
  maxBytes: z.number().int().describe('Largest file accepted, bytes (HADIR_VIDEO_MAX_BYTES)'),
  extensions: z.array(z.string()),
  analysedFps: z.number(),
  concurrency: z.number().int(),
  personDetector: z.object({ name: z.string(), available: z.boolean(), commercialUse: z.boolean() }),
});
export type VideoLimits = z.infer<typeof VideoLimits>;

export const VideoSummary = z.object({
  id: Id,
  collectionId: Id.nullable(),
  title: z.string(),
  originalName: z.string(),
  status: VideoStatus,
  stage: VideoStage,
  progress: z.number().min(0).max(1),
  error: z.string().nullable(),
  sizeBytes: z.number().int(),
  durationSec: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  fps: z.number(),
  videoCodec: z.string(),
  transcoded: z.boolean().describe('A browser-playable H.264 copy was made'),
  framesAnalyzed: z.number().int(),
  personCount: z.number().int(),
  createdAt: IsoDateTime,
  processedAt: IsoDateTime.nullable(),
  recordedAt: IsoDateTime.nullable().describe(
    'When the video was recorded (its creation_time metadata, or entered when applying a model); null: unknown',
  ),
});
export type VideoSummary = z.infer<typeof VideoSummary>;

export const VideoList = z.object({ items: z.array(VideoSummary) });

export const AppearanceRange = z.object({
  startSec: z.number(),
  endSec: z.number(),
  startFrame: z.number().int(),
  endFrame: z.number().int(),
});

export const PersonBox = z.object({
  t: z.number(),
  x: z.number(),
  y: z.number(),
  w: z.number(),
  h: z.number(),
});

export const VideoPersonSummary = z.object({
  id: Id,
  code: z.string().describe('PERSON-0001…, stable across the library'),
  name: z.string().nullable(),
  employeeId: Id.nullable(),
  ignored: z.boolean(),
});
export type VideoPersonSummary = z.infer<typeof VideoPersonSummary>;

export const VideoAppearance = z.object({
  person: VideoPersonSummary,
  ranges: z.array(AppearanceRange),
  faces: z.number().int(),
  boxes: z.array(PersonBox).describe('Normalised person boxes per analysed frame, for drawing'),
});

export const VideoDetail = VideoSummary.extend({ people: z.array(VideoAppearance) });
export type VideoDetail = z.infer<typeof VideoDetail>;

export const VideoUploadRejection = z.object({
  fileName: z.string(),
  code: z.string(),
  message: z.string(),
});
export const VideoUploadResponse = z.object({
  videos: z.array(VideoSummary),
  rejected: z.array(VideoUploadRejection),
});

export const VideoPatch = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  collectionId: Id.nullable().optional(),
});

export const VideoCollection = z.object({
  id: Id,
  name: z.string(),
  parentId: Id.nullable(),
  retentionDays: z.number().int().nullable().describe('Videos older than this are deleted; null keeps them'),
  videoCount: z.number().int(),
  createdAt: IsoDateTime,
});
export const VideoCollectionList = z.object({ items: z.array(VideoCollection) });
export const VideoCollectionCreate = z.object({
  name: z.string().trim().min(1).max(120),
  parentId: Id.nullable().optional(),
  retentionDays: z.number().int().min(1).max(3650).nullable().optional(),
});
export const VideoCollectionPatch = VideoCollectionCreate.partial();

export const VideoPersonSearchQuery = z.object({
  q: z.string().trim().max(120).optional().describe('PERSON-0007, or part of a name'),
});
export const VideoPersonHit = VideoPersonSummary.extend({
  videos: z.array(z.object({ videoId: Id, title: z.string(), ranges: z.array(AppearanceRange) })),
});
export const VideoPersonSearchResult = z.object({ items: z.array(VideoPersonHit) });

export const VideoPersonPatch = z.object({
  name: z.string().trim().min(1).max(120).nullable().optional(),
  employeeId: Id.nullable().optional(),
  ignored: z.boolean().optional(),
});
export const VideoPersonMerge = z.object({ intoId: Id.describe('The person that stays') });

/** Pushed on the live WebSocket to callers with video:view. */
export const VideoProgressMessage = z.object({
  type: z.literal('video.progress'),
  videoId: Id,
  status: VideoStatus,
  stage: VideoStage,
  progress: z.number(),
});

/** Resumable upload (tus-like): create a session, send chunks at the server's offset, then complete. */
export const VideoUploadCreate = z.object({
  fileName: z.string().trim().min(1).max(255),
  sizeBytes: z.number().int().min(1),
  collectionId: Id.nullable().optional(),
});
export const VideoUploadSession = z.object({
  id: Id,
  fileName: z.string(),
  sizeBytes: z.number().int(),
  offset: z.number().int().describe('Bytes received so far; the next chunk must start here'),
  chunkBytes: z.number().int().describe('Largest chunk the server takes in one request'),
});
export type VideoUploadSession = z.infer<typeof VideoUploadSession>;
export const VideoUploadChunkQuery = z.object({ offset: z.coerce.number().int().min(0) });
export const VideoPersonSplit = z.object({
  videoId: Id.describe('The video whose appearance is split off'),
  rangeIndexes: z
    .array(z.number().int().min(0))
    .min(1)
    .max(1000)
    .optional()
    .describe("Which of the person's ranges in that video move (all when left out)"),
});
