import { Gallery, TopK } from '@hadir/vision';
import { decideIdentity, type IdentityCandidate } from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { embeddingFromBytes } from './embedding-bytes.js';
import type { FaceEngineService } from './face-engine.service.js';
import { embeddingRows } from './face-samples.repository.js';
import { KeyedSerialQueue } from './serial-queue.js';

/** The best identity must lead the runner-up (when that one also passes the threshold) by this much. */
export const MATCH_MARGIN = 0.05;

export type FaceMatch =
  | {
      employeeId: string;
      cosineSimilarity: number;
      secondBest: { employeeId: string; cosineSimilarity: number } | null;
    }
  | {
      employeeId: null;
      reason: 'below_threshold' | 'ambiguous' | 'empty';
      /** The best candidate's similarity (null for an empty gallery). */
      cosineSimilarity: number | null;
      secondBest: { employeeId: string; cosineSimilarity: number } | null;
    };

/**
 * One organization's enrolled faces for the active pack, in memory. `match` is synchronous and
 * allocation-light: the camera pipeline calls it per face.
 */
export class OrgGallery {
  private readonly top = new TopK(2);

  constructor(
    readonly organizationId: string,
    readonly pack: string,
    readonly gallery: Gallery,
    /** Cosine similarity needed for a match: the organization's recognitionThreshold, else the pack default. */
    public threshold: number,
    public margin = MATCH_MARGIN,
  ) {}

  /**
   * Who this embedding is, or unknown (below threshold, or too close to call between two people).
   * `threshold` overrides the organization's (a camera's own recognitionThreshold).
   */
  match(embedding: ArrayLike<number>, threshold: number = this.threshold): FaceMatch {
    const out = this.gallery.searchInto(embedding, this.top);
    if (out.count === 0)
      return { employeeId: null, reason: 'empty', cosineSimilarity: null, secondBest: null };
    const candidates: IdentityCandidate[] = [];
    for (let i = 0; i < out.count; i++) {
      candidates.push({
        identityId: this.gallery.identityIdAt(out.identityIndex[i]!),
        cosineSimilarity: out.cosineSimilarity[i]!,
      });
    }
    const [first, second] = candidates;
    const secondBest = second
      ? { employeeId: second.identityId, cosineSimilarity: second.cosineSimilarity }
      : null;
    const decision = decideIdentity(candidates, { threshold, margin: this.margin });
    switch (decision.kind) {
      case 'match':
        return { employeeId: decision.identityId, cosineSimilarity: decision.cosineSimilarity, secondBest };
      case 'ambiguous':
        return {
          employeeId: null,
          reason: 'ambiguous',
          cosineSimilarity: first!.cosineSimilarity,
          secondBest,
        };
      case 'unknown':
        return {
          employeeId: null,
          reason: 'below_threshold',
          cosineSimilarity: first!.cosineSimilarity,
          secondBest,
        };
      default: {
        const never: never = decision;
        throw new Error(`unexpected decision ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * Who this embedding is among `members` only (a site's people), with the same threshold and margin
   * as `match` applied to the best two of them. The gallery is read best-first in growing windows until
   * two members are seen or the window's weakest score is below threshold − margin: a member outside
   * the window could then change neither the match nor the ambiguity decision.
   */
  matchWithin(
    embedding: ArrayLike<number>,
    members: ReadonlySet<string>,
    threshold: number = this.threshold,
  ): FaceMatch {
    const total = this.gallery.identityCount;
    if (members.size === 0 || total === 0)
      return { employeeId: null, reason: 'empty', cosineSimilarity: null, secondBest: null };
    const floor = threshold - this.margin;
    for (let k = Math.min(total, 16); ; k = Math.min(total, k * 4)) {
      const hits = this.gallery.search(embedding, k);
      const inScope = hits.filter((h) => members.has(h.identityId)).slice(0, 2);
      const exhausted = k >= total || hits.length < k || (hits.at(-1)?.cosineSimilarity ?? -1) < floor;
      if (inScope.length < 2 && !exhausted) continue;
      const [first, second] = inScope;
      if (!first) return { employeeId: null, reason: 'empty', cosineSimilarity: null, secondBest: null };
      const secondBest = second
        ? { employeeId: second.identityId, cosineSimilarity: second.cosineSimilarity }
        : null;
      const decision = decideIdentity(inScope, { threshold, margin: this.margin });
      switch (decision.kind) {
        case 'match':
          return { employeeId: decision.identityId, cosineSimilarity: decision.cosineSimilarity, secondBest };
        case 'ambiguous':
        case 'unknown':
          return {
            employeeId: null,
            reason: decision.kind === 'ambiguous' ? 'ambiguous' : 'below_threshold',
            cosineSimilarity: first.cosineSimilarity,
            secondBest,
          };
        default: {
          const never: never = decision;
          throw new Error(`unexpected decision ${JSON.stringify(never)}`);
        }
      }
    }
  }

  get size(): number {
    return this.gallery.size;
  }

  get employeeCount(): number {
    return this.gallery.identityCount;
  }
}

/**
 * Galleries per organization, built lazily from face_samples of the active pack and kept in step with
 * enrolment, deletion, erasure, employee status and settings changes. Every change goes through a
 * per-organization queue, so a reload and an update never interleave.
 */
export class GalleryService {
  private readonly galleries = new Map<string, Promise<OrgGallery | null>>();
  private readonly queue = new KeyedSerialQueue();

  constructor(
    private readonly ctx: ServerContext,
    private readonly engine: FaceEngineService,
  ) {}

  /** Subscribes to the events that change who is matchable; returns the unsubscribers. */
  subscribe(): (() => void)[] {
    return [
      this.ctx.events.subscribe('settings.changed', ({ organizationId }) => {
        void this.refreshThreshold(organizationId);
      }),
      this.ctx.events.subscribe('employee.updated', ({ organizationId, employeeId }) => {
        void this.refreshEmployee(organizationId, employeeId);
      }),
      this.ctx.events.subscribe('employee.deleted', ({ organizationId, employeeId }) => {
        void this.removeEmployee(organizationId, employeeId);
      }),
    ];
  }

  /** The organization's gallery (loaded once), or null when recognition is disabled. */
  galleryFor(orgId: string): Promise<OrgGallery | null> {
    let entry = this.galleries.get(orgId);
    if (!entry) {
      entry = this.queue.run(orgId, () => this.load(orgId));
      this.galleries.set(orgId, entry);
      // A failed load is not cached: the next call tries again.
      entry.catch(() => this.galleries.delete(orgId));
    }
    return entry;
  }

  /** galleryFor + match; unknown with reason 'empty' when recognition is disabled. */
  async match(orgId: string, embedding: ArrayLike<number>): Promise<FaceMatch> {
    const g = await this.galleryFor(orgId);
    if (!g) return { employeeId: null, reason: 'empty', cosineSimilarity: null, secondBest: null };
    return g.match(embedding);
  }

  /** galleryFor + matchWithin: the best of `members` only (unknown with 'empty' when disabled). */
  async matchWithin(
    orgId: string,
    embedding: ArrayLike<number>,
    members: ReadonlySet<string>,
  ): Promise<FaceMatch> {
    const g = await this.galleryFor(orgId);
    if (!g) return { employeeId: null, reason: 'empty', cosineSimilarity: null, secondBest: null };
    return g.matchWithin(embedding, members);
  }

  /** Re-reads one person's samples (after enrolment, a deleted sample, a status change). */
  refreshEmployee(orgId: string, employeeId: string): Promise<void> {
    if (!this.galleries.has(orgId)) return Promise.resolve();
    return this.queue.run(orgId, async () => {
      const g = await this.galleries.get(orgId);
      if (!g) return;
      g.gallery.removeIdentity(employeeId);
      const rows = await embeddingRows(this.ctx.db, orgId, g.pack, employeeId);
      this.addRows(g, rows);
    });
  }

  removeEmployee(orgId: string, employeeId: string): Promise<void> {
    if (!this.galleries.has(orgId)) return Promise.resolve();
    return this.queue.run(orgId, async () => {
      (await this.galleries.get(orgId))?.gallery.removeIdentity(employeeId);
    });
  }

  /** Drops the cached gallery (after re-embedding); the next galleryFor rebuilds it. */
  invalidate(orgId: string): void {
    this.galleries.delete(orgId);
  }

  /** The threshold an organization matches with: its setting, else the pack default. */
  async thresholdFor(orgId: string): Promise<number | null> {
    const s = await this.engine.select();
    if (!s.enabled) return null;
    const settings = await getOrganizationSettings(this.ctx.db, orgId);
    return settings.recognitionThreshold ?? s.manifest.defaultThreshold;
  }

  private async refreshThreshold(orgId: string): Promise<void> {
    if (!this.galleries.has(orgId)) return;
    const g = await this.galleries.get(orgId);
    const threshold = await this.thresholdFor(orgId);
    if (g && threshold !== null) g.threshold = threshold;
  }

  private async load(orgId: string): Promise<OrgGallery | null> {
    const s = await this.engine.select();
    if (!s.enabled) return null;
    const started = performance.now();
    const threshold = await this.thresholdFor(orgId);
    const rows = await embeddingRows(this.ctx.db, orgId, s.pack);
    const gallery = new Gallery({ dimension: s.manifest.embeddingSize, initialCapacity: rows.length + 64 });
    const g = new OrgGallery(orgId, s.pack, gallery, threshold ?? s.manifest.defaultThreshold);
    this.addRows(g, rows);
    this.ctx.log.info(
      {
        organizationId: orgId,
        pack: s.pack,
        samples: g.size,
        employees: g.employeeCount,
        loadMs: Math.round(performance.now() - started),
      },
      'face gallery loaded',
    );
    return g;
  }

  private addRows(g: OrgGallery, rows: readonly { employeeId: string; embedding: Uint8Array }[]): void {
    let skipped = 0;
    for (const row of rows) {
      const e = embeddingFromBytes(row.embedding);
      if (!e || e.length !== g.gallery.dimension) {
        skipped++;
        continue;
      }
      g.gallery.add(row.employeeId, e);
    }
    if (skipped > 0) {
      this.ctx.log.warn(
        { organizationId: g.organizationId, skipped },
        'face samples with a wrong size skipped',
      );
    }
  }
}
