import { readFile } from 'node:fs/promises';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/audit.service.js';
import type { FaceModules } from '../faces/index.js';
import { findPerson, personCode, underDataDir } from '../videos/index.js';

/** Most crops of one person sent for review at once: a reviewer looks at each. */
export const MAX_ENROL_FROM_PERSON = 10;

/**
 * Enrolment from a video person linked to an employee: the person's best crops of the active pack become
 * face samples of that employee, `pending` until a reviewer approves them in the face review flow
 * (modules/faces). A crop already sent (same embedding) is not sent twice.
 */
export class DatasetEnrolService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly faces: FaceModules,
  ) {}

  async enrolFromPerson(
    auth: AuthContext,
    orgId: string,
    personId: string,
  ): Promise<{ employeeId: string; pending: number; skipped: number }> {
    const person = await findPerson(this.ctx.db, orgId, personId);
    if (!person) throw notFound('Person');
    if (!person.employeeId)
      throw new AppError(409, 'person_not_linked', 'Link the person to an employee first.');
    const employee = await this.ctx.db
      .selectFrom('employees')
      .select(['id', 'employeeCode'])
      .where('organizationId', '=', orgId)
      .where('id', '=', person.employeeId)
      .executeTakeFirst();
    if (!employee) throw notFound('Employee');
    const pack = await this.faces.engine.activePack();
    if (!pack) throw new AppError(503, 'recognition_disabled', 'Face recognition is not available');
    const crops = await this.ctx.db
      .selectFrom('datasetFaces')
      .select(['id', 'file', 'quality', 'embedding'])
      .where('organizationId', '=', orgId)
      .where('personId', '=', personId)
      .where('pack', '=', pack)
      .orderBy('quality', 'desc')
      .orderBy('id')
      .limit(MAX_ENROL_FROM_PERSON)
      .execute();
    if (crops.length === 0)
      throw new AppError(409, 'no_crops', 'This person has no face crops yet: cut faces from a video first.');
    const existing = await this.ctx.db
      .selectFrom('faceSamples')
      .select('embedding')
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', employee.id)
      .where('pack', '=', pack)
      .execute();
    const seen = new Set(existing.map((e) => Buffer.from(e.embedding).toString('base64')));
    const fresh = crops.filter((c) => !seen.has(Buffer.from(c.embedding).toString('base64')));
    const images = await Promise.all(
      fresh.map((c) => readFile(underDataDir(this.ctx.env.dataDir, c.file)).catch(() => null)),
    );
    const now = this.ctx.clock.nowMs();
    let pending = 0;
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const [i, c] of fresh.entries()) {
        await trx
          .insertInto('faceSamples')
          .values({
            id: newId(now),
            organizationId: orgId,
            employeeId: employee.id,
            pack,
            embedding: c.embedding,
            quality: c.quality,
            alignedCrop: images[i] ?? null,
            source: 'video',
            createdAt: now,
            status: 'pending',
            submittedByUserId: auth.userId,
            duplicateEmployeeId: null,
            duplicateSimilarity: null,
          })
          .execute();
        pending++;
      }
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'biometric.enrolled',
        entityType: 'employee',
        entityId: employee.id,
        summary: `Face enrolment for ${employee.employeeCode} from video person ${personCode(person.code)}: ${pending} crops pending review`,
        changes: { pack, pending, source: 'video', personId },
      });
    });
    if (pending > 0)
      this.ctx.events.publish('faceSamples.changed', { organizationId: orgId, employeeId: employee.id });
    return { employeeId: employee.id, pending, skipped: crops.length - pending };
  }
}
