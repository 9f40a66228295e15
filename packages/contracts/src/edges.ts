import { z } from 'zod';
import { CameraConfigSchema, CameraIdSchema, CameraStatusSchema } from './camera.js';
import { Id, IsoDateTime } from './common.js';

/** The header an edge box sends on every call after enrolment: `Authorization: Edge <credential>`. */
export const EDGE_AUTH_SCHEME = 'Edge';

export const EdgeStatusSchema = z
  .enum(['pending', 'online', 'lost', 'revoked'])
  .describe(
    'pending: created, not enrolled yet; online: in contact; lost: silent past the limit (its cameras’ ' +
      'people are unknown, not off); revoked: its credential is refused',
  );
export type EdgeStatus = z.infer<typeof EdgeStatusSchema>;

export const EdgeCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(120).describe('What the admin calls this box, e.g. "Gudang A edge"'),
    siteIds: z.array(Id).max(100).default([]).describe('Sites whose cameras the edge runs'),
    cameraIds: z.array(CameraIdSchema).max(500).default([]).describe('Cameras the edge runs'),
  })
  .describe('A new edge box; with no sites and no cameras it serves every camera of the organization.');
export type EdgeCreate = z.input<typeof EdgeCreateSchema>;

export const EdgeViewSchema = z.object({
  id: Id,
  name: z.string(),
  status: EdgeStatusSchema,
  deviceName: z.string().nullable().describe('The name the box gave itself when it enrolled'),
  siteIds: z.array(Id),
  cameraIds: z.array(z.string()),
  lastContactAt: IsoDateTime.nullable(),
  queueDepth: z.number().int().nonnegative().describe('Items waiting in the edge’s queue at its last push'),
  clockSkewMs: z.number().int().describe('Edge clock minus hub clock at the last push'),
  createdAt: IsoDateTime,
  enrolledAt: IsoDateTime.nullable(),
  revokedAt: IsoDateTime.nullable(),
  enrolCodeExpiresAt: IsoDateTime.nullable().describe('While a code is outstanding'),
});
export type EdgeView = z.infer<typeof EdgeViewSchema>;
export const EdgeListSchema = z.array(EdgeViewSchema);

export const EdgeEnrolCodeSchema = z.object({
  edge: EdgeViewSchema,
  enrolCode: z.string().describe('One-time enrol code, shown once'),
  enrolCodeExpiresAt: IsoDateTime,
});
export type EdgeEnrolCode = z.infer<typeof EdgeEnrolCodeSchema>;

export const EdgeEnrolSchema = z.object({
  code: z.string().trim().min(8).max(64).describe('The one-time code from the Edges page'),
  name: z.string().trim().min(1).max(120).describe('Host name of the box'),
});
export type EdgeEnrol = z.infer<typeof EdgeEnrolSchema>;

export const EdgeEnrolledSchema = z.object({
  edgeId: Id,
  organizationId: Id,
  credential: z.string().describe('Device credential, shown once: `Authorization: Edge <credential>`'),
});
export type EdgeEnrolled = z.infer<typeof EdgeEnrolledSchema>;

export const EdgeGalleryEntrySchema = z.object({
  employeeId: Id,
  embeddings: z.array(z.string()).describe('Float32 little-endian embeddings, base64'),
});

export const EdgeConfigSchema = z.object({
  version: z.string().describe('Changes whenever cameras or the gallery change (also the ETag)'),
  edgeId: Id,
  organizationId: Id,
  pack: z
    .string()
    .nullable()
    .describe('Face model pack the gallery was embedded with; null: recognition off'),
  threshold: z.number().nullable(),
  cameras: z.array(z.object({ id: CameraIdSchema, config: CameraConfigSchema })),
  gallery: z.array(EdgeGalleryEntrySchema),
});
export type EdgeConfig = z.infer<typeof EdgeConfigSchema>;

const base64 = z
  .string()
  .max(4_000_000)
  .regex(/^[A-Za-z0-9+/=_-]*$/, 'base64');
const seq = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const EdgeSightingItemSchema = z.object({
  seq,
  kind: z.literal('sighting'),
  cameraId: CameraIdSchema,
  employeeId: Id,
  firstAt: z.iso.datetime(),
  lastAt: z.iso.datetime(),
  count: z.number().int().positive().max(1_000_000),
  cosineSimilarity: z.number().min(-1).max(1),
  trackId: z.string().max(128).nullable().default(null),
  faceJpeg: base64.optional(),
  frameJpeg: base64.optional(),
});

export const EdgeUnknownFaceItemSchema = z.object({
  seq,
  kind: z.literal('unknown_face'),
  cameraId: CameraIdSchema,
  seenAt: z.iso.datetime(),
  embedding: base64,
  quality: z.number().min(0).max(1),
  faceJpeg: base64,
  frameJpeg: base64,
});

export const EdgeCameraHealthItemSchema = z.object({
  seq,
  kind: z.literal('camera_health'),
  cameraId: CameraIdSchema,
  observedAt: z.iso.datetime(),
  status: CameraStatusSchema,
});

export const EdgeIngestItemSchema = z.discriminatedUnion('kind', [
  EdgeSightingItemSchema,
  EdgeUnknownFaceItemSchema,
  EdgeCameraHealthItemSchema,
]);
export type EdgeIngestItem = z.infer<typeof EdgeIngestItemSchema>;

export const EdgeIngestBatchSchema = z
  .object({
    sentAt: z.iso.datetime().describe('The edge’s clock when it sent the batch (skew detection)'),
    queueDepth: z.number().int().nonnegative().describe('Items left in the edge’s queue'),
    items: z.array(EdgeIngestItemSchema).max(1000),
  })
  .describe('Items from an edge’s queue, in seq order; an empty list is a heartbeat.');
export type EdgeIngestBatch = z.infer<typeof EdgeIngestBatchSchema>;

export const EdgeIngestResultSchema = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative().describe('Items for a camera this edge does not serve'),
  clockSkewMs: z.number().int(),
});
export type EdgeIngestResult = z.infer<typeof EdgeIngestResultSchema>;
