import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import type { AttendanceModule } from '../attendance/index.js';
import type { SessionDeps } from './mobile.routes.js';
import { DeviceUnlockService } from './device-unlock.service.js';
import { MobileSitesService } from './mobile-sites.service.js';
import type { FaceModules } from '../faces/index.js';
import type { EmployeesService } from '../people/index.js';
import { DevicesService } from './devices.service.js';
import { FaceVerifyService } from './face-verify.service.js';
import { MobileAttendanceService } from './mobile-attendance.service.js';
import { MobileFacesService } from './mobile-faces.service.js';
import { MobileReviewService } from './mobile-review.service.js';
import { registerMobileReviewRoutes } from './mobile-review.routes.js';
import { registerMobileRoutes, type MobileServices } from './mobile.routes.js';
import { registerMobileSitesRoutes } from './mobile-sites.routes.js';
import { SiteSetupService } from './site-setup.service.js';
import { OrgMembersQueries } from './org-members.queries.js';
import { PhoneFaceInference } from './phone-inference.js';

export { LIVENESS_MIN_YAW_RANGE_DEG, decodeBase64Image } from './face-verify.service.js';
export { CLOCK_SKEW_FLAG_MS } from './mobile-attendance.service.js';
export { defaultVerifyWorkers } from './phone-inference.js';
export { LOW_SCORE_MARGIN, LIVENESS_RETRY_WINDOW_MS } from './mobile-review.service.js';
export type { MobileServices } from './mobile.routes.js';

/** The mobile app's slice (issue 11): devices, 1:1 verification, submit/record/sync, seed 004 views. */
export function registerMobileModule(
  app: HttpApp,
  ctx: ServerContext,
  deps: {
    faces: FaceModules;
    attendance: AttendanceModule;
    employees: EmployeesService;
    session: SessionDeps;
  },
): MobileServices {
  const devices = new DevicesService(ctx);
  const inference = new PhoneFaceInference(ctx, deps.faces.engine);
  const verify = new FaceVerifyService(ctx, deps.faces.engine, deps.faces.galleries, inference);
  const sites = new MobileSitesService(ctx);
  const review = new MobileReviewService(ctx, deps.attendance.events, deps.faces.snapshots);
  const services: MobileServices = {
    devices,
    inference,
    verify,
    attendance: new MobileAttendanceService(ctx, verify, devices, review, sites),
    faces: new MobileFacesService(ctx, deps.faces.faces, deps.faces.galleries, sites),
    org: new OrgMembersQueries(ctx, deps.employees),
    sites,
    unlock: new DeviceUnlockService(ctx, devices, verify),
  };
  registerMobileRoutes(app, services, deps.session);
  registerMobileSitesRoutes(app, sites, new SiteSetupService(ctx, sites));
  registerMobileReviewRoutes(app, review);
  return services;
}
