import type {
  FaceDuplicate,
  FaceReviewRequest,
  FaceReviewResponse,
  PendingFaceSampleList,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { countFaceSamples, type Executor } from './face-samples.repository.js';
import type { GalleryService } from './gallery.service.js';

/** The best match of a face among OTHER employees, when it reaches the organization's threshold. */
export interface DuplicateHit {
  employeeId: string;
  cosineSimilarity: number;
}

/**
 * Who else this face already is: the gallery's best identity other than `employeeId` at or above the
 * recognition threshold, else null. Checked at enrolment so one face cannot be enrolled for two people
 * without someone noticing (security issue 9, item 14).
 */
export async function findDuplicate(
  galleries: GalleryService,
  orgId: string,
  employeeId: string,
  embedding: ArrayLike<number>,
): Promise<{ hit: DuplicateHit | null; threshold: number | null }> {
  const g = await galleries.galleryFor(orgId);
  if (!g) return { hit: null, threshold: null };
  // The enrolled person may hold the best slot; the next two identities are enough to find another one.
  for (const hit of g.gallery.search(embedding, 3)) {
    if (hit.identityId === employeeId) continue;
    if (hit.cosineSimilarity >= g.threshold) {
      return {
        hit: { employeeId: hit.identityId, cosineSimilarity: hit.cosineSimilarity },
        threshold: g.threshold,
      };
    }
    break; // sorted: the rest are lower
  }
  return { hit: null, threshold: g.threshold };
}

/**
 * A duplicate as the caller may see it: the other employee's code and name only for callers who may list
 * employees (`member:view`); a member enrolling themselves learns only that the face matched someone.
 */
export async function presentDuplicate(
  db: Executor,
  auth: AuthContext | null,
  orgId: string,
  employeeId: string | null,
  cosineSimilarity: number | null,
): Promise<FaceDuplicate | null> {
  if (employeeId === null || cosineSimilarity === null) return null;
  const rounded = Math.round(cosineSimilarity * 1000) / 1000;
  if (!auth?.permissions.has('member:view')) return { employee: null, cosineSimilarity: rounded };
  const e = await db
    .selectFrom('employees')
    .select(['id', 'employeeCode', 'name'])
    .where('organizationId', '=', orgId)
    .where('id', '=', employeeId)
    .executeTakeFirst();
  return { employee: e ?? null, cosineSimilarity: rounded };
}

/** Self-enrolled samples waiting for review: listing, approving and rejecting them (audited). */
export class FaceReviewService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly galleries: GalleryService,
  ) {}

  async pending(auth: AuthContext, orgId: string): Promise<PendingFaceSampleList> {
    const rows = await this.ctx.db
      .selectFrom('faceSamples')
      .innerJoin('employees', (j) =>
        j.onRef('employees.id', '=', 'faceSamples.employeeId').on('employees.organizationId', '=', orgId),
      )
      .leftJoin('users', 'users.id', 'faceSamples.submittedByUserId')
      .select((eb) => [
        'faceSamples.id',
        'faceSamples.createdAt',
        'faceSamples.quality',
        'faceSamples.source',
        'faceSamples.duplicateEmployeeId',
        'faceSamples.duplicateSimilarity',
        eb('faceSamples.alignedCrop', 'is not', null).as('hasCrop'),
        'employees.id as employeeId',
        'employees.employeeCode',
        'employees.name as employeeName',
        'users.name as submittedBy',
      ])
      .where('faceSamples.organizationId', '=', orgId)
      .where('faceSamples.status', '=', 'pending')
      .orderBy('faceSamples.createdAt')
      .orderBy('faceSamples.id')
      .limit(500)
      .execute();
    const items = [];
    for (const r of rows) {
      items.push({
        id: r.id,
        employee: { id: r.employeeId, employeeCode: r.employeeCode, name: r.employeeName },
        createdAt: toIso(r.createdAt),
        quality: r.quality,
        source: r.source,
        hasCrop: Boolean(r.hasCrop),
        submittedBy: r.submittedBy ?? null,
        duplicateOf: await presentDuplicate(
          this.ctx.db,
          auth,
          orgId,
          r.duplicateEmployeeId,
          r.duplicateSimilarity,
        ),
      });
    }
    return { items };
  }

  /**
   * Approve (matched from now on) or reject (deleted at once: a refused face is not kept). Nobody reviews
   * their own submission or a sample of their own linked employee record.
   */
  async review(
    auth: AuthContext,
    orgId: string,
    employeeId: string,
    sampleId: string,
    decision: FaceReviewRequest['decision'],
  ): Promise<FaceReviewResponse> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const sample = await trx
        .selectFrom('faceSamples')
        .innerJoin('employees', 'employees.id', 'faceSamples.employeeId')
        .select([
          'faceSamples.id',
          'faceSamples.status',
          'faceSamples.submittedByUserId',
          'faceSamples.duplicateEmployeeId',
          'faceSamples.duplicateSimilarity',
          'employees.employeeCode',
        ])
        .where('faceSamples.organizationId', '=', orgId)
        .where('employees.organizationId', '=', orgId)
        .where('faceSamples.employeeId', '=', employeeId)
        .where('faceSamples.id', '=', sampleId)
        .executeTakeFirst();
      if (!sample) throw notFound('Face sample');
      if (sample.status !== 'pending') {
        throw new AppError(409, 'not_pending', 'This face sample was already reviewed.');
      }
      if (
        (auth.userId !== null && sample.submittedByUserId === auth.userId) ||
        auth.employeeId === employeeId
      ) {
        throw new AppError(403, 'own_submission', 'Someone else must review your own face samples.');
      }
      const changes = {
        sampleId,
        duplicateEmployeeId: sample.duplicateEmployeeId,
        duplicateSimilarity: sample.duplicateSimilarity,
      };
      if (decision === 'approve') {
        const res = await trx
          .updateTable('faceSamples')
          .set({ status: 'approved', reviewedByUserId: auth.userId, reviewedAt: now })
          .where('organizationId', '=', orgId)
          .where('id', '=', sampleId)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) {
          throw new AppError(409, 'not_pending', 'This face sample was already reviewed.');
        }
      } else {
        await trx
          .deleteFrom('faceSamples')
          .where('organizationId', '=', orgId)
          .where('id', '=', sampleId)
          .where('status', '=', 'pending')
          .execute();
      }
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: decision === 'approve' ? 'biometric.sample_approved' : 'biometric.sample_rejected',
        entityType: 'employee',
        entityId: employeeId,
        summary: `${decision === 'approve' ? 'Approved' : 'Rejected'} a self-enrolled face sample of ${sample.employeeCode}`,
        changes,
      });
    });
    if (decision === 'approve') await this.galleries.refreshEmployee(orgId, employeeId);
    this.ctx.events.publish('faceSamples.changed', { organizationId: orgId, employeeId });
    const counts = await countFaceSamples(this.ctx.db, orgId, [employeeId]);
    return { sampleId, decision, faceSamples: counts.get(employeeId) ?? 0 };
  }
}
