// Alerts: absence episodes routed up the supervisor chain, and camera outages.
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';

export const AlertKind = z.enum(['absence', 'camera_down']);
export type AlertKind = z.infer<typeof AlertKind>;
export const AlertStatus = z
  .enum(['open', 'acknowledged', 'resolved', 'suppressed'])
  .describe('suppressed: ended inside the flapping cooldown before anyone was told');
export type AlertStatus = z.infer<typeof AlertStatus>;

export const Alert = z.object({
  id: Id,
  kind: AlertKind,
  status: AlertStatus,
  level: z.number().int().describe('Escalation level reached: 0 = direct supervisor'),
  employeeId: Id.nullable(),
  employeeCode: z.string().nullable(),
  employeeName: z.string().nullable(),
  cameraId: z.string().nullable(),
  cameraName: z.string().nullable(),
  openedAt: IsoDateTime,
  lastSeenAt: IsoDateTime.nullable().describe('Last sighting before the absence'),
  acknowledgedAt: IsoDateTime.nullable(),
  acknowledgedBy: Id.nullable().describe('User id'),
  escalatedAt: IsoDateTime.nullable(),
  resolvedAt: IsoDateTime.nullable(),
  resolution: z.string().nullable().describe('returned, working_hours_ended, suppressed, camera_up, ...'),
  message: z.string().nullable().describe('The latest message text, as sent to the supervisor'),
  snapshotId: Id.nullable().describe('How the person was last seen: GET /api/snapshots/{id}/face.jpg'),
});
export type Alert = z.infer<typeof Alert>;

export const AlertsQuery = z.object({
  scope: z.enum(['open', 'past', 'all']).default('open').describe('open: open or acknowledged'),
  kind: AlertKind.optional(),
  employeeId: Id.optional(),
  cameraId: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(25),
});
export type AlertsQuery = z.infer<typeof AlertsQuery>;

export const AlertList = z.object({
  items: z.array(Alert),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
