import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { EmployeeCode } from './employees.js';

/** Face datasets cut from the video library's persons, and the recognition models trained from them. */

export const DatasetExtractRequest = z.object({
  videoId: Id.describe('Video whose persons give their faces'),
  maxPerPerson: z.number().int().min(1).max(200).default(20).describe('Most crops kept per person and video'),
  minQuality: z.number().min(0).max(1).default(0.35).describe('Faces below this quality score are skipped'),
  maxSimilarity: z
    .number()
    .min(0.5)
    .max(1)
    .default(0.9)
    .describe('A face at least this similar (cosine) to a kept face of the same person is a near-duplicate'),
});
export type DatasetExtractRequest = z.infer<typeof DatasetExtractRequest>;
export const DatasetExtractQueued = z.object({ jobId: Id, videoId: Id });

export const DatasetFace = z.object({
  id: Id,
  personId: Id,
  videoId: Id,
  fileName: z.string().describe('face_XXXX_frame_YYYY.jpg'),
  frame: z.number().int(),
  timeSec: z.number(),
  quality: z.number(),
  createdAt: IsoDateTime,
});
export type DatasetFace = z.infer<typeof DatasetFace>;

export const DatasetPerson = z.object({
  id: Id,
  code: z.string(),
  name: z.string().nullable(),
  employeeId: Id.nullable(),
  ignored: z.boolean(),
  faceCount: z.number().int(),
  meanQuality: z.number().nullable(),
});
export type DatasetPerson = z.infer<typeof DatasetPerson>;
export const DatasetPersonList = z.object({ items: z.array(DatasetPerson) });
export const DatasetFaceList = z.object({ person: DatasetPerson, items: z.array(DatasetFace) });

export const DatasetFacesDelete = z.object({ faceIds: z.array(Id).min(1).max(1000) });
export const DatasetFacesMove = z.object({
  faceIds: z.array(Id).min(1).max(1000),
  personId: Id.describe('The person the crops go to'),
});
export const DatasetPersonsMerge = z.object({ personId: Id, intoId: Id.describe('The person that stays') });
export const DatasetPersonIgnore = z.object({ ignored: z.boolean() });
export const DatasetCount = z.object({ count: z.number().int() });

export const DatasetClass = z.object({
  index: z.number().int(),
  personId: Id.nullable(),
  code: z.string(),
  name: z.string().nullable(),
});
export type DatasetClass = z.infer<typeof DatasetClass>;

export const DatasetVersionCreate = z.object({
  name: z.string().trim().min(1).max(120),
  valRatio: z
    .number()
    .min(0.05)
    .max(0.5)
    .default(0.2)
    .describe('Share of each class held out for validation'),
  minFacesPerClass: z.number().int().min(2).max(1000).default(4),
  personIds: z
    .array(Id)
    .max(5000)
    .optional()
    .describe('Persons to include (default: every non-ignored person)'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});
export const DatasetVersion = z.object({
  id: Id,
  number: z.number().int(),
  name: z.string(),
  valRatio: z.number(),
  classes: z.array(DatasetClass.extend({ train: z.number().int(), val: z.number().int() })),
  faceCount: z.number().int().describe('Faces when the snapshot was made'),
  currentFaceCount: z.number().int().describe('Fewer than faceCount after an erasure'),
  contentHash: z.string().describe('sha256 over the labelled crops (bytes, class, split)'),
  pack: z.string(),
  createdAt: IsoDateTime,
});
export type DatasetVersion = z.infer<typeof DatasetVersion>;
export const DatasetVersionList = z.object({ items: z.array(DatasetVersion) });

export const TrainMethod = z.enum(['centroid', 'logistic', 'mlp']);
export type TrainMethod = z.infer<typeof TrainMethod>;
export const TrainParams = z.object({
  epochs: z.number().int().min(1).max(500).default(60),
  learningRate: z.number().min(1e-5).max(1).default(0.01),
  batchSize: z.number().int().min(4).max(1024).default(32),
  l2: z.number().min(0).max(1).default(1e-4),
  hiddenUnits: z.number().int().min(4).max(1024).default(128).describe('MLP only'),
  targetFar: z
    .number()
    .min(0.0001)
    .max(0.5)
    .default(0.01)
    .describe('False-accept rate the open-set threshold is chosen for'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});
export type TrainParams = z.infer<typeof TrainParams>;
export const TrainRequest = z.object({
  versionId: Id,
  method: TrainMethod,
  params: TrainParams.partial().default({}),
});

export const EpochPoint = z.object({ epoch: z.number().int(), loss: z.number(), valAccuracy: z.number() });
export const ModelMetrics = z.object({
  accuracy: z.number(),
  samples: z.number().int(),
  perClass: z.array(
    z.object({ code: z.string(), precision: z.number(), recall: z.number(), support: z.number().int() }),
  ),
  confusion: z.array(z.array(z.number().int())).describe('rows: true class, columns: predicted'),
  openSet: z.object({
    targetFar: z.number(),
    threshold: z.number().describe('Cosine similarity to the predicted class centroid'),
    far: z.number().describe('Share of unknown faces accepted at the threshold'),
    rejection: z.number().describe('Share of unknown faces refused (1 - far)'),
    tar: z.number().describe('Share of known faces accepted and named right'),
    unknownSamples: z.number().int(),
  }),
});
export type ModelMetrics = z.infer<typeof ModelMetrics>;
export const ModelStatus = z.enum(['queued', 'training', 'ready', 'failed', 'cancelled']);
export const DatasetModel = z.object({
  id: Id,
  number: z.number().int(),
  versionId: Id.nullable(),
  datasetHash: z.string(),
  method: TrainMethod,
  params: TrainParams,
  status: ModelStatus,
  progress: z.array(EpochPoint),
  error: z.string().nullable(),
  classes: z.array(DatasetClass),
  pack: z.string(),
  metrics: ModelMetrics.nullable(),
  threshold: z.number().nullable(),
  activeLibrary: z.boolean(),
  activeLive: z.boolean(),
  imported: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: IsoDateTime,
  finishedAt: IsoDateTime.nullable(),
});
export type DatasetModel = z.infer<typeof DatasetModel>;
export const DatasetModelList = z.object({ items: z.array(DatasetModel) });
export const ModelActivate = z.object({ library: z.boolean().optional(), live: z.boolean().optional() });

/** The portable form of a model (export on one Hadir, import on another). */
export const ModelManifest = z.object({
  format: z.literal('hadir-face-head/1'),
  method: TrainMethod,
  pack: z.string().describe('Face pack whose embeddings the head reads'),
  embeddingSize: z.number().int().min(1).max(4096),
  classes: z
    .array(z.object({ index: z.number().int(), code: z.string(), name: z.string().nullable() }))
    .min(1)
    .max(10000),
  threshold: z.number(),
  params: TrainParams,
  metrics: ModelMetrics.nullable(),
  datasetHash: z.string(),
  weights: z.object({
    centroids: z.array(z.array(z.number())),
    layers: z.array(z.object({ w: z.array(z.array(z.number())), b: z.array(z.number()) })),
  }),
});
export type ModelManifest = z.infer<typeof ModelManifest>;

export const ModelApplyRequest = z.object({
  modelId: Id.optional().describe('Default: the active library model'),
  recordAttendance: z
    .boolean()
    .default(false)
    .describe(
      "Record `video` attendance events for the recognised employees at the video's recorded time (the organization's libraryAttendance must be on)",
    ),
  recordedAt: IsoDateTime.optional().describe(
    "When the video was recorded; needed with recordAttendance when the file's metadata has no creation_time. Stored on the video.",
  ),
});
export type ModelApplyRequest = z.input<typeof ModelApplyRequest>;

export const ModelApplyResult = z.object({
  videoId: Id,
  persons: z.array(
    z.object({
      personId: Id,
      code: z.string(),
      label: z.string().nullable(),
      score: z.number(),
      accepted: z.boolean(),
      employeeId: Id.nullable().describe('The employee the model named (through its class person), if any'),
    }),
  ),
  attendance: z
    .object({
      recordedAt: IsoDateTime.describe('The recording time the events were placed at'),
      events: z.number().int().describe('Events stored now (re-applying stores none twice)'),
      employees: z.number().int(),
    })
    .nullable()
    .describe('Only when recordAttendance was asked'),
});

/** Pushed on the live WebSocket to callers with video:view. */
export const DatasetProgressMessage = z.object({
  type: z.literal('dataset.progress'),
  kind: z.enum(['extract', 'train']),
  id: Id.describe('Video id (extract) or model id (train)'),
  status: z.string(),
  fraction: z.number(),
  point: EpochPoint.nullable(),
});

/**
 * Live recognition from a browser camera (/api/webcam/ws): the browser sends one JPEG per binary message
 * and waits for its answer before sending the next (so a slow server never builds a queue).
 */
export const WebcamFace = z.object({
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
  name: z.string().nullable().describe('Employee or person named; null for an unknown face'),
  code: z.string().nullable().describe('PERSON code when the live model named the face'),
  employeeId: Id.nullable(),
  score: z.number().describe('Cosine similarity behind the decision'),
  by: z.enum(['model', 'enrolment', 'none']),
});
export const WebcamResult = z.object({
  type: z.literal('webcam.result'),
  width: z.number().int(),
  height: z.number().int(),
  faces: z.array(WebcamFace),
  model: z.object({ number: z.number().int(), threshold: z.number() }).nullable(),
  serverMs: z.number().describe('Time the server spent on this frame'),
  recorded: z
    .array(z.object({ employeeId: Id, name: z.string() }))
    .default([])
    .describe(
      'Employees whose `webcam` attendance event was stored with this frame (organization setting on; once per employee per interval)',
    ),
});
export type WebcamResult = z.infer<typeof WebcamResult>;
export const WebcamError = z.object({
  type: z.literal('webcam.error'),
  code: z.string(),
  message: z.string(),
});

/**
 * A linked person's reviewed crops sent through the normal enrolment path (quality gate, duplicate-face
 * check): accepted ones are face samples now (pending review when the caller may only submit).
 */
export const PersonEnrolResult = z.object({
  employeeId: Id,
  accepted: z.number().int().describe('Crops stored as face samples'),
  pending: z.number().int().describe('Of those, waiting for review as face samples'),
  rejected: z.number().int().describe('Crops the enrolment quality gate refused'),
  rejectedFor: z.array(z.string()).describe('The quality gate’s reason per refused crop'),
  skipped: z.number().int().describe('Crops already sent before'),
});
export type PersonEnrolResult = z.infer<typeof PersonEnrolResult>;

export const PersonEnrolRequest = z.object({
  allowDuplicate: z
    .boolean()
    .default(false)
    .describe(
      'Enrol even when a crop already matches another employee (audited), after a 409 face_matches_other_employee',
    ),
});

/** A new employee from a video person: created, linked, and the person's crops enrolled. */
export const PersonEmployeeCreate = z.object({
  name: z.string().trim().min(1).max(120),
  employeeCode: EmployeeCode,
  allowDuplicate: z.boolean().default(false),
});
export const PersonEmployeeCreated = z.object({
  employee: z.object({ id: Id, employeeCode: z.string(), name: z.string() }),
  enrolment: PersonEnrolResult.nullable().describe('Null when the person has no crops yet or a face matched'),
  duplicate: z
    .object({
      threshold: z.number().nullable(),
      matches: z.array(
        z.object({
          index: z.number().int(),
          employee: z.object({ id: Id, employeeCode: z.string(), name: z.string() }).nullable(),
          cosineSimilarity: z.number(),
        }),
      ),
    })
    .nullable()
    .describe(
      'A crop matched another employee: the employee is created and linked, no face stored; enrol again with allowDuplicate to confirm',
    ),
});
export type PersonEmployeeCreated = z.infer<typeof PersonEmployeeCreated>;
