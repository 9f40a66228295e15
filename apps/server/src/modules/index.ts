import type { ServerContext } from '../context.js';
import type { ProcessRole } from '../platform/config/env.js';
import type { HttpApp } from '../platform/http/app.js';
import type { Readiness } from '../platform/http/health.js';
import { registerAuditRoutes } from './audit/index.js';
import { AuthService, registerAuthRoutes, sessionStarter } from './auth/index.js';
import { OrganizationsService, registerOrganizationRoutes } from './organizations/index.js';
import { registerFaceModules, type FaceModules } from './faces/index.js';
import { EmployeeImportService, EmployeesService, registerEmployeeRoutes } from './people/index.js';
import {
  NotificationsService,
  registerNotificationJobs,
  registerNotificationRoutes,
  registerWhatsAppWebhookRoutes,
  startNotificationWorker,
} from './notifications/index.js';
import { registerReportRoutes, ReportsService, startReportWorker } from './reports/index.js';
import { CameraRegistry, registerCameraRoutes } from './cameras/index.js';
import { AlertsService, registerAlertRoutes } from './alerts/index.js';
import {
  PresenceQueries,
  PresenceService,
  presenceOptionsFromEnv,
  registerPresenceRoutes,
  LIVE_SOCKET_DEFAULTS,
} from './presence/index.js';
import { PipelineService, probeCameraSource } from './pipeline/index.js';
import { registerAnalyticsModule } from './analytics/index.js';
import {
  LeaveAttachmentsService,
  LeaveQueries,
  LeaveRequestsService,
  LeaveTypesService,
  registerLeaveRoutes,
} from './leave/index.js';
import { registerAttendanceModule, type AttendanceModule } from './attendance/index.js';
import { registerVideoModules, type VideoModules } from './videos/index.js';
import { registerIntegrationModules, type IntegrationModules } from './integrations/index.js';
import { registerDatasetModules, type DatasetModules } from './datasets/index.js';
import { registerMobileModule, type MobileServices } from './mobile/index.js';
import { registerEdgeModules, type EdgeModules } from './edges/index.js';

export interface Modules {
  auth: AuthService;
  organizations: OrganizationsService;
  employees: EmployeesService;
  employeeImports: EmployeeImportService;
  notifications: NotificationsService;
  reports: ReportsService;
  /** Face engine, galleries, enrolment, unknown faces and snapshots. */
  faces: FaceModules;
  cameras: CameraRegistry;
  presence: PresenceService;
  alerts: AlertsService;
  pipeline: PipelineService;
  leave: { types: LeaveTypesService; requests: LeaveRequestsService; queries: LeaveQueries };
  /** Attendance events, days, shifts, holidays and corrections. */
  attendance: AttendanceModule;
  /** The video library. */
  videos: VideoModules;
  /** ERP and device integration: change feed, pushes, webhooks, batch CSV, badge kiosk. */
  integrations: IntegrationModules;
  /** Face datasets from the video library and the models trained on them. */
  datasets: DatasetModules;
  /** The mobile attendance app's API (devices, verification, submit/record/sync). */
  mobile: MobileServices;
  /** Edge boxes: enrolment, credentials, config pull, ingest, the lost-edge watch. */
  edges: EdgeModules;
  /** Starts background work for the given process roles (pipeline: cameras; worker: jobs and ticks). */
  start(roles: Set<ProcessRole>): Promise<void>;
  stop(): Promise<void>;
}

/** Registers every feature slice; the order here is the order of routes in the OpenAPI document. */
export async function registerModules(
  app: HttpApp,
  ctx: ServerContext,
  readiness: Readiness,
): Promise<Modules> {
  const auth = new AuthService(ctx);
  const organizations = new OrganizationsService(ctx);
  registerAuthRoutes(app, ctx, auth);
  registerOrganizationRoutes(app, ctx, organizations);
  registerAuditRoutes(app, ctx);
  const faces = registerFaceModules(app, ctx, readiness);
  const employees = new EmployeesService(ctx);
  const employeeImports = new EmployeeImportService(ctx);
  registerEmployeeRoutes(app, ctx, employees, employeeImports);
  const notifications = new NotificationsService(ctx);
  await notifications.init();
  registerNotificationRoutes(app, ctx, notifications);
  await registerWhatsAppWebhookRoutes(app, notifications);
  registerNotificationJobs(ctx, notifications);
  // The daily report reads the stored attendance days (the same numbers as the attendance pages).
  const reports = new ReportsService(ctx, notifications, {
    daysFor: (orgId, from, to, ids) => attendance.days.daysFor(orgId, from, to, ids),
  });
  registerReportRoutes(app, ctx, reports);
  const cameras = new CameraRegistry(ctx);
  const alerts = new AlertsService(ctx, notifications);
  // Approved leave makes a day `excused` and suppresses absence alerts: attendance reads it through its
  // LeaveSource port, and a decision (approve, cancel) re-derives the days it covers.
  const leaveQueries = new LeaveQueries(ctx.db);
  const attendance = registerAttendanceModule(app, ctx, leaveQueries, notifications);
  ctx.events.subscribe('leave.changed', (change) => {
    attendance
      .recomputeEmployeeRange(change.organizationId, change.employeeId, change.fromDate, change.toDate)
      .catch((err: unknown) => {
        ctx.log.error({ err, employeeId: change.employeeId }, 'attendance: recompute after leave failed');
      });
  });
  const presence = new PresenceService(ctx, alerts, presenceOptionsFromEnv(ctx.env));
  // Absence alerts follow each employee's own shift, roster, holidays and approved leave.
  presence.setWorkRules(attendance.workRules);
  const pipeline = new PipelineService(ctx, cameras, presence, faces);
  pipeline.registerReadiness(readiness);
  registerCameraRoutes(app, cameras, probeCameraSource);
  registerPresenceRoutes(app, ctx, new PresenceQueries(ctx), {
    ...LIVE_SOCKET_DEFAULTS,
    reauthenticate: (req) => auth.authenticate(req),
  });
  registerAlertRoutes(app, alerts);
  registerAnalyticsModule(app, ctx, faces, attendance.days);
  const leaveTypes = new LeaveTypesService(ctx);
  const leaveRequests = new LeaveRequestsService(ctx, leaveTypes, notifications);
  registerLeaveRoutes(app, leaveTypes, leaveRequests, new LeaveAttachmentsService(ctx, leaveRequests));
  const videos = registerVideoModules(app, ctx, faces);
  const integrations = registerIntegrationModules(app, ctx, attendance, employees);
  const datasets = registerDatasetModules(app, ctx, faces, videos);
  // An organization's model activated for live cameras is matched in front of its enrolment gallery.
  pipeline.liveGallery = (orgId, pack, base) => datasets.live.galleryFor(orgId, pack, base);
  const mobile = registerMobileModule(app, ctx, {
    faces,
    attendance,
    employees,
    session: { auth, startSession: sessionStarter(ctx, auth) },
  });

  const edges = registerEdgeModules(app, ctx, { cameras, presence, faces });
  pipeline.servedByEdge = (orgId, cameraId) => edges.servedByEdge(orgId, cameraId);

  const stoppers: (() => Promise<void>)[] = [];
  return {
    auth,
    organizations,
    employees,
    employeeImports,
    notifications,
    reports,
    faces,
    cameras,
    presence,
    alerts,
    pipeline,
    leave: { types: leaveTypes, requests: leaveRequests, queries: leaveQueries },
    attendance,
    videos,
    integrations,
    datasets,
    mobile,
    edges,
    async start(roles) {
      await faces.start(roles);
      stoppers.push(() => faces.stop());
      if (roles.has('worker')) stoppers.push(startNotificationWorker(ctx, notifications));
      if (roles.has('worker')) stoppers.push(startReportWorker(ctx, reports));
      if (roles.has('worker')) stoppers.push(integrations.startWorker());
      if (roles.has('worker')) {
        const timer = setInterval(() => {
          edges.monitor.tick().catch((err: unknown) => ctx.log.error({ err }, 'edge watch failed'));
        }, ctx.env.HADIR_PRESENCE_TICK_MS);
        timer.unref();
        stoppers.push(() => Promise.resolve(clearInterval(timer)));
      }
      await cameras.start();
      stoppers.push(() => cameras.stop());
      stoppers.push(await pipeline.start(roles));
      videos.start(roles);
      stoppers.push(() => videos.stop());
      stoppers.push(() => datasets.stop());
    },
    async stop() {
      for (const s of stoppers.reverse()) await s();
    },
  };
}
