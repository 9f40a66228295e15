// Cameras API, live presence, the presence log and the dashboard WebSocket messages.
import { z } from 'zod';
import { CameraConfigFileSchema, CameraIdSchema, CameraSourceSchema, CameraStatusSchema } from './camera.js';
import { Id, IsoDateTime } from './common.js';
import { Alert } from './alerts.js';
import { VideoProgressMessage } from './videos.js';
import { DatasetProgressMessage } from './datasets.js';
import { MobileRecordMessage } from './mobile.js';

// ---- cameras ----

/** A camera as the API shows it: its config (source credentials masked), health and any config problem. */
export const CameraView = z
  .object({
    id: CameraIdSchema,
    name: z.string(),
    area: z.string().nullable().describe('Area id or name the camera watches'),
    areaId: Id.nullable().describe('Resolved area id when `area` names an area of the organization'),
    source: z.string().describe('Source URL with any password replaced by ***'),
    enabled: z.boolean(),
    analysisFps: z.number().nullable(),
    minFacePx: z.number().nullable(),
    absentAfterMinutes: z.number().nullable(),
    maxWidth: z.number().nullable(),
    valid: z.boolean().describe('false when the config file has errors (see issues)'),
    issues: z.array(z.string()).describe('Readable problems of the config file, naming the field to fix'),
    status: CameraStatusSchema,
    updatedAt: IsoDateTime,
  })
  .describe('A camera with its health');
export type CameraView = z.infer<typeof CameraView>;

/** Create a camera: the same fields as camera_config/<id>/config.json, with the id required. */
export const CameraCreate = CameraConfigFileSchema.omit({ organizationId: true }).extend({
  id: CameraIdSchema,
});
export type CameraCreate = z.infer<typeof CameraCreate>;

/** Change a camera: any field of the config file; null removes an optional override. */
export const CameraUpdate = CameraConfigFileSchema.omit({ organizationId: true, id: true }).partial();
export type CameraUpdate = z.infer<typeof CameraUpdate>;

export const CameraTestSourceRequest = z.object({
  source: CameraSourceSchema,
  rtspTransport: z.enum(['tcp', 'udp']).optional(),
});
/**
 * A stream below what recognition needs (the seed's guidance: 1080p at 15 fps, faces from about 3 m).
 * low_resolution: under 720 lines a face at 3 m is under ~40 px, the smallest face analysed by default.
 * low_fps: under 10 fps a person walking past is seen in too few frames to be matched reliably.
 */
export const CameraStreamWarning = z.object({
  code: z.enum(['low_resolution', 'low_fps']),
  message: z.string().describe('English sentence with the measured and the needed values'),
  measured: z.number().describe('Lines (low_resolution) or frames per second (low_fps) of the stream'),
  minimum: z.number().describe('The least recognition needs'),
  recommended: z.number().describe("The seed's recommendation (1080 lines, 15 fps)"),
});
export type CameraStreamWarning = z.infer<typeof CameraStreamWarning>;

export const CameraTestSourceResponse = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    codec: z.string(),
    fps: z.number().positive().nullable(),
    elapsedMs: z.number().nonnegative(),
    previewJpeg: z
      .string()
      .nullable()
      .describe('The decoded frame as a data:image/jpeg;base64 URL (≤ 640 px wide); never stored'),
    warnings: z.array(CameraStreamWarning).describe('Empty when the stream is good enough'),
  }),
  z.object({ ok: z.literal(false), error: z.string(), elapsedMs: z.number().nonnegative() }),
]);
export type CameraTestSourceResponse = z.infer<typeof CameraTestSourceResponse>;

// ---- live presence ----

export const PresenceStateName = z
  .enum(['available', 'off', 'unknown', 'outside_hours'])
  .describe(
    'available: seen within the absence window; off: not seen for longer, inside working hours; ' +
      'unknown: the cameras covering the person are down (never called absent); outside_hours: not working now',
  );
export type PresenceStateName = z.infer<typeof PresenceStateName>;

export const PresenceReasonName = z
  .enum(['left', 'not_arrived', 'cameras_down', 'no_coverage', 'coverage_recovering'])
  .nullable();

export const PresenceEntry = z.object({
  employeeId: Id,
  employeeCode: z.string(),
  name: z.string(),
  departmentId: Id.nullable(),
  departmentName: z.string().nullable(),
  areaId: Id.nullable(),
  areaName: z.string().nullable(),
  state: PresenceStateName,
  reason: PresenceReasonName,
  since: IsoDateTime.nullable().describe('When the current state began'),
  lastSeenAt: IsoDateTime.nullable(),
  lastCameraId: z.string().nullable(),
  lastCameraName: z.string().nullable(),
  /** Whether GET /api/analytics/employees/:id/photo.jpg has a face to show (lists skip the 404s). */
  hasPhoto: z.boolean(),
});
export type PresenceEntry = z.infer<typeof PresenceEntry>;

export const PresenceQuery = z.object({
  state: PresenceStateName.optional(),
  areaId: Id.optional(),
  departmentId: Id.optional(),
  q: z.string().trim().max(100).optional().describe('Search in name and employee code'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type PresenceQuery = z.infer<typeof PresenceQuery>;

export const PresenceCounts = z.object({
  available: z.number().int(),
  off: z.number().int(),
  unknown: z.number().int(),
  outside_hours: z.number().int(),
});

export const PresenceList = z.object({
  items: z.array(PresenceEntry),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  counts: PresenceCounts.describe('Employees per state, over the filters except `state`'),
});
export type PresenceList = z.infer<typeof PresenceList>;

// ---- presence log ----

export const PresenceStayCamera = z.object({
  cameraId: z.string(),
  cameraName: z.string(),
  firstSeenAt: IsoDateTime,
  lastSeenAt: IsoDateTime,
  sightings: z.number().int(),
});
export type PresenceStayCamera = z.infer<typeof PresenceStayCamera>;

/**
 * One stay: from the first to the last sighting while any camera kept seeing the person within the
 * absence window. `cameraId`/`cameraName` are where it began; `cameras` lists every camera that saw them.
 */
export const PresenceInterval = z.object({
  id: Id,
  employeeId: Id,
  employeeCode: z.string(),
  employeeName: z.string(),
  cameraId: z.string(),
  cameraName: z.string(),
  startedAt: IsoDateTime,
  lastSeenAt: IsoDateTime,
  durationMs: z.number().int().nonnegative(),
  sightings: z.number().int(),
  bestSimilarity: z.number(),
  cameras: z.array(PresenceStayCamera).describe('Every camera that saw the person during the stay'),
});
export type PresenceInterval = z.infer<typeof PresenceInterval>;

export const PresenceIntervalsQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional().describe('Stays that were still going at or after this'),
  to: z.iso.datetime({ offset: true }).optional().describe('Stays that started before this'),
  employeeId: Id.optional(),
  departmentId: Id.optional(),
  cameraId: z.string().max(64).optional(),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  format: z.enum(['json', 'csv']).default('json').describe('csv streams every matching row'),
});
export type PresenceIntervalsQuery = z.infer<typeof PresenceIntervalsQuery>;

export const PresenceIntervalsPage = z.object({
  items: z.array(PresenceInterval),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next (older) page; null at the end'),
});
export type PresenceIntervalsPage = z.infer<typeof PresenceIntervalsPage>;

// ---- WebSocket (GET /api/ws) ----

export const PresenceChange = z.object({
  employeeId: Id,
  state: PresenceStateName,
  reason: PresenceReasonName,
  since: IsoDateTime,
  lastSeenAt: IsoDateTime.nullable(),
  lastCameraName: z.string().nullable(),
});
export type PresenceChange = z.infer<typeof PresenceChange>;

/** Server → client messages on /api/ws; each carries only the caller's organization's data. */
export const WsServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), organizationId: Id, at: IsoDateTime }),
  z.object({ type: z.literal('camera.status'), camera: CameraView }),
  z.object({ type: z.literal('camera.removed'), cameraId: z.string() }),
  z.object({ type: z.literal('presence.changed'), presence: PresenceChange }),
  z.object({ type: z.literal('alert.opened'), alert: Alert }),
  z.object({ type: z.literal('alert.updated'), alert: Alert }),
  z.object({ type: z.literal('alert.resolved'), alert: Alert }),
  VideoProgressMessage,
  DatasetProgressMessage,
  MobileRecordMessage,
]);
export type WsServerMessage = z.infer<typeof WsServerMessage>;
