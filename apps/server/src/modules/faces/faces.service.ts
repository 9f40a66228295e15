import {
  decodeImage,
  embedAlignedCrops,
  enrolFromImages,
  ImageDecodeError,
  type EnrolImageResult,
  type FaceBox,
  type FaceEngine,
  type RgbFrame,
} from '@hadir/vision';
import type { Permission } from '@hadir/domain';
import type {
  BiometricEraseResult,
  EnrolPhotoResult,
  EnrolResponse,
  EnrolSource,
  FaceSampleList,
  FaceStatusResponse,
  ReembedResponse,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import {
  AppError,
  badRequest,
  conflict,
  forbidden,
  notFound,
  payloadTooLarge,
} from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import type { SnapshotService } from '../snapshots/index.js';
import { embeddingToBytes } from './embedding-bytes.js';
import { presentQuality, presentStoredQuality, storeQualityFactors } from './face-quality.presenter.js';
import type { FaceEngineService } from './face-engine.service.js';
import { findDuplicate, presentDuplicate, type DuplicateHit } from './face-review.service.js';
import { countFaceSamples, sampleCountsByPack } from './face-samples.repository.js';
import type { GalleryService } from './gallery.service.js';

export interface UploadedPhoto {
  fileName: string | null;
  bytes: Uint8Array;
}

/** Photos per upload and bytes per photo: a phone photo is 2–8 MB. */
export const MAX_PHOTOS_PER_UPLOAD = 10;
export const MAX_PHOTO_BYTES = 15 * 1024 * 1024;
/** Phone photos are ≤ 50 MP; anything larger is refused from its header before decoding. */
export const MAX_PHOTO_PIXELS = 50_000_000;

const REEMBED_BATCH = 20;

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    /** A person's enrolled samples changed (enrolment, deletion, erasure, assignment, re-embedding). */
    'faceSamples.changed': { organizationId: string; employeeId: string | null };
  }
}

declare module '../../platform/jobs/job-runner.js' {
  interface HadirJobs {
    'faces.reembed': { organizationId: string; pack: string };
  }
}

/** Enrolment, listing, deletion and erasure of a person's biometric data. */
export class FacesService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly engine: FaceEngineService,
    private readonly galleries: GalleryService,
    private readonly snapshots: SnapshotService,
  ) {}

  /** Checks the caller may enrol this person before the upload is read (then enrol checks again). */
  async authorizeEnrol(auth: AuthContext, orgId: string, employeeId: string): Promise<void> {
    await this.requireEmployee(auth, orgId, employeeId, 'member:face:register');
  }

  /** Officers and admins act on anyone in the organization; a member only on their own linked record. */
  private async requireEmployee(
    auth: AuthContext,
    orgId: string,
    employeeId: string,
    anyone: Permission,
  ): Promise<{ id: string; employeeCode: string; name: string }> {
    const employee = await this.ctx.db
      .selectFrom('employees')
      .select(['id', 'employeeCode', 'name'])
      .where('organizationId', '=', orgId)
      .where('id', '=', employeeId)
      .executeTakeFirst();
    if (!employee) throw notFound('Employee');
    const own = auth.employeeId === employeeId && auth.permissions.has('face:own:register');
    if (!auth.permissions.has(anyone) && !own) {
      throw forbidden(`Your role does not allow this (needs ${anyone}, or your own linked employee)`);
    }
    return employee;
  }

  /**
   * Enrols photos of a person. Someone who may enrol only their own record (no member:face:register)
   * gets `pending` samples that are not matched until a reviewer approves them. A face that already
   * matches ANOTHER employee above the threshold is refused with 409 `face_matches_other_employee`
   * (nothing stored) unless `allowDuplicate` is set, which is audited and remembered on the sample.
   * A photo with several faces answers several_faces with the faces to choose from; sent again with
   * `faceBox` (one photo only), the face at that place is enrolled.
   */
  async enrol(
    auth: AuthContext,
    orgId: string,
    employeeId: string,
    photos: readonly UploadedPhoto[],
    /** What a client may send (EnrolSource), or `video`: crops of a video person (modules/datasets). */
    source: EnrolSource | 'video' = 'upload',
    allowDuplicate = false,
    faceBox: FaceBox | null = null,
  ): Promise<EnrolResponse> {
    const employee = await this.requireEmployee(auth, orgId, employeeId, 'member:face:register');
    const status = auth.permissions.has('member:face:register') ? 'approved' : 'pending';
    if (photos.length === 0) throw badRequest('no_photos', 'Attach at least one photo (JPEG, PNG or WebP).');
    if (faceBox && photos.length !== 1) {
      throw badRequest('face_box_one_photo', 'A chosen face (faceBox) goes with exactly one photo.');
    }
    const settings = await getOrganizationSettings(this.ctx.db, orgId);

    // One photo at a time: a decoded 12 MP photo is 36 MB, ten at once would be needless memory. A file
    // that is not an image fails the request before anything is stored (and before models load).
    const judged: {
      photo: UploadedPhoto;
      result: EnrolImageResult;
      duplicate: DuplicateHit | null;
      threshold: number | null;
    }[] = [];
    let engine: FaceEngine | null = null;
    for (const [index, photo] of photos.entries()) {
      const frame = await decodeUpload(photo, index);
      const e = (engine ??= await this.engine.engine());
      const [result] = await this.engine.withInferenceSlot(() =>
        enrolFromImages(e, [frame], {
          keepAlignedCrops: settings.keepAlignedFaceCrops,
          ...(faceBox ? { faceBox } : {}),
        }),
      );
      const duplicate = result!.ok
        ? await findDuplicate(this.galleries, orgId, employeeId, result!.embeddings[0]!)
        : { hit: null, threshold: null };
      judged.push({ photo, result: result!, duplicate: duplicate.hit, threshold: duplicate.threshold });
    }

    const duplicates = judged.flatMap((j, index) => (j.duplicate ? [{ index, ...j.duplicate }] : []));
    if (duplicates.length > 0 && !allowDuplicate) {
      const matches = [];
      for (const d of duplicates) {
        const shown = await presentDuplicate(this.ctx.db, auth, orgId, d.employeeId, d.cosineSimilarity);
        matches.push({ index: d.index, ...shown! });
      }
      throw conflict(
        'face_matches_other_employee',
        matches[0]!.employee
          ? `This face already matches ${matches[0]!.employee.name} (${matches[0]!.employee.employeeCode}). Nothing was stored; confirm to enrol it anyway.`
          : 'This face already matches another employee. Nothing was stored.',
        { threshold: judged.find((j) => j.threshold !== null)?.threshold ?? null, matches },
      );
    }

    const now = this.ctx.clock.nowMs();
    const pack = engine!.info.pack;
    const results: EnrolPhotoResult[] = [];
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const [index, { photo, result, duplicate }] of judged.entries()) {
        if (!result.ok) {
          results.push({
            index,
            fileName: photo.fileName,
            accepted: false,
            sampleId: null,
            code: result.code,
            message: result.message,
            quality: result.quality?.score ?? null,
            qualityDetail: result.quality ? presentQuality(result.quality) : null,
            factor: result.factor ?? null,
            faces:
              result.faces?.map((f) => ({
                box: f.box,
                quality: presentQuality(f.quality),
                rejectedFor: f.rejectedFor,
              })) ?? null,
            imageSize: result.imageSize ?? null,
            status: null,
          });
          continue;
        }
        const id = newId(now);
        await trx
          .insertInto('faceSamples')
          .values({
            id,
            organizationId: orgId,
            employeeId,
            pack,
            embedding: embeddingToBytes(result.embeddings[0]!),
            quality: result.quality.score,
            qualityFactors: storeQualityFactors(result.quality),
            alignedCrop: result.alignedCropsJpeg?.[0] ? Buffer.from(result.alignedCropsJpeg[0]) : null,
            source,
            createdAt: now,
            status,
            submittedByUserId: auth.userId,
            duplicateEmployeeId: duplicate?.employeeId ?? null,
            duplicateSimilarity: duplicate?.cosineSimilarity ?? null,
          })
          .execute();
        results.push({
          index,
          fileName: photo.fileName,
          accepted: true,
          sampleId: id,
          code: null,
          message: status === 'pending' ? 'Face saved; a manager must approve it.' : 'Face enrolled.',
          quality: result.quality.score,
          qualityDetail: presentQuality(result.quality),
          factor: null,
          faces: null,
          imageSize: null,
          status,
        });
      }
      const accepted = results.filter((r) => r.accepted).length;
      const confirmed = judged.filter((j) => j.duplicate && j.result.ok);
      if (confirmed.length > 0) {
        await recordAudit(trx, now, {
          organizationId: orgId,
          actor: auth,
          action: 'biometric.duplicate_confirmed',
          entityType: 'employee',
          entityId: employeeId,
          summary: `Enrolled a face for ${employee.employeeCode} that already matches another employee (confirmed)`,
          changes: {
            matches: confirmed.map((j) => ({
              employeeId: j.duplicate!.employeeId,
              cosineSimilarity: j.duplicate!.cosineSimilarity,
            })),
            status,
          },
        });
      }
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'biometric.enrolled',
        entityType: 'employee',
        entityId: employeeId,
        summary: `Face enrolment for ${employee.employeeCode}: ${accepted} of ${results.length} photos accepted`,
        changes: {
          pack,
          accepted,
          rejected: results.filter((r) => !r.accepted).map((r) => r.code),
          cropsKept: settings.keepAlignedFaceCrops,
          status,
        },
      });
    });
    const accepted = results.filter((r) => r.accepted).length;
    if (accepted > 0 && status === 'approved') await this.changed(orgId, employeeId);
    else if (accepted > 0) {
      this.ctx.events.publish('faceSamples.changed', { organizationId: orgId, employeeId });
    }
    const counts = await countFaceSamples(this.ctx.db, orgId, [employeeId]);
    return {
      employeeId,
      pack,
      accepted,
      rejected: results.length - accepted,
      results,
      faceSamples: counts.get(employeeId) ?? 0,
      pending: status === 'pending' ? accepted : 0,
    };
  }

  async list(auth: AuthContext, orgId: string, employeeId: string): Promise<FaceSampleList> {
    await this.requireEmployee(auth, orgId, employeeId, 'member:face:view');
    const pack = await this.engine.activePack();
    const rows = await this.ctx.db
      .selectFrom('faceSamples')
      .select((eb) => [
        'id',
        'createdAt',
        'quality',
        'qualityFactors',
        'source',
        'pack',
        'status',
        'duplicateEmployeeId',
        'duplicateSimilarity',
        eb('alignedCrop', 'is not', null).as('hasCrop'),
      ])
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', employeeId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    const items = [];
    for (const r of rows) {
      items.push({
        id: r.id,
        createdAt: toIso(r.createdAt),
        quality: r.quality,
        qualityDetail: presentStoredQuality(r.qualityFactors),
        source: r.source,
        pack: r.pack,
        activePack: r.pack === pack,
        hasCrop: Boolean(r.hasCrop),
        status: r.status,
        duplicateOf: await presentDuplicate(
          this.ctx.db,
          auth,
          orgId,
          r.duplicateEmployeeId,
          r.duplicateSimilarity,
        ),
      });
    }
    return { employeeId, activePack: pack, items };
  }

  /** The aligned 112×112 crop as JPEG, when the organization keeps crops. */
  async thumbnail(auth: AuthContext, orgId: string, employeeId: string, sampleId: string): Promise<Buffer> {
    await this.requireEmployee(auth, orgId, employeeId, 'member:face:view');
    const row = await this.ctx.db
      .selectFrom('faceSamples')
      .select('alignedCrop')
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', employeeId)
      .where('id', '=', sampleId)
      .executeTakeFirst();
    if (!row?.alignedCrop) throw notFound('Face thumbnail');
    return Buffer.from(row.alignedCrop);
  }

  async deleteSample(auth: AuthContext, orgId: string, employeeId: string, sampleId: string): Promise<void> {
    const employee = await this.requireEmployee(auth, orgId, employeeId, 'member:face:register');
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .deleteFrom('faceSamples')
        .where('organizationId', '=', orgId)
        .where('employeeId', '=', employeeId)
        .where('id', '=', sampleId)
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw notFound('Face sample');
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'biometric.sample_deleted',
        entityType: 'employee',
        entityId: employeeId,
        summary: `Deleted a face sample of ${employee.employeeCode}`,
        changes: { sampleId },
      });
    });
    await this.changed(orgId, employeeId);
  }

  /**
   * Erases everything biometric about a person: samples (embeddings and crops), unknown faces assigned
   * to them, and their snapshots (rows and files).
   */
  async eraseAll(auth: AuthContext, orgId: string, employeeId: string): Promise<BiometricEraseResult> {
    const employee = await this.requireEmployee(auth, orgId, employeeId, 'member:face:register');
    return this.erase(auth, orgId, employeeId, `Erased all biometric data of ${employee.employeeCode}`);
  }

  /** After an employee row is deleted (samples cascade with it; snapshots and unknown faces do not). */
  async eraseDeletedEmployee(orgId: string, employeeId: string): Promise<void> {
    await this.erase(null, orgId, employeeId, 'Erased biometric data of a deleted employee');
  }

  private async erase(
    auth: AuthContext | null,
    orgId: string,
    employeeId: string,
    summary: string,
  ): Promise<BiometricEraseResult> {
    const now = this.ctx.clock.nowMs();
    const out = await this.ctx.db.transaction().execute(async (trx) => {
      const samples = await trx
        .deleteFrom('faceSamples')
        .where('organizationId', '=', orgId)
        .where('employeeId', '=', employeeId)
        .executeTakeFirst();
      const unknown = await trx
        .deleteFrom('unknownFaces')
        .where('organizationId', '=', orgId)
        .where('assignedEmployeeId', '=', employeeId)
        .executeTakeFirst();
      const files = await this.snapshots.deleteRowsForEmployee(trx, orgId, employeeId);
      const result = {
        employeeId,
        samplesDeleted: Number(samples.numDeletedRows),
        unknownFacesDeleted: Number(unknown.numDeletedRows),
        snapshotsDeleted: files.filter((f) => f.endsWith('-face.jpg')).length,
      };
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'biometric.erased',
        entityType: 'employee',
        entityId: employeeId,
        summary,
        changes: {
          samplesDeleted: result.samplesDeleted,
          unknownFacesDeleted: result.unknownFacesDeleted,
          snapshotsDeleted: result.snapshotsDeleted,
        },
      });
      return { result, files };
    });
    await this.snapshots.unlinkFiles(out.files);
    await this.galleries.removeEmployee(orgId, employeeId);
    this.ctx.events.publish('faceSamples.changed', { organizationId: orgId, employeeId });
    return out.result;
  }

  /** Per employee: usable samples for the active pack, and who must enrol again after a pack change. */
  async status(orgId: string): Promise<FaceStatusResponse> {
    const pack = await this.engine.activePack();
    const [employees, counts] = await Promise.all([
      this.ctx.db
        .selectFrom('employees')
        .select(['id', 'employeeCode', 'name'])
        .where('organizationId', '=', orgId)
        .where('status', '!=', 'terminated')
        .orderBy('employeeCode')
        .execute(),
      sampleCountsByPack(this.ctx.db, orgId),
    ]);
    const per = new Map<string, { active: number; other: number; reembeddable: number }>();
    for (const c of counts) {
      const e = per.get(c.employeeId) ?? { active: 0, other: 0, reembeddable: 0 };
      if (c.pack === pack) e.active += c.n;
      else {
        e.other += c.n;
        e.reembeddable += c.withCrop;
      }
      per.set(c.employeeId, e);
    }
    const items = employees.map((e) => {
      const c = per.get(e.id) ?? { active: 0, other: 0, reembeddable: 0 };
      return {
        employeeId: e.id,
        employeeCode: e.employeeCode,
        name: e.name,
        samplesActivePack: c.active,
        samplesOtherPacks: c.other,
        reembeddableSamples: c.reembeddable,
        needsReenrolment: c.active === 0 && c.other > 0 && c.reembeddable === 0,
      };
    });
    return {
      pack,
      enrolled: items.filter((i) => i.samplesActivePack > 0).length,
      notEnrolled: items.filter((i) => i.samplesActivePack === 0).length,
      needsReenrolment: items.filter((i) => i.needsReenrolment).length,
      items,
    };
  }

  /** Starts re-embedding kept crops with the active pack (a job); reports who has to enrol again. */
  async requestReembed(auth: AuthContext, orgId: string): Promise<ReembedResponse> {
    const pack = await this.engine.activePack();
    if (!pack) throw new AppError(503, 'recognition_disabled', (await this.engine.info()).reason);
    const status = await this.status(orgId);
    const toReembed = status.items.filter((i) => i.reembeddableSamples > 0);
    const samplesToReembed = toReembed.reduce((n, i) => n + i.reembeddableSamples, 0);
    const now = this.ctx.clock.nowMs();
    const jobId = await this.ctx.db.transaction().execute(async (trx) => {
      const id =
        samplesToReembed > 0
          ? await this.ctx.jobs.enqueue(
              trx,
              'faces.reembed',
              { organizationId: orgId, pack },
              { organizationId: orgId, idempotencyKey: `faces.reembed:${orgId}:${pack}:${now}` },
            )
          : null;
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'biometric.reembed_requested',
        entityType: 'organization',
        entityId: orgId,
        summary: `Re-embedding ${samplesToReembed} kept face crops with pack ${pack}`,
        changes: { pack, samplesToReembed, employeesNeedingReenrolment: status.needsReenrolment },
      });
      return id;
    });
    return {
      pack,
      jobId,
      samplesToReembed,
      employeesToReembed: toReembed.length,
      employeesNeedingReenrolment: status.needsReenrolment,
    };
  }

  /** The `faces.reembed` job: other-pack samples with a crop get the active pack's embedding, in place. */
  async reembed(orgId: string, pack: string): Promise<{ reembedded: number; failed: number }> {
    const engine = await this.engine.engine();
    if (engine.info.pack !== pack) return { reembedded: 0, failed: 0 }; // the pack changed again since
    const failedIds: string[] = [];
    let reembedded = 0;
    for (;;) {
      let q = this.ctx.db
        .selectFrom('faceSamples')
        .select(['id', 'employeeId', 'pack', 'alignedCrop'])
        .where('organizationId', '=', orgId)
        .where('pack', '!=', pack)
        .where('alignedCrop', 'is not', null)
        .orderBy('id')
        .limit(REEMBED_BATCH);
      if (failedIds.length) q = q.where('id', 'not in', failedIds);
      const rows = await q.execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        try {
          const [embedding] = await this.engine.withInferenceSlot(() =>
            embedAlignedCrops(engine, [row.alignedCrop!]),
          );
          await this.ctx.db
            .updateTable('faceSamples')
            .set({ pack, embedding: embeddingToBytes(embedding!) })
            .where('id', '=', row.id)
            .where('pack', '=', row.pack)
            .execute();
          reembedded++;
        } catch (error) {
          failedIds.push(row.id);
          this.ctx.log.warn({ err: error, sampleId: row.id }, 'a kept face crop could not be re-embedded');
        }
      }
    }
    const now = this.ctx.clock.nowMs();
    await recordAudit(this.ctx.db, now, {
      organizationId: orgId,
      actor: null,
      action: 'biometric.reembedded',
      entityType: 'organization',
      entityId: orgId,
      summary: `Re-embedded ${reembedded} face samples with pack ${pack}${failedIds.length ? ` (${failedIds.length} failed)` : ''}`,
      changes: { pack, reembedded, failed: failedIds.length },
    });
    this.galleries.invalidate(orgId);
    this.ctx.events.publish('faceSamples.changed', { organizationId: orgId, employeeId: null });
    return { reembedded, failed: failedIds.length };
  }

  /** Samples of a person changed: refresh the gallery and tell listeners. */
  private async changed(orgId: string, employeeId: string): Promise<void> {
    await this.galleries.refreshEmployee(orgId, employeeId);
    this.ctx.events.publish('faceSamples.changed', { organizationId: orgId, employeeId });
  }
}

/** Decodes one upload; a file that is not a usable image fails the whole request (400, or 413 if huge). */
async function decodeUpload(photo: UploadedPhoto, index: number): Promise<RgbFrame> {
  const which = `Photo ${index + 1}${photo.fileName ? ` (${photo.fileName})` : ''}`;
  try {
    return await decodeImage(photo.bytes, { maxPixels: MAX_PHOTO_PIXELS });
  } catch (error) {
    if (error instanceof ImageDecodeError) {
      const details = { index, fileName: photo.fileName, reason: error.code };
      if (error.code === 'too_large') throw payloadTooLarge(`${which}: ${error.message}`);
      throw badRequest(`image_${error.code}`, `${which}: ${error.message}`, details);
    }
    throw error;
  }
}
