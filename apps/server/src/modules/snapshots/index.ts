/**
 * Snapshots: JPEG evidence of a sighting (presence, unknown face, alert, camera), kept at most
 * snapshotRetentionDays (≤ 30).
 *
 *   const { id } = await snapshots.save(orgId, { kind: 'presence', cameraId, employeeId, faceJpeg, frameJpeg });
 *   // the UI shows it with GET /api/snapshots/:id/face.jpg (and /frame.jpg)
 *
 * A daily `snapshots.retention` job (also run at worker start) deletes expired rows and files.
 */
export {
  SnapshotService,
  MAX_SNAPSHOT_RETENTION_DAYS,
  type SnapshotInput,
  type SavedSnapshot,
} from './snapshot.service.js';
export { registerSnapshotRoutes } from './snapshots.routes.js';
export { registerSnapshotJobs, startSnapshotRetention, scheduleNextRetention } from './snapshots.jobs.js';
