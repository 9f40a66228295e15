import { Gallery } from '@hadir/vision';
import type { UnknownFaceGroup } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import type { SnapshotService } from '../snapshots/index.js';
import { embeddingFromBytes, embeddingToBytes } from './embedding-bytes.js';
import type { FaceEngineService } from './face-engine.service.js';
import { countFaceSamples } from './face-samples.repository.js';
import type { GalleryService } from './gallery.service.js';
import { KeyedSerialQueue } from './serial-queue.js';

export interface UnknownFaceInput {
  cameraId: string;
  seenAtMs: number;
  /** The face's embedding from the active pack (as the camera pipeline computed it for matching). */
  embedding: Float32Array;
  quality: number;
  /** Face thumbnail for the dashboard. */
  faceJpeg: Uint8Array;
  frameJpeg?: Uint8Array | null;
  /** 112×112 ArcFace-template crop; kept only if the organization keeps crops (re-embedding later). */
  alignedCropJpeg?: Uint8Array | null;
}

export interface RecordedUnknownFace {
  unknownFaceId: string;
  clusterId: string;
  snapshotId: string;
  /** Whether this face started a new group. */
  newCluster: boolean;
}

const SNAPSHOTS_PER_GROUP = 4;
const MAX_ROWS_FOR_GROUPS = 20_000;

/**
 * Faces the cameras saw but could not match. Each one is stored with its snapshot and joins the most
 * similar open group (greedy, single linkage: its best similarity to any member ≥ the recognition
 * threshold), else starts a new group. An officer then assigns a group to an employee (its embeddings
 * become enrolment samples) or dismisses it. Rows live as long as their snapshot (retention).
 */
export class UnknownFacesService {
  private readonly clusters = new Map<string, Promise<{ pack: string; gallery: Gallery } | null>>();
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly ctx: ServerContext,
    private readonly engine: FaceEngineService,
    private readonly galleries: GalleryService,
    private readonly snapshots: SnapshotService,
  ) {}

  /** Stores an unknown face with its snapshot and puts it in a group. Serialised per organization. */
  record(orgId: string, input: UnknownFaceInput): Promise<RecordedUnknownFace> {
    return this.queue.run(orgId, async () => {
      const index = await this.clusterIndex(orgId);
      if (!index) throw new AppError(503, 'recognition_disabled', (await this.engine.info()).reason);
      if (input.embedding.length !== index.gallery.dimension) {
        throw new RangeError(
          `embedding has ${input.embedding.length} values; pack ${index.pack} uses ${index.gallery.dimension}`,
        );
      }
      const threshold = (await this.galleries.thresholdFor(orgId)) ?? 1;
      const [nearest] = index.gallery.search(input.embedding, 1);
      const join = nearest && nearest.cosineSimilarity >= threshold;
      const clusterId = join ? nearest.identityId : newId(input.seenAtMs);
      const settings = await getOrganizationSettings(this.ctx.db, orgId);
      const id = newId(input.seenAtMs);
      const snapshotId = await this.ctx.db.transaction().execute(async (trx) => {
        const snap = await this.snapshots.save(
          orgId,
          {
            kind: 'unknown',
            cameraId: input.cameraId,
            faceJpeg: input.faceJpeg,
            frameJpeg: input.frameJpeg ?? null,
            takenAtMs: input.seenAtMs,
          },
          trx,
        );
        await trx
          .insertInto('unknownFaces')
          .values({
            id,
            organizationId: orgId,
            cameraId: input.cameraId,
            seenAt: input.seenAtMs,
            snapshotId: snap.id,
            pack: index.pack,
            embedding: embeddingToBytes(input.embedding),
            quality: input.quality,
            alignedCrop:
              settings.keepAlignedFaceCrops && input.alignedCropJpeg
                ? Buffer.from(input.alignedCropJpeg)
                : null,
            clusterId,
            status: 'new',
            assignedEmployeeId: null,
          })
          .execute();
        return snap.id;
      });
      index.gallery.add(clusterId, input.embedding);
      return { unknownFaceId: id, clusterId, snapshotId, newCluster: !join };
    });
  }

  /** Open groups (not yet assigned or dismissed) of the active pack, most recently seen first. */
  async groups(orgId: string): Promise<UnknownFaceGroup[]> {
    const pack = await this.engine.activePack();
    if (!pack) return [];
    const rows = await this.ctx.db
      .selectFrom('unknownFaces')
      .select(['clusterId', 'cameraId', 'seenAt', 'snapshotId', 'quality'])
      .where('organizationId', '=', orgId)
      .where('status', '=', 'new')
      .where('pack', '=', pack)
      .orderBy('seenAt', 'desc')
      .limit(MAX_ROWS_FOR_GROUPS)
      .execute();
    const groups = new Map<
      string,
      { count: number; first: number; last: number; cameras: Set<string>; snaps: string[]; best: number }
    >();
    for (const r of rows) {
      if (!r.clusterId) continue;
      const g = groups.get(r.clusterId) ?? {
        count: 0,
        first: r.seenAt,
        last: r.seenAt,
        cameras: new Set<string>(),
        snaps: [],
        best: 0,
      };
      g.count++;
      g.first = Math.min(g.first, r.seenAt);
      g.last = Math.max(g.last, r.seenAt);
      g.cameras.add(r.cameraId);
      if (g.snaps.length < SNAPSHOTS_PER_GROUP) g.snaps.push(r.snapshotId);
      g.best = Math.max(g.best, r.quality);
      groups.set(r.clusterId, g);
    }
    return [...groups.entries()]
      .sort(([, a], [, b]) => b.last - a.last)
      .map(([clusterId, g]) => ({
        clusterId,
        count: g.count,
        firstSeenAt: toIso(g.first),
        lastSeenAt: toIso(g.last),
        cameraIds: [...g.cameras].sort(),
        snapshotIds: g.snaps,
        bestQuality: g.best,
      }));
  }

  /** The group's embeddings (and kept crops) become the employee's enrolment samples. */
  async assign(
    auth: AuthContext,
    orgId: string,
    clusterId: string,
    employeeId: string,
  ): Promise<{ clusterId: string; employeeId: string; samplesAdded: number; faceSamples: number }> {
    const employee = await this.ctx.db
      .selectFrom('employees')
      .select(['id', 'employeeCode'])
      .where('organizationId', '=', orgId)
      .where('id', '=', employeeId)
      .executeTakeFirst();
    if (!employee) throw notFound('Employee');
    const settings = await getOrganizationSettings(this.ctx.db, orgId);
    const now = this.ctx.clock.nowMs();
    const added = await this.queue.run(orgId, () =>
      this.ctx.db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('unknownFaces')
          .select(['id', 'pack', 'embedding', 'quality', 'alignedCrop', 'snapshotId'])
          .where('organizationId', '=', orgId)
          .where('clusterId', '=', clusterId)
          .where('status', '=', 'new')
          .execute();
        if (rows.length === 0) throw notFound('Unknown face group');
        for (const r of rows) {
          await trx
            .insertInto('faceSamples')
            .values({
              id: newId(now),
              organizationId: orgId,
              employeeId,
              pack: r.pack,
              embedding: r.embedding,
              quality: r.quality,
              alignedCrop: settings.keepAlignedFaceCrops ? r.alignedCrop : null,
              source: 'unknown_group',
              createdAt: now,
            })
            .execute();
        }
        const ids = rows.map((r) => r.id);
        await trx
          .updateTable('unknownFaces')
          .set({ status: 'assigned', assignedEmployeeId: employeeId })
          .where('organizationId', '=', orgId)
          .where('id', 'in', ids)
          .execute();
        // The snapshots now show a known person: erasing that person erases them too.
        await trx
          .updateTable('snapshots')
          .set({ employeeId })
          .where('organizationId', '=', orgId)
          .where(
            'id',
            'in',
            rows.map((r) => r.snapshotId),
          )
          .execute();
        await recordAudit(trx, now, {
          organizationId: orgId,
          actor: auth,
          action: 'biometric.unknown_group_assigned',
          entityType: 'employee',
          entityId: employeeId,
          summary: `Assigned an unknown face group (${rows.length} faces) to ${employee.employeeCode}`,
          changes: { clusterId, samplesAdded: rows.length },
        });
        (await this.clusters.get(orgId))?.gallery.removeIdentity(clusterId);
        return rows.length;
      }),
    );
    await this.galleries.refreshEmployee(orgId, employeeId);
    this.ctx.events.publish('faceSamples.changed', { organizationId: orgId, employeeId });
    const counts = await countFaceSamples(this.ctx.db, orgId, [employeeId]);
    return { clusterId, employeeId, samplesAdded: added, faceSamples: counts.get(employeeId) ?? 0 };
  }

  async dismiss(
    auth: AuthContext,
    orgId: string,
    clusterId: string,
  ): Promise<{ clusterId: string; dismissed: number }> {
    const now = this.ctx.clock.nowMs();
    const dismissed = await this.queue.run(orgId, () =>
      this.ctx.db.transaction().execute(async (trx) => {
        const res = await trx
          .updateTable('unknownFaces')
          .set({ status: 'dismissed' })
          .where('organizationId', '=', orgId)
          .where('clusterId', '=', clusterId)
          .where('status', '=', 'new')
          .executeTakeFirst();
        const n = Number(res.numUpdatedRows);
        if (n === 0) throw notFound('Unknown face group');
        await recordAudit(trx, now, {
          organizationId: orgId,
          actor: auth,
          action: 'biometric.unknown_group_dismissed',
          entityType: 'unknown_face_group',
          entityId: clusterId,
          summary: `Dismissed an unknown face group (${n} faces)`,
        });
        (await this.clusters.get(orgId))?.gallery.removeIdentity(clusterId);
        return n;
      }),
    );
    return { clusterId, dismissed };
  }

  /** Open groups of the active pack as a Gallery keyed by cluster id (loaded once per organization). */
  private clusterIndex(orgId: string): Promise<{ pack: string; gallery: Gallery } | null> {
    let entry = this.clusters.get(orgId);
    if (!entry) {
      entry = (async () => {
        const s = await this.engine.select();
        if (!s.enabled) return null;
        const rows = await this.ctx.db
          .selectFrom('unknownFaces')
          .select(['clusterId', 'embedding'])
          .where('organizationId', '=', orgId)
          .where('status', '=', 'new')
          .where('pack', '=', s.pack)
          .execute();
        const gallery = new Gallery({
          dimension: s.manifest.embeddingSize,
          initialCapacity: rows.length + 64,
        });
        for (const r of rows) {
          const e = embeddingFromBytes(r.embedding);
          if (r.clusterId && e?.length === gallery.dimension) gallery.add(r.clusterId, e);
        }
        return { pack: s.pack, gallery };
      })();
      this.clusters.set(orgId, entry);
      entry.catch(() => this.clusters.delete(orgId));
    }
    return entry;
  }

  /** Forget cached groups (after retention deleted rows); the next call reloads them. */
  invalidate(orgId?: string): void {
    if (orgId) this.clusters.delete(orgId);
    else this.clusters.clear();
  }
}
