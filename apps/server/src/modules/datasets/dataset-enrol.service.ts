import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { PersonEmployeeCreate, PersonEmployeeCreated, PersonEnrolResult } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, conflict, forbidden, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { MAX_PHOTOS_PER_UPLOAD, type FaceModules, type UploadedPhoto } from '../faces/index.js';
import type { EmployeesService } from '../people/index.js';
import { findPerson, personCode, underDataDir } from '../videos/index.js';

/** Most crops of one person enrolled at once: one enrolment request's photos. */
export const MAX_ENROL_FROM_PERSON = MAX_PHOTOS_PER_UPLOAD;

/**
 * Enrolment from a video person linked to an employee: the person's reviewed crops (those left after
 * the dataset review) go through the normal enrolment path — the same quality gate and duplicate-face
 * check as uploaded photos, `pending` for a caller who may only submit. A crop sent once is not sent again.
 * Also: a new employee made from a person (created, linked, enrolled).
 */
export class DatasetEnrolService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly faces: FaceModules,
    private readonly employees: EmployeesService,
  ) {}

  async enrolFromPerson(
    auth: AuthContext,
    orgId: string,
    personId: string,
    allowDuplicate = false,
  ): Promise<PersonEnrolResult> {
    const person = await findPerson(this.ctx.db, orgId, personId);
    if (!person) throw notFound('Person');
    if (!person.employeeId)
      throw new AppError(409, 'person_not_linked', 'Link the person to an employee first.');
    const employeeId = person.employeeId;
    const pack = await this.faces.engine.activePack();
    if (!pack) throw new AppError(503, 'recognition_disabled', 'Face recognition is not available');
    const all = await this.ctx.db
      .selectFrom('datasetFaces')
      .select(['id', 'file', 'enrolledAt'])
      .where('organizationId', '=', orgId)
      .where('personId', '=', personId)
      .where('pack', '=', pack)
      .orderBy('quality', 'desc')
      .orderBy('id')
      .execute();
    if (all.length === 0)
      throw new AppError(409, 'no_crops', 'This person has no face crops yet: cut faces from a video first.');
    const fresh = all.filter((c) => c.enrolledAt === null).slice(0, MAX_ENROL_FROM_PERSON);
    const skipped = all.length - all.filter((c) => c.enrolledAt === null).length;
    if (fresh.length === 0)
      return { employeeId, accepted: 0, pending: 0, rejected: 0, rejectedFor: [], skipped };
    const photos: UploadedPhoto[] = [];
    const sent: string[] = [];
    for (const c of fresh) {
      const bytes = await readFile(underDataDir(this.ctx.env.dataDir, c.file)).catch(() => null);
      if (!bytes) continue; // a crop whose file is gone (purged) is not a face to enrol
      photos.push({ fileName: c.file.split('/').pop() ?? null, bytes });
      sent.push(c.id);
    }
    if (photos.length === 0)
      throw new AppError(409, 'no_crops', 'The crops of this person are missing on disk: cut faces again.');
    // The normal path: quality gate, duplicate-face check (409, nothing stored), audit, gallery refresh.
    const r = await this.faces.faces.enrol(auth, orgId, employeeId, photos, 'video', allowDuplicate);
    const now = this.ctx.clock.nowMs();
    const done = r.results.flatMap((x) => (x.accepted ? [sent[x.index]!] : []));
    if (done.length)
      await this.ctx.db
        .updateTable('datasetFaces')
        .set({ enrolledAt: now })
        .where('organizationId', '=', orgId)
        .where('id', 'in', done)
        .execute();
    return {
      employeeId,
      accepted: r.accepted,
      pending: r.pending,
      rejected: r.rejected,
      rejectedFor: r.results.flatMap((x) => (x.accepted ? [] : [x.code ?? 'rejected'])),
      skipped,
    };
  }

  /**
   * Creates an employee (the people slice's rules: unique code, audit) from a person, links the person
   * and enrols its crops. A crop that matches another employee leaves the employee created and linked
   * with no face stored, and says so (`duplicate`), so the caller can confirm with allowDuplicate.
   */
  async createEmployee(
    auth: AuthContext,
    orgId: string,
    personId: string,
    body: z.output<typeof PersonEmployeeCreate>,
  ): Promise<PersonEmployeeCreated> {
    if (!auth.permissions.has('member:manage'))
      throw forbidden('Your role does not allow creating employees (needs member:manage)');
    const person = await findPerson(this.ctx.db, orgId, personId);
    if (!person) throw notFound('Person');
    if (person.employeeId)
      throw conflict('person_linked', `${personCode(person.code)} is already linked to an employee.`);
    const employee = await this.employees.create(auth, orgId, {
      name: body.name,
      employeeCode: body.employeeCode,
      badgeId: null,
      status: 'active',
    });
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('videoPersons')
        .set({ employeeId: employee.id, name: employee.name })
        .where('organizationId', '=', orgId)
        .where('id', '=', personId)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'video_person.updated',
        entityType: 'video_person',
        entityId: personId,
        summary: `Created employee ${employee.employeeCode} from ${personCode(person.code)} and linked them`,
        changes: { employeeId: employee.id, name: employee.name },
      });
    });
    const out: PersonEmployeeCreated = {
      employee: { id: employee.id, employeeCode: employee.employeeCode, name: employee.name },
      enrolment: null,
      duplicate: null,
    };
    try {
      out.enrolment = await this.enrolFromPerson(auth, orgId, personId, body.allowDuplicate);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      if (e.code === 'face_matches_other_employee')
        out.duplicate = e.details as NonNullable<PersonEmployeeCreated['duplicate']>;
      else if (e.code !== 'no_crops' && e.code !== 'recognition_disabled') throw e;
    }
    return out;
  }
}
