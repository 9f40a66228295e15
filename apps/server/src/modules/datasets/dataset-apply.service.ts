import type { z } from 'zod';
import type { DatasetClass, ModelApplyRequest, ModelApplyResult } from '@hadir/contracts';
import { predictHead, type HeadWeights } from '@hadir/vision';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { DatasetModelsTable } from '../../platform/db/tables/datasets.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { embeddingFromBytes } from '../faces/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { findVideo, personCode } from '../videos/index.js';
import type { DatasetAttendanceService, VideoSighting } from './dataset-attendance.service.js';

type ApplyResult = z.infer<typeof ModelApplyResult>;
type PersonResult = ApplyResult['persons'][number];

/**
 * Applies a trained head to a video: each person's face centroid goes through the head, accepted when
 * its open-set score reaches the model's threshold. With `recordAttendance` (and the organization's
 * libraryAttendance on), the employees the model named get `video` attendance events at the video's
 * recording time — from its creation_time metadata, or entered now; without one nothing is recorded.
 */
export class DatasetApplyService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly attendance: DatasetAttendanceService,
  ) {}

  async apply(
    auth: AuthContext,
    orgId: string,
    videoId: string,
    body: z.output<typeof ModelApplyRequest>,
  ): Promise<ApplyResult> {
    const v = await findVideo(this.ctx.db, orgId, videoId);
    if (!v) throw notFound('Video');
    const m = await this.model(orgId, body.modelId);
    const now = this.ctx.clock.nowMs();
    const storedMs = v.recordedAt === null ? null : Number(v.recordedAt);
    const recordedAtMs = body.recordAttendance
      ? await this.recordingTime(orgId, storedMs, body.recordedAt, now)
      : null;
    const weights = JSON.parse(m.weights!) as HeadWeights;
    const classes = JSON.parse(m.classes) as DatasetClass[];
    const links = await this.classEmployees(orgId, classes);
    const persons = await this.ctx.db
      .selectFrom('videoAppearances as a')
      .innerJoin('videoPersons as p', 'p.id', 'a.personId')
      .select(['p.id', 'p.code', 'p.name', 'p.pack', 'p.embedding', 'a.ranges'])
      .where('a.organizationId', '=', orgId)
      .where('a.videoId', '=', videoId)
      .orderBy('p.code')
      .execute();
    const out: PersonResult[] = [];
    const sightings = new Map<string, VideoSighting>();
    const dim = weights.centroids[0]?.length ?? 0;
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const p of persons) {
        const e = p.embedding && p.pack === m.pack ? embeddingFromBytes(p.embedding) : null;
        const code = personCode(p.code);
        if (!e || e.length !== dim) {
          out.push({ personId: p.id, code, label: null, score: 0, accepted: false, employeeId: null });
          continue;
        }
        const pred = predictHead(m.method, weights, e);
        const cls = classes[pred.index]!;
        const accepted = pred.score >= m.threshold!;
        const label = cls.name ?? cls.code;
        const employeeId = accepted && cls.personId ? (links.get(cls.personId) ?? null) : null;
        const score = Math.round(pred.score * 1000) / 1000;
        out.push({ personId: p.id, code, label: accepted ? label : null, score, accepted, employeeId });
        if (accepted && cls.personId !== p.id && p.name === null)
          await trx.updateTable('videoPersons').set({ name: label }).where('id', '=', p.id).execute();
        if (employeeId) addSighting(sightings, employeeId, p.ranges, score);
      }
      if (recordedAtMs !== null && recordedAtMs !== storedMs)
        await trx
          .updateTable('videos')
          .set({ recordedAt: recordedAtMs })
          .where('organizationId', '=', orgId)
          .where('id', '=', videoId)
          .execute();
      const named = out.filter((o) => o.accepted).length;
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'dataset_model.applied',
        entityType: 'video',
        entityId: videoId,
        summary: `Applied model ${m.number} to ${v.title}: ${named} of ${out.length} persons named${
          recordedAtMs !== null ? `, attendance recorded for ${sightings.size} employees` : ''
        }`,
        ...(recordedAtMs !== null
          ? {
              changes: {
                recordAttendance: true,
                recordedAt: toIso(recordedAtMs),
                employees: [...sightings.keys()],
              },
            }
          : {}),
      });
    });
    let attendance: ApplyResult['attendance'] = null;
    if (recordedAtMs !== null) {
      const events = await this.attendance.recordVideo(orgId, videoId, recordedAtMs, [...sightings.values()]);
      attendance = { recordedAt: toIso(recordedAtMs), events, employees: sightings.size };
    }
    return { videoId, persons: out, attendance };
  }

  private async model(orgId: string, modelId: string | undefined): Promise<DatasetModelsTable> {
    let q = this.ctx.db.selectFrom('datasetModels').selectAll().where('organizationId', '=', orgId);
    q = modelId ? q.where('id', '=', modelId) : q.where('activeLibrary', '=', 1);
    const m = await q.executeTakeFirst();
    if (!m && modelId) throw notFound('Model');
    if (!m) throw conflict('no_active_model', 'No model is active for the video library.');
    if (m.status !== 'ready' || !m.weights || m.threshold === null)
      throw conflict('model_not_ready', 'The model has not finished training.');
    return m;
  }

  /** The recording time events go at: entered now, else the video's own; refused when neither exists. */
  private async recordingTime(
    orgId: string,
    stored: number | null,
    entered: string | undefined,
    now: number,
  ): Promise<number> {
    const settings = await getOrganizationSettings(this.ctx.db, orgId);
    if (!settings.libraryAttendance)
      throw conflict(
        'library_attendance_off',
        'Attendance from the video library is turned off for this organization (Settings → Organization).',
      );
    const at = entered !== undefined ? Date.parse(entered) : stored;
    if (at === null)
      throw conflict(
        'recorded_time_unknown',
        'The video has no recording time in its metadata: enter when it was recorded to record attendance.',
      );
    if (!Number.isFinite(at) || at > now)
      throw badRequest('recorded_time_future', 'The recording time must be a moment in the past.');
    return at;
  }

  /** The employee each class's person is linked to now (a class names an employee only through it). */
  private async classEmployees(orgId: string, classes: DatasetClass[]): Promise<Map<string, string>> {
    const ids = classes.map((c) => c.personId).filter((id): id is string => id !== null);
    if (ids.length === 0) return new Map();
    const rows = await this.ctx.db
      .selectFrom('videoPersons')
      .select(['id', 'employeeId'])
      .where('organizationId', '=', orgId)
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.flatMap((r) => (r.employeeId ? [[r.id, r.employeeId] as const] : [])));
  }
}

/** The employee's first and last moment over every person of the video the model named as them. */
function addSighting(
  into: Map<string, VideoSighting>,
  employeeId: string,
  rangesJson: string,
  score: number,
) {
  const ranges = JSON.parse(rangesJson) as { startSec: number; endSec: number }[];
  if (ranges.length === 0) return;
  const first = Math.min(...ranges.map((r) => r.startSec));
  const last = Math.max(...ranges.map((r) => r.endSec));
  const had = into.get(employeeId);
  into.set(employeeId, {
    employeeId,
    firstSec: Math.min(had?.firstSec ?? first, first),
    lastSec: Math.max(had?.lastSec ?? last, last),
    score: Math.max(had?.score ?? 0, score),
  });
}
