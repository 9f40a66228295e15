import type { ServerContext } from '../../context.js';
import type { VideoCollectionsService } from './video-collections.service.js';
import type { VideoProcessingService } from './video-processing.service.js';

export function registerVideoJobs(ctx: ServerContext, processing: VideoProcessingService): void {
  ctx.jobs.register(
    'videos.process',
    async (payload, job) => processing.process(payload.organizationId, payload.videoId, job.jobId),
    // pg-boss has no heartbeat: an hour-long recording must not be taken for dead and run twice.
    { maxAttempts: 2, backoffBaseMs: 60_000, expireAfterMs: 6 * 3600_000 },
  );
}

/** Hourly retention sweep (per-collection retentionDays). Returns a stopper. */
export function startVideoRetention(
  ctx: ServerContext,
  collections: VideoCollectionsService,
): () => Promise<void> {
  const sweep = (): void => {
    collections.purgeExpired().then(
      (n) => {
        if (n > 0) ctx.log.info({ deleted: n }, 'video retention deleted expired videos');
      },
      (err: unknown) => ctx.log.error({ err }, 'video retention failed'),
    );
  };
  sweep();
  const timer = setInterval(sweep, 3600_000);
  timer.unref();
  return async () => clearInterval(timer);
}
