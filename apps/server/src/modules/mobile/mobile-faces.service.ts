import type { FaceRegisterInput, FaceRegisterResult, FaceUpdateInput } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import type { FacesService, GalleryService } from '../faces/index.js';
import { assertFaceActor } from './mobile-attendance.service.js';
import type { MobileSitesService } from './mobile-sites.service.js';

/** Recorded when an officer registers someone's face and the app sent no words of its own. */
export const DEFAULT_CONSENT_TEXT =
  'The member agreed to have their face registered for attendance by this officer.';

function photosOf(images: readonly string[]) {
  return images.map((data, i) => {
    const comma = data.startsWith('data:') ? data.indexOf(',') : -1;
    const bytes = Buffer.from(comma >= 0 ? data.slice(comma + 1) : data, 'base64');
    if (bytes.length === 0) throw badRequest('invalid_image', `face_images[${i}] is not base64`);
    return { fileName: null, bytes };
  });
}

/** Face registration from the app: the web enrolment's quality gate, with consent and an audited update. */
export class MobileFacesService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly faces: FacesService,
    private readonly galleries: GalleryService,
    private readonly sites: MobileSitesService,
  ) {}

  async register(
    auth: AuthContext,
    orgId: string,
    memberId: string,
    input: FaceRegisterInput,
  ): Promise<FaceRegisterResult> {
    assertFaceActor(auth, memberId, input.consent);
    if (auth.employeeId !== memberId) {
      await this.sites.assertOfficerMayRecord(auth, orgId, memberId, undefined);
      // Who agreed, when, and to what: kept before any photo is stored.
      await this.sites.recordConsent(auth, orgId, memberId, input.consent_text ?? DEFAULT_CONSENT_TEXT);
    }
    const r = await this.faces.enrol(auth, orgId, memberId, photosOf(input.face_images), 'mobile');
    return {
      member_id: memberId,
      accepted: r.accepted,
      rejected: r.rejected,
      results: r.results.map((p) => ({
        index: p.index,
        accepted: p.accepted,
        code: p.code,
        message: p.message,
        quality: p.quality,
      })),
      face_samples: r.faceSamples,
      pending: r.pending,
      replaced: 0,
    };
  }

  /**
   * Registers the face again and, once at least one new photo passed the gate, removes the older
   * samples; the reason is audited. Nothing is removed when no new photo passes.
   */
  async update(
    auth: AuthContext,
    orgId: string,
    memberId: string,
    input: FaceUpdateInput,
  ): Promise<FaceRegisterResult> {
    assertFaceActor(auth, memberId, input.consent);
    const before = await this.ctx.db
      .selectFrom('faceSamples')
      .select('id')
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', memberId)
      .execute();
    const registered = await this.register(auth, orgId, memberId, input);
    if (registered.accepted === 0) return registered;
    // A self-update waits for review (issue 9, item 14): the approved face keeps working until a
    // manager approves the new one, so nothing is removed now.
    if (registered.pending > 0) {
      await recordAudit(this.ctx.db, this.ctx.clock.nowMs(), {
        organizationId: orgId,
        actor: auth,
        action: 'biometric.updated',
        entityType: 'employee',
        entityId: memberId,
        summary: `Face registered again: ${registered.pending} new, waiting for approval. Reason: ${input.reason}`,
        changes: { reason: input.reason, pending: registered.pending, replaced: 0 },
      });
      return registered;
    }
    const oldIds = before.map((b) => b.id);
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      if (oldIds.length > 0)
        await trx
          .deleteFrom('faceSamples')
          .where('organizationId', '=', orgId)
          .where('employeeId', '=', memberId)
          .where('id', 'in', oldIds)
          .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'biometric.updated',
        entityType: 'employee',
        entityId: memberId,
        summary: `Face registered again: ${registered.accepted} new, ${oldIds.length} replaced. Reason: ${input.reason}`,
        changes: { reason: input.reason, accepted: registered.accepted, replaced: oldIds.length },
      });
    });
    await this.galleries.refreshEmployee(orgId, memberId);
    this.ctx.events.publish('faceSamples.changed', { organizationId: orgId, employeeId: memberId });
    return {
      ...registered,
      face_samples: registered.face_samples - oldIds.length,
      replaced: oldIds.length,
    };
  }
}
