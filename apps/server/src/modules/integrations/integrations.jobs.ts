import type { ServerContext } from '../../context.js';
import type { BatchExportService } from './batch-export.service.js';
import type { WebhooksService } from './webhooks.service.js';

/** Fan-outs are coalesced: at most one per organization per second, run when that second is over. */
const FANOUT_BUCKET_MS = 1000;
/** The sweep catches changes whose in-process event was lost (a restart between commit and publish). */
const SWEEP_MS = 60_000;

export function registerIntegrationJobs(ctx: ServerContext, webhooks: WebhooksService): void {
  ctx.jobs.register('integrations.webhooks.fanout', async (p) => {
    await webhooks.fanout(p.organizationId);
  });
  ctx.jobs.register(
    'integrations.webhook.deliver',
    async (p) => {
      await webhooks.deliver(p.organizationId, p.deliveryId);
    },
    {
      maxAttempts: 8,
      backoffBaseMs: 10_000,
      backoffMaxMs: 60 * 60_000,
      onFinalFailure: async (payload) => {
        const p = payload as { organizationId: string; deliveryId: string };
        await webhooks.markFailed(p.organizationId, p.deliveryId);
      },
    },
  );

  const enqueued = new Set<string>();
  ctx.events.subscribe('attendance.day.changed', (change) => {
    const bucket = Math.floor(ctx.clock.nowMs() / FANOUT_BUCKET_MS);
    const key = `${change.organizationId}:${bucket}`;
    if (enqueued.has(key)) return;
    if (enqueued.size > 1000) enqueued.clear();
    enqueued.add(key);
    ctx.jobs
      .enqueue(
        ctx.db,
        'integrations.webhooks.fanout',
        { organizationId: change.organizationId },
        {
          organizationId: change.organizationId,
          idempotencyKey: `integrations.webhooks.fanout:${key}`,
          runAtMs: (bucket + 1) * FANOUT_BUCKET_MS,
        },
      )
      .catch((err: unknown) => ctx.log.error({ err }, 'integrations: webhook fan-out not scheduled'));
  });
}

/** Worker role: the periodic webhook sweep and the scheduled batch export. */
export function startIntegrationWorker(
  ctx: ServerContext,
  webhooks: WebhooksService,
  exports: BatchExportService,
): () => Promise<void> {
  const tick = async () => {
    try {
      for (const orgId of await webhooks.organizationsWithEndpoints()) await webhooks.fanout(orgId);
      await exports.runDue();
    } catch (err) {
      ctx.log.error({ err }, 'integrations: worker tick failed');
    }
  };
  const timer = setInterval(() => void tick(), SWEEP_MS);
  timer.unref();
  return async () => clearInterval(timer);
}

declare module '../../platform/jobs/job-runner.js' {
  interface HadirJobs {
    'integrations.webhooks.fanout': { organizationId: string };
    'integrations.webhook.deliver': { organizationId: string; deliveryId: string };
  }
}
