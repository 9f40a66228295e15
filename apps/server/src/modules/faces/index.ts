/**
 * Faces: the server side of the face engine and the biometric data it owns.
 *
 * For the camera pipeline (one engine and one gallery per organization, per process):
 *
 *   const engine = await faces.engine.tryEngine();          // FaceEngine | null (recognition disabled)
 *   const detected = await engine.analyze(frame);             // faces with embeddings (vision)
 *   const gallery = await faces.galleries.galleryFor(orgId);  // OrgGallery | null, loaded once, kept in sync
 *   const m = gallery.match(face.embedding);                  // sync, ~µs: FaceMatch
 *   if (m.employeeId) … m.cosineSimilarity, m.secondBest      // else m.reason: below_threshold | ambiguous | empty
 *   await faces.unknownFaces.record(orgId, { cameraId, seenAtMs, embedding, quality, faceJpeg, frameJpeg, alignedCropJpeg });
 *   await faces.snapshots.save(orgId, { kind: 'presence', cameraId, employeeId, faceJpeg, frameJpeg });
 *
 * `GalleryService.match(orgId, embedding)` is the async one-liner. The threshold is the organization's
 * recognitionThreshold, else the pack default (0.35 for ArcFace packs); the margin rule is
 * @hadir/domain's decideIdentity with MATCH_MARGIN.
 */
import type { ServerContext } from '../../context.js';
import type { ProcessRole } from '../../platform/config/env.js';
import type { HttpApp } from '../../platform/http/app.js';
import type { Readiness } from '../../platform/http/health.js';
import {
  SnapshotService,
  registerSnapshotJobs,
  registerSnapshotRoutes,
  startSnapshotRetention,
} from '../snapshots/index.js';
import { FaceEngineService, type FaceEngineServiceOptions } from './face-engine.service.js';
import { FaceReviewService } from './face-review.service.js';
import { registerFaceJobs } from './faces.jobs.js';
import { registerFaceRoutes } from './faces.routes.js';
import { FacesService } from './faces.service.js';
import { GalleryService } from './gallery.service.js';
import { UnknownFacesService } from './unknown-faces.service.js';

export {
  FaceEngineService,
  Semaphore,
  activeFacePack,
  type PackSelectionState,
} from './face-engine.service.js';
export { GalleryService, OrgGallery, MATCH_MARGIN, type FaceMatch } from './gallery.service.js';
export {
  FacesService,
  MAX_PHOTOS_PER_UPLOAD,
  MAX_PHOTO_BYTES,
  MAX_PHOTO_PIXELS,
  type UploadedPhoto,
} from './faces.service.js';
export {
  UnknownFacesService,
  type UnknownFaceInput,
  type RecordedUnknownFace,
} from './unknown-faces.service.js';
export { countFaceSamples, embeddingRows } from './face-samples.repository.js';
export { embeddingFromBytes, embeddingToBytes } from './embedding-bytes.js';

export interface FaceModules {
  engine: FaceEngineService;
  galleries: GalleryService;
  faces: FacesService;
  unknownFaces: UnknownFacesService;
  snapshots: SnapshotService;
  start(roles: Set<ProcessRole>): Promise<void>;
  stop(): Promise<void>;
}

/** Wires the faces and snapshots slices: services, routes, jobs, events and the readiness check. */
export function registerFaceModules(
  app: HttpApp,
  ctx: ServerContext,
  readiness: Readiness,
  opts: FaceEngineServiceOptions = {},
): FaceModules {
  const engine = new FaceEngineService(ctx, opts);
  // Selecting is cheap and makes the active pack known before the first request; loading stays lazy.
  void engine.select();
  engine.registerReadiness(readiness);
  const snapshots = new SnapshotService(ctx);
  const galleries = new GalleryService(ctx, engine);
  const faces = new FacesService(ctx, engine, galleries, snapshots);
  const unknownFaces = new UnknownFacesService(ctx, engine, galleries, snapshots);
  const review = new FaceReviewService(ctx, galleries);
  registerFaceRoutes(app, engine, faces, unknownFaces, review);
  registerSnapshotRoutes(app, snapshots);
  registerFaceJobs(ctx, faces);
  registerSnapshotJobs(ctx, snapshots);

  const unsubscribe = [
    ...galleries.subscribe(),
    ctx.events.subscribe('employee.deleted', ({ organizationId, employeeId }) => {
      faces.eraseDeletedEmployee(organizationId, employeeId).catch((error: unknown) => {
        ctx.log.error({ err: error, employeeId }, 'erasing a deleted employee’s biometric data failed');
      });
    }),
    ctx.events.subscribe('snapshots.purged', ({ organizationId }) => unknownFaces.invalidate(organizationId)),
  ];

  return {
    engine,
    galleries,
    faces,
    unknownFaces,
    snapshots,
    async start(roles) {
      if (roles.has('pipeline')) void engine.tryEngine(); // warm the sessions before the first frame
      if (roles.has('worker')) await startSnapshotRetention(ctx);
    },
    async stop() {
      for (const u of unsubscribe) u();
      await engine.close();
    },
  };
}
