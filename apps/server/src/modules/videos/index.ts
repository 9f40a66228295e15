/**
 * Videos: the video library. Uploaded recordings (kept on purpose, apart from live CCTV, behind
 * video:view / video:manage), a processing job per video (browser-playable copy, people detected and
 * tracked, faces grouped into library-wide persons PERSON-0001… with appearance ranges), collections
 * with retention, persons search/rename/link/merge. Progress goes out on the event bus ('video.progress')
 * for the live WebSocket.
 */
import type { ServerContext } from '../../context.js';
import type { ProcessRole } from '../../platform/config/env.js';
import type { HttpApp } from '../../platform/http/app.js';
import type { FaceModules } from '../faces/index.js';
import { VideoCollectionsService } from './video-collections.service.js';
import { VideoPersonsService } from './video-persons.service.js';
import { VideoProcessingService } from './video-processing.service.js';
import { VideoUploadsService } from './video-uploads.service.js';
import { registerVideoJobs, startVideoRetention } from './videos.jobs.js';
import { registerVideoRoutes } from './videos.routes.js';
import { VideosService } from './videos.service.js';

export {
  VideosService,
  VideoProcessingService,
  VideoCollectionsService,
  VideoPersonsService,
  VideoUploadsService,
};
export { personCode, findPerson, findVideo, toPersonSummary } from './videos.repository.js';
export { ffmpegTools, underDataDir, ensureDir, removeTree } from './video-files.js';

export interface VideoModules {
  videos: VideosService;
  processing: VideoProcessingService;
  collections: VideoCollectionsService;
  persons: VideoPersonsService;
  start(roles: Set<ProcessRole>): void;
  stop(): Promise<void>;
}

export function registerVideoModules(app: HttpApp, ctx: ServerContext, faces: FaceModules): VideoModules {
  const videos = new VideosService(ctx);
  const processing = new VideoProcessingService(ctx, faces);
  const collections = new VideoCollectionsService(ctx, videos);
  const persons = new VideoPersonsService(ctx);
  const uploads = new VideoUploadsService(ctx, videos);
  registerVideoRoutes(app, videos, processing, collections, persons, uploads);
  registerVideoJobs(ctx, processing);
  const stoppers: (() => Promise<void>)[] = [];
  return {
    videos,
    processing,
    collections,
    persons,
    start(roles) {
      if (roles.has('worker')) stoppers.push(startVideoRetention(ctx, collections));
    },
    async stop() {
      for (const s of stoppers) await s();
      await processing.close();
    },
  };
}
