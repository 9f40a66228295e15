import type { EdgeIngestBatch, EdgeIngestItem, EdgeIngestResult } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { embeddingFromBytes, type FaceModules } from '../faces/index.js';
import type { CameraRegistry } from '../cameras/index.js';
import type { PresenceService, Sighting as PresenceSighting } from '../presence/index.js';
import { servedCameraIds, type EdgeRow } from './edges.repository.js';

/** A skew this small is network transit and timer jitter: times are kept as the edge stamped them. */
export const SKEW_TOLERANCE_MS = 2000;
/** Sightings are applied in steps of this size, as the live pipeline flushes them (one stay per gap). */
const SIGHTING_STEP_MS = 1000;

type Sighting = Extract<EdgeIngestItem, { kind: 'sighting' }>;
type Health = Extract<EdgeIngestItem, { kind: 'camera_health' }>;
type Unknown = Extract<EdgeIngestItem, { kind: 'unknown_face' }>;

const jpeg = (b64: string | undefined): Uint8Array | null => (b64 ? Buffer.from(b64, 'base64') : null);

/**
 * Applies what an edge box pushes, through the same code paths as the hub's own pipeline: sightings go
 * to PresenceService (stays, last seen, then attendance through `presence.stays.recorded`), camera health
 * to the camera registry (the presence tick reads it: a silent edge's cameras go stale, their people
 * `unknown`), unknown faces to the faces slice.
 *
 * Idempotent per (edge, seq): each item is claimed by inserting its row into edge_ingest_items (primary
 * key edge_id, seq) before it is applied; a replayed item finds its row and is skipped. If applying
 * fails, the claims of the batch are dropped again, so the edge's retry applies them.
 */
export class EdgeIngestService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly cameras: CameraRegistry,
    private readonly presence: PresenceService,
    private readonly faces: FaceModules,
  ) {}

  async ingest(edge: EdgeRow, batch: EdgeIngestBatch): Promise<EdgeIngestResult> {
    const nowMs = this.ctx.clock.nowMs();
    const orgId = edge.organizationId;
    const skewMs = Math.round(Date.parse(batch.sentAt) - nowMs);
    // Edge clock ahead by skew: its stamps are moved back by it (never into the hub's future).
    const correctionMs = Math.abs(skewMs) > SKEW_TOLERANCE_MS ? skewMs : 0;
    const at = (iso: string) => Math.min(nowMs, Date.parse(iso) - correctionMs);

    const unique = new Map<number, EdgeIngestItem>();
    // Seqs at or below the last one applied were applied (the edge pushes in order); the receipts
    // catch the rest (a batch retried after an answer was lost).
    for (const item of batch.items)
      if (item.seq > Number(edge.lastSeq) && !unique.has(item.seq)) unique.set(item.seq, item);
    const served = await servedCameraIds(this.ctx.db, edge);
    const employeeIds = [
      ...new Set(batch.items.filter((i): i is Sighting => i.kind === 'sighting').map((i) => i.employeeId)),
    ];
    const known = new Set(
      employeeIds.length
        ? (
            await this.ctx.db
              .selectFrom('employees')
              .select('id')
              .where('organizationId', '=', orgId)
              .where('id', 'in', employeeIds)
              .execute()
          ).map((r) => r.id)
        : [],
    );

    const claimed = await this.claim(edge, [...unique.values()], at, nowMs, skewMs);
    const duplicates = batch.items.length - claimed.length;
    const usable = claimed.filter(
      (i) => served.has(i.cameraId) && (i.kind !== 'sighting' || known.has(i.employeeId)),
    );
    try {
      await this.applyHealth(
        orgId,
        usable.filter((i): i is Health => i.kind === 'camera_health'),
      );
      await this.applySightings(
        orgId,
        usable.filter((i): i is Sighting => i.kind === 'sighting'),
        at,
      );
      for (const u of usable.filter((i): i is Unknown => i.kind === 'unknown_face'))
        await this.applyUnknown(orgId, u, at);
    } catch (error) {
      await this.unclaim(
        edge.id,
        claimed.map((i) => i.seq),
      );
      throw error;
    }

    const wasLost = edge.lostAt !== null;
    const lastSeq = Math.max(Number(edge.lastSeq), ...claimed.map((i) => i.seq));
    await this.ctx.db
      .updateTable('edges')
      .set({ lastContactAt: nowMs, queueDepth: batch.queueDepth, clockSkewMs: skewMs, lastSeq, lostAt: null })
      .where('id', '=', edge.id)
      .execute();
    if (wasLost) {
      this.ctx.log.info({ edgeId: edge.id, organizationId: orgId }, 'edge back in contact');
      this.ctx.events.publish('edge.changed', { organizationId: orgId, edgeId: edge.id });
    }
    if (correctionMs !== 0 && claimed.length)
      this.ctx.log.warn({ edgeId: edge.id, skewMs }, 'edge clock skew: item times corrected');
    return {
      accepted: usable.length,
      duplicates,
      refused: claimed.length - usable.length,
      clockSkewMs: skewMs,
    };
  }

  /** Inserts the items' receipts; returns the items this call claimed (not already stored). */
  private async claim(
    edge: EdgeRow,
    items: EdgeIngestItem[],
    at: (iso: string) => number,
    nowMs: number,
    skewMs: number,
  ): Promise<EdgeIngestItem[]> {
    if (items.length === 0) return [];
    const rows = items.map((i) => ({
      edgeId: edge.id,
      seq: i.seq,
      organizationId: edge.organizationId,
      kind: i.kind,
      observedAt: at(i.kind === 'sighting' ? i.lastAt : i.kind === 'unknown_face' ? i.seenAt : i.observedAt),
      receivedAt: nowMs,
      clockSkewMs: skewMs,
    }));
    const inserted = new Set<number>();
    for (let i = 0; i < rows.length; i += 200) {
      const got = await this.ctx.db
        .insertInto('edgeIngestItems')
        .values(rows.slice(i, i + 200))
        .onConflict((oc) => oc.columns(['edgeId', 'seq']).doNothing())
        .returning('seq')
        .execute();
      for (const r of got) inserted.add(Number(r.seq));
    }
    return items.filter((i) => inserted.has(i.seq));
  }

  private async unclaim(edgeId: string, seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.ctx.db
      .deleteFrom('edgeIngestItems')
      .where('edgeId', '=', edgeId)
      .where('seq', 'in', seqs)
      .execute()
      .catch((err: unknown) => this.ctx.log.error({ err, edgeId }, 'edge ingest: receipts not released'));
  }

  /** The newest status per camera wins (a replayed queue holds many; only the last is the present). */
  private async applyHealth(orgId: string, items: Health[]): Promise<void> {
    const latest = new Map<string, Health>();
    for (const h of items) {
      const cur = latest.get(h.cameraId);
      if (!cur || Date.parse(h.observedAt) >= Date.parse(cur.observedAt)) latest.set(h.cameraId, h);
    }
    for (const h of latest.values()) {
      const entry = this.cameras.find(orgId, h.cameraId);
      if (!entry) continue;
      await this.cameras.reportStatus(entry.key, { ...h.status, cameraId: h.cameraId }, { persist: true });
    }
  }

  /**
   * In time order, one step per second of sightings, applied as if each step had been flushed live
   * before the next (a person who left and came back during a cut gets two stays, as they would have
   * live), all in one write of the presence slice.
   */
  private async applySightings(orgId: string, items: Sighting[], at: (iso: string) => number): Promise<void> {
    if (items.length === 0) return;
    const sorted = items
      .map((s) => ({ s, firstMs: at(s.firstAt), lastMs: at(s.lastAt) }))
      .sort((a, b) => a.firstMs - b.firstMs || a.s.seq - b.s.seq);
    const steps: PresenceSighting[][] = [];
    let stepStartMs = Number.NEGATIVE_INFINITY;
    for (const { s, firstMs, lastMs } of sorted) {
      if (firstMs - stepStartMs >= SIGHTING_STEP_MS) {
        steps.push([]);
        stepStartMs = firstMs;
      }
      const entry = this.cameras.find(orgId, s.cameraId);
      const face = jpeg(s.faceJpeg);
      steps.at(-1)!.push({
        organizationId: orgId,
        employeeId: s.employeeId,
        cameraId: s.cameraId,
        cameraName: entry?.config?.name ?? s.cameraId,
        atMs: Math.max(firstMs, lastMs),
        firstMs,
        count: s.count,
        cosineSimilarity: s.cosineSimilarity,
        trackId: s.trackId,
        ...(face
          ? {
              snapshot: async () =>
                (
                  await this.faces.snapshots.save(orgId, {
                    kind: 'presence',
                    cameraId: s.cameraId,
                    employeeId: s.employeeId,
                    faceJpeg: face,
                    frameJpeg: jpeg(s.frameJpeg),
                    takenAtMs: firstMs,
                  })
                ).id,
            }
          : {}),
      });
    }
    await this.presence.recordSteps(steps);
  }

  private async applyUnknown(orgId: string, u: Unknown, at: (iso: string) => number): Promise<void> {
    const embedding = embeddingFromBytes(Buffer.from(u.embedding, 'base64'));
    const face = jpeg(u.faceJpeg);
    if (!embedding || !face) return;
    await this.faces.unknownFaces.record(orgId, {
      cameraId: u.cameraId,
      seenAtMs: at(u.seenAt),
      embedding,
      quality: u.quality,
      faceJpeg: face,
      frameJpeg: jpeg(u.frameJpeg),
    });
  }
}
