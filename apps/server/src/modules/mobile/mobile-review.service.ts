import { zonedDayBounds } from '@hadir/domain';
import { cropFaceJpeg } from '@hadir/vision';
import type { z } from 'zod';
import type { MobileRecord, MobileRecordFlag, MobileRecordQuery, MobileRecordReview } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { newId } from '../../platform/ids/ids.js';
import type { AttendanceEventsService, RecordEventInput } from '../attendance/index.js';
import { recordAudit } from '../audit/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import type { SnapshotService } from '../snapshots/index.js';
import type { Verification } from './face-verify.service.js';

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    /** A phone-captured attendance record was stored or decided (the website shows it live). */
    'attendance.mobileRecorded': { organizationId: string; record: MobileRecord };
  }
}

/** A verified score this close above the threshold is flagged for a manager's look. */
export const LOW_SCORE_MARGIN = 0.05;
/** A success this soon after a failed liveness check of the same member is flagged as a retry. */
export const LIVENESS_RETRY_WINDOW_MS = 15 * 60_000;
const MAX_LIST = 500;

/**
 * Phone-captured attendance on the website (issue 11): each record keeps the face taken at the time (an
 * `attendance` event snapshot, under the snapshots' ≤ 30-day retention), is flagged when its score is
 * near the threshold, it followed a failed liveness check, or the device clock was off; a manager with
 * `attendance:record:approve` approves or rejects flagged records (rejected ones leave the day).
 */
export class MobileReviewService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly events: AttendanceEventsService,
    private readonly snapshots: SnapshotService,
  ) {}

  /** Remembers a failed liveness check, so that the next success is flagged as a retry. */
  async noteFailure(orgId: string, memberId: string, v: Verification): Promise<void> {
    if (!v.liveness || v.liveness.passed) return;
    const now = this.ctx.clock.nowMs();
    await this.ctx.db
      .insertInto('mobileVerifyFailures')
      .values({
        id: newId(now),
        organizationId: orgId,
        employeeId: memberId,
        reason: v.liveness.reason ?? 'liveness',
        createdAt: now,
      })
      .execute();
  }

  /**
   * Stores a verified phone record as an attendance event: the face snapshot, the flags and, when
   * flagged, `pending` review; then tells the website.
   */
  async record(
    orgId: string,
    input: RecordEventInput,
    v: Verification | null,
    opts: { clockSkew?: boolean } = {},
  ) {
    const flags = await this.flagsFor(orgId, input.employeeId, v, opts.clockSkew ?? false);
    const snapshotId = v ? await this.snapshot(orgId, input.employeeId, v, input.occurredAtMs) : null;
    const stored = await this.events.record(orgId, {
      ...input,
      snapshotId,
      flags,
      review: flags.length > 0 ? 'pending' : null,
    });
    if (stored.created) await this.publish(orgId, stored.event.id);
    return stored;
  }

  async list(orgId: string, q: z.infer<typeof MobileRecordQuery>): Promise<MobileRecord[]> {
    const { timeZone } = await getOrganizationSettings(this.ctx.db, orgId);
    const fromMs = zonedDayBounds(timeZone, q.from).startMs;
    const toMs = zonedDayBounds(timeZone, q.to).endMs;
    let query = this.base(orgId).where('e.occurredAt', '>=', fromMs).where('e.occurredAt', '<', toMs);
    if (q.source) query = query.where('e.source', '=', q.source);
    if (q.employeeId) query = query.where('e.employeeId', '=', q.employeeId);
    if (q.review === 'none') query = query.where('e.review', 'is', null);
    else if (q.review) query = query.where('e.review', '=', q.review);
    const rows = await query.orderBy('e.occurredAt', 'desc').orderBy('e.id').limit(MAX_LIST).execute();
    return rows.map(present);
  }

  async decide(
    auth: AuthContext,
    orgId: string,
    eventId: string,
    input: { decision: 'approve' | 'reject'; note?: string | undefined },
  ): Promise<MobileRecord> {
    const review = input.decision === 'approve' ? 'approved' : 'rejected';
    await this.events.decideReview(
      orgId,
      eventId,
      { review, by: auth.userId, note: input.note ?? null },
      async (trx, event) => {
        await recordAudit(trx, this.ctx.clock.nowMs(), {
          organizationId: orgId,
          actor: auth,
          action: `attendance_record.${review}`,
          entityType: 'attendance_event',
          entityId: eventId,
          summary:
            review === 'approved'
              ? 'Approved a flagged phone attendance record'
              : 'Rejected a flagged phone attendance record: it no longer counts toward the day',
          changes: {
            review: { from: 'pending', to: review },
            employeeId: event.employeeId,
            occurredAt: toIso(event.occurredAt),
            ...(input.note ? { note: input.note } : {}),
          },
        });
      },
    );
    return this.publish(orgId, eventId);
  }

  private async flagsFor(
    orgId: string,
    memberId: string,
    v: Verification | null,
    clockSkew: boolean,
  ): Promise<MobileRecordFlag[]> {
    const flags: MobileRecordFlag[] = [];
    if (v?.score != null && v.score < v.threshold + LOW_SCORE_MARGIN) flags.push('low_score');
    const since = this.ctx.clock.nowMs() - LIVENESS_RETRY_WINDOW_MS;
    const failures = await this.ctx.db
      .deleteFrom('mobileVerifyFailures')
      .where('organizationId', '=', orgId)
      .where('employeeId', '=', memberId)
      .returning('createdAt')
      .execute();
    if (failures.some((f) => f.createdAt >= since)) flags.push('liveness_retry');
    if (clockSkew) flags.push('clock_skew');
    return flags;
  }

  /** The face as the phone saw it; a snapshot that cannot be written never loses the record. */
  private async snapshot(orgId: string, memberId: string, v: Verification, takenAtMs: number) {
    if (!v.capture) return null;
    try {
      const faceJpeg = await cropFaceJpeg(v.capture.frame, v.capture.box, 160);
      const saved = await this.snapshots.save(orgId, {
        kind: 'attendance',
        employeeId: memberId,
        faceJpeg,
        takenAtMs: Math.min(takenAtMs, this.ctx.clock.nowMs()),
      });
      return saved.id;
    } catch (error) {
      this.ctx.log.warn({ err: error }, 'could not save the snapshot of a phone attendance record');
      return null;
    }
  }

  private async publish(orgId: string, eventId: string): Promise<MobileRecord> {
    const row = await this.base(orgId).where('e.id', '=', eventId).executeTakeFirstOrThrow();
    const record = present(row);
    this.ctx.events.publish('attendance.mobileRecorded', { organizationId: orgId, record });
    return record;
  }

  private base(orgId: string) {
    return this.ctx.db
      .selectFrom('attendanceEvents as e')
      .innerJoin('employees as m', (j) =>
        j.onRef('m.id', '=', 'e.employeeId').onRef('m.organizationId', '=', 'e.organizationId'),
      )
      .leftJoin('users as rb', 'rb.id', 'e.recordedBy')
      .leftJoin('users as rv', 'rv.id', 'e.reviewedBy')
      .leftJoin('mobileDevices as d', (j) =>
        j.onRef('d.id', '=', 'e.deviceId').onRef('d.organizationId', '=', 'e.organizationId'),
      )
      .leftJoin('snapshots as s', (j) =>
        j.onRef('s.id', '=', 'e.snapshotId').onRef('s.organizationId', '=', 'e.organizationId'),
      )
      .select([
        'e.id',
        'e.employeeId',
        'm.name as employeeName',
        'm.employeeCode',
        'e.occurredAt',
        'e.kind',
        'e.source',
        'e.score',
        'rb.name as recordedByName',
        'd.name as deviceName',
        // a snapshot purged by retention leaves the record without a picture
        's.id as snapshotId',
        'e.flags',
        'e.review',
        'rv.name as reviewedByName',
        'e.reviewedAt',
        'e.reviewNote',
      ])
      .where('e.organizationId', '=', orgId)
      .where('e.source', 'in', ['mobile', 'officer']);
  }
}

function present(r: {
  id: string;
  employeeId: string;
  employeeName: string;
  employeeCode: string | null;
  occurredAt: number;
  kind: string;
  source: string;
  score: number | null;
  recordedByName: string | null;
  deviceName: string | null;
  snapshotId: string | null;
  flags: string | null;
  review: string | null;
  reviewedByName: string | null;
  reviewedAt: number | null;
  reviewNote: string | null;
}): MobileRecord {
  return {
    id: r.id,
    employeeId: r.employeeId,
    employeeName: r.employeeName,
    employeeCode: r.employeeCode,
    occurredAt: toIso(r.occurredAt),
    kind: r.kind,
    source: r.source === 'officer' ? 'officer' : 'mobile',
    score: r.score,
    recordedByName: r.recordedByName,
    deviceName: r.deviceName,
    snapshotId: r.snapshotId,
    flags: r.flags ? (JSON.parse(r.flags) as MobileRecordFlag[]) : [],
    review: (r.review ?? 'none') as MobileRecordReview,
    reviewedByName: r.reviewedByName,
    reviewedAt: toIsoOrNull(r.reviewedAt),
    reviewNote: r.reviewNote,
  };
}
