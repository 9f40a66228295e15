import type { ServerContext } from '../../context.js';

/** Receipts (edge, seq) are kept this long: far past any queue an edge could replay. */
export const RECEIPT_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * The worker role's watch over edge boxes: an enrolled edge silent past the limit is marked lost (the
 * edges page shows it; an admin sees why its cameras' people are `unknown`). Presence itself needs no
 * help here: the edge's cameras stop reporting health, go stale, and the presence tick treats them like
 * any camera outage — `unknown`, never `off`, no absence alert — until the edge replays.
 */
export class EdgeMonitor {
  constructor(
    private readonly ctx: ServerContext,
    private readonly lostAfterMs: number,
  ) {}

  async tick(): Promise<string[]> {
    const nowMs = this.ctx.clock.nowMs();
    const silent = await this.ctx.db
      .selectFrom('edges')
      .select(['id', 'organizationId', 'name', 'lastContactAt'])
      .where('revokedAt', 'is', null)
      .where('enrolledAt', 'is not', null)
      .where('lostAt', 'is', null)
      .where('lastContactAt', '<', nowMs - this.lostAfterMs)
      .execute();
    const lost: string[] = [];
    for (const e of silent) {
      const res = await this.ctx.db
        .updateTable('edges')
        .set({ lostAt: nowMs })
        .where('id', '=', e.id)
        .where('lostAt', 'is', null)
        .where('lastContactAt', '<', nowMs - this.lostAfterMs)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) continue;
      lost.push(e.id);
      this.ctx.log.warn(
        { edgeId: e.id, organizationId: e.organizationId, silentMs: nowMs - Number(e.lastContactAt) },
        `edge "${e.name}" lost: no contact`,
      );
      this.ctx.events.publish('edge.changed', { organizationId: e.organizationId, edgeId: e.id });
    }
    await this.ctx.db
      .deleteFrom('edgeIngestItems')
      .where('receivedAt', '<', nowMs - RECEIPT_RETENTION_MS)
      .execute();
    return lost;
  }
}
