/**
 * Datasets: faces of the video library's persons cut into aligned 128×128 crops
 * (datasets/<org>/faces/PERSON-XXXX/face_XXXX_frame_YYYY.jpg), reviewed (remove, move, merge, ignore),
 * snapshotted as immutable content-hashed versions exported as YOLO zips, and recognition heads trained
 * on them (nearest centroid, logistic regression, MLP; tfjs in a worker thread) with held-out and
 * open-set metrics, activated per organization, exported/imported as JSON, applied to a video's persons.
 * Deleting a video or person deletes its crops (rows cascade; files are purged here, audited).
 */
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import type { AttendanceModule } from '../attendance/index.js';
import type { FaceModules } from '../faces/index.js';
import type { EmployeesService } from '../people/index.js';
import type { VideoModules } from '../videos/index.js';
import { DatasetApplyService } from './dataset-apply.service.js';
import { DatasetAttendanceService } from './dataset-attendance.service.js';
import { DatasetEnrolService } from './dataset-enrol.service.js';
import { DatasetExtractService } from './dataset-extract.service.js';
import { DatasetLiveService } from './dataset-live.service.js';
import { DatasetModelsService } from './dataset-models.service.js';
import { DatasetReviewService } from './dataset-review.service.js';
import { DatasetVersionsService } from './dataset-versions.service.js';
import { registerDatasetJobs } from './datasets.jobs.js';
import { registerDatasetRoutes } from './datasets.routes.js';
import { DatasetWebcamService } from './dataset-webcam.service.js';
import { registerWebcamRoutes } from './webcam.routes.js';

export {
  DatasetExtractService,
  DatasetReviewService,
  DatasetVersionsService,
  DatasetModelsService,
  DatasetLiveService,
};

export interface DatasetModules {
  extract: DatasetExtractService;
  review: DatasetReviewService;
  versions: DatasetVersionsService;
  models: DatasetModelsService;
  live: DatasetLiveService;
  stop(): Promise<void>;
}

export function registerDatasetModules(
  app: HttpApp,
  ctx: ServerContext,
  faces: FaceModules,
  videos: VideoModules,
  deps: { attendance: AttendanceModule; employees: EmployeesService },
): DatasetModules {
  const extract = new DatasetExtractService(ctx, faces);
  const review = new DatasetReviewService(ctx, videos.persons);
  const versions = new DatasetVersionsService(ctx, faces);
  const models = new DatasetModelsService(ctx, versions, faces);
  const live = new DatasetLiveService(ctx);
  const attendance = new DatasetAttendanceService(ctx, deps.attendance.events);
  registerDatasetRoutes(
    app,
    extract,
    review,
    versions,
    models,
    new DatasetEnrolService(ctx, faces, deps.employees),
    new DatasetApplyService(ctx, attendance),
  );
  registerWebcamRoutes(app, ctx, new DatasetWebcamService(ctx, faces, live, attendance));
  registerDatasetJobs(ctx, extract, models);
  const purge = (orgId: string, reason: string): void => {
    review.purgeOrphanFiles(orgId, reason).catch((err: unknown) => {
      ctx.log.error({ err }, 'datasets: removing crops of a deleted video/person failed');
    });
  };
  const unsubscribe = [
    live.subscribe(),
    ctx.events.subscribe('video.deleted', (e) => purge(e.organizationId, 'a deleted video')),
    ctx.events.subscribe('videoPerson.merged', (e) => purge(e.organizationId, 'a merged person')),
  ];
  return {
    extract,
    review,
    versions,
    models,
    live,
    async stop() {
      unsubscribe.forEach((u) => u());
      await models.close();
    },
  };
}
