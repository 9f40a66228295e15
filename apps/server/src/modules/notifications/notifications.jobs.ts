import type { ServerContext } from '../../context.js';
import type { NotificationsService } from './notifications.service.js';

declare module '../../platform/jobs/job-runner.js' {
  interface HadirJobs {
    'notification.deliver': { notificationId: string };
  }
}

export const NOTIFICATION_JOB_TYPES = ['notification.deliver'] as const;

export function registerNotificationJobs(ctx: ServerContext, notifications: NotificationsService): void {
  ctx.jobs.register('notification.deliver', (payload) => notifications.deliver(payload.notificationId), {
    // The notification's own attempt counter (settings.maxAttempts) decides when to give up; the job
    // limit only backstops it.
    maxAttempts: 25,
    backoffBaseMs: 5_000,
    backoffMaxMs: 15 * 60_000,
    onFinalFailure: (payload, error) =>
      notifications.markFailedIfOpen((payload as { notificationId: string }).notificationId, error.message),
  });
}

/** Worker role: periodically re-enqueue outbox rows whose job vanished. Returns a stopper. */
export function startNotificationWorker(
  ctx: ServerContext,
  notifications: NotificationsService,
): () => Promise<void> {
  const run = () =>
    notifications
      .recoverStuck()
      .catch((err: unknown) => ctx.log.error({ err }, 'notification recovery failed'));
  void run();
  const timer = setInterval(() => void run(), 5 * 60_000);
  timer.unref();
  return async () => clearInterval(timer);
}
