/**
 * Analytics: read-only aggregates for the dashboard's reports page (attendance per day and department,
 * lateness, working hours, with CSV/PDF/XLSX export), the presence log with snapshots, enrolment-camera
 * face detection, and avatar photos. It owns no tables: it reads stored attendance days and presence intervals, and asks the faces
 * module for biometric data (so that module's authorization still applies).
 */
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import type { FaceModules } from '../faces/index.js';
import type { AttendanceDaysSource } from '../reports/index.js';
import { registerAnalyticsRoutes } from './analytics.routes.js';
import { AnalyticsService } from './analytics.service.js';
import { FaceDetectService } from './face-detect.service.js';

export { AnalyticsService, domainSchedule } from './analytics.service.js';
export { FaceDetectService } from './face-detect.service.js';

export function registerAnalyticsModule(
  app: HttpApp,
  ctx: ServerContext,
  faces: FaceModules,
  attendanceDays: AttendanceDaysSource,
): AnalyticsService {
  const analytics = new AnalyticsService(ctx, attendanceDays);
  registerAnalyticsRoutes(app, ctx, analytics, new FaceDetectService(faces.engine), faces);
  return analytics;
}
