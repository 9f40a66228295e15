import type { ServerContext } from '../../context.js';
import type { SnapshotService } from './snapshot.service.js';

declare module '../../platform/jobs/job-runner.js' {
  interface HadirJobs {
    'snapshots.retention': { trigger: 'boot' | 'daily' | 'manual' };
  }
}

const DAY_MS = 24 * 3600_000;
/** 00:30 UTC: after midnight in Vietnam and Indonesia alike, away from the evening report. */
const DAILY_OFFSET_MS = 30 * 60_000;

function nextDailyRunMs(nowMs: number): number {
  const startOfDay = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const today = startOfDay + DAILY_OFFSET_MS;
  return today > nowMs ? today : today + DAY_MS;
}

/** Enqueues the next daily run; the idempotency key (its date) keeps it to one per day however often it is asked. */
export async function scheduleNextRetention(ctx: ServerContext): Promise<void> {
  const runAtMs = nextDailyRunMs(ctx.clock.nowMs());
  await ctx.jobs.enqueue(
    ctx.db,
    'snapshots.retention',
    { trigger: 'daily' },
    { runAtMs, idempotencyKey: `snapshots.retention:${new Date(runAtMs).toISOString().slice(0, 10)}` },
  );
}

export function registerSnapshotJobs(ctx: ServerContext, snapshots: SnapshotService): void {
  ctx.jobs.register(
    'snapshots.retention',
    async (payload) => {
      await snapshots.purgeExpired();
      if (payload.trigger !== 'manual') await scheduleNextRetention(ctx);
    },
    { maxAttempts: 3, backoffBaseMs: 60_000 },
  );
}

/** At worker start: one run now (a server that was down at 00:30 still purges) and the daily chain. */
export async function startSnapshotRetention(ctx: ServerContext): Promise<void> {
  const now = ctx.clock.nowMs();
  await ctx.jobs.enqueue(
    ctx.db,
    'snapshots.retention',
    { trigger: 'boot' },
    { idempotencyKey: `snapshots.retention:boot:${now}` },
  );
  await scheduleNextRetention(ctx);
}
