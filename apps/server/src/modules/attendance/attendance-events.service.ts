import {
  ATTENDANCE_EVENT_KINDS,
  ATTENDANCE_SOURCES,
  addDays,
  localDate,
  type AttendanceEventKind,
  type AttendanceSource,
} from '@hadir/domain';
import type { ServerContext } from '../../context.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { getOrganizationSettings } from '../organizations/index.js';
import { nextSeq, type Executor } from './attendance.repository.js';

export interface RecordEventInput {
  employeeId: string;
  occurredAtMs: number;
  kind: AttendanceEventKind;
  source: AttendanceSource;
  label?: string | null;
  recordedBy?: string | null;
  deviceId?: string | null;
  clientId?: string | null;
  score?: number | null;
  snapshotId?: string | null;
  /** Phone captures: `pending` with the reasons it needs a manager's look, or null (not flagged). */
  review?: 'pending' | null;
  flags?: readonly string[] | null;
  /** The same key twice stores one event; callers without one get a fresh key per call. */
  idempotencyKey?: string;
}

export interface StoredEvent {
  id: string;
  employeeId: string;
  occurredAtMs: number;
  kind: AttendanceEventKind;
  source: AttendanceSource;
  label: string | null;
  seq: number;
}

/** A presence stay as the presence module stores it (one row per employee + camera stay). */
export interface CameraStay {
  organizationId: string;
  employeeId: string;
  intervalId: string;
  cameraName: string;
  startedAt: number;
  lastSeenTs: number;
  bestSimilarity: number;
  snapshotId: string | null;
}

/** Coalesces recomputes of camera stays: one job per employee, day and minute. */
const CAMERA_RECOMPUTE_BUCKET_MS = 60_000;

export class AttendanceEventsService {
  constructor(private readonly ctx: ServerContext) {}

  /** Stores one event (idempotent by key) and schedules its days' recompute in the same transaction. */
  async record(
    organizationId: string,
    input: RecordEventInput,
  ): Promise<{ event: StoredEvent; created: boolean }> {
    if (!ATTENDANCE_EVENT_KINDS.includes(input.kind))
      throw badRequest('invalid_kind', `Unknown kind "${input.kind}"`);
    if (!ATTENDANCE_SOURCES.includes(input.source))
      throw badRequest('invalid_source', `Unknown source "${input.source}"`);
    if (!Number.isSafeInteger(input.occurredAtMs) || input.occurredAtMs <= 0)
      throw badRequest('invalid_time', 'occurredAt must be a valid instant');
    const now = this.ctx.clock.nowMs();
    const key = input.idempotencyKey ?? `auto:${newId(now)}`;
    const { timeZone } = await getOrganizationSettings(this.ctx.db, organizationId);
    return this.ctx.db.transaction().execute(async (trx) => {
      const employee = await trx
        .selectFrom('employees')
        .select('id')
        .where('organizationId', '=', organizationId)
        .where('id', '=', input.employeeId)
        .executeTakeFirst();
      if (!employee) throw notFound('Employee');
      const existing = await this.byKey(trx, organizationId, key);
      if (existing) return { event: existing, created: false };
      const seq = await nextSeq(trx, organizationId);
      const id = newId(now);
      await trx
        .insertInto('attendanceEvents')
        .values({
          id,
          organizationId,
          employeeId: input.employeeId,
          occurredAt: input.occurredAtMs,
          kind: input.kind,
          source: input.source,
          label: input.label ?? null,
          recordedBy: input.recordedBy ?? null,
          deviceId: input.deviceId ?? null,
          clientId: input.clientId ?? null,
          score: input.score ?? null,
          snapshotId: input.snapshotId ?? null,
          idempotencyKey: key,
          seq,
          createdAt: now,
          review: input.review ?? null,
          flags: input.flags?.length ? JSON.stringify(input.flags) : null,
        })
        .execute();
      await this.scheduleRecompute(
        trx,
        organizationId,
        input.employeeId,
        timeZone,
        input.occurredAtMs,
        `event:${id}`,
      );
      return {
        event: {
          id,
          employeeId: input.employeeId,
          occurredAtMs: input.occurredAtMs,
          kind: input.kind,
          source: input.source,
          label: input.label ?? null,
          seq,
        },
        created: true,
      };
    });
  }

  /**
   * A camera stay becomes two events: its first sighting and its last (moved forward as the stay is
   * extended). Keys are derived from the interval id, so replays never duplicate.
   */
  recordCameraStay(stay: CameraStay): Promise<void> {
    return this.recordCameraStays([stay]);
  }

  /** Camera stays of one flush or ingest batch: one transaction per organization, not one per stay. */
  async recordCameraStays(stays: readonly CameraStay[]): Promise<void> {
    const byOrg = new Map<string, CameraStay[]>();
    for (const s of stays) byOrg.set(s.organizationId, [...(byOrg.get(s.organizationId) ?? []), s]);
    for (const [orgId, list] of byOrg) {
      const { timeZone } = await getOrganizationSettings(this.ctx.db, orgId);
      const now = this.ctx.clock.nowMs();
      await this.ctx.db.transaction().execute(async (trx) => {
        for (const stay of list) await this.recordStayIn(trx, stay, timeZone, now);
      });
    }
  }

  private async recordStayIn(trx: Executor, stay: CameraStay, timeZone: string, now: number): Promise<void> {
    const points: [string, number][] = [[`camera:${stay.intervalId}:first`, stay.startedAt]];
    if (stay.lastSeenTs > stay.startedAt) points.push([`camera:${stay.intervalId}:last`, stay.lastSeenTs]);
    let touched = false;
    for (const [key, atMs] of points) {
      const existing = await this.byKey(trx, stay.organizationId, key);
      if (existing?.occurredAtMs === atMs) continue;
      const seq = await nextSeq(trx, stay.organizationId);
      touched = true;
      if (existing) {
        await trx
          .updateTable('attendanceEvents')
          .set({ occurredAt: atMs, seq, score: stay.bestSimilarity })
          .where('id', '=', existing.id)
          .execute();
        continue;
      }
      await trx
        .insertInto('attendanceEvents')
        .values({
          id: newId(now),
          organizationId: stay.organizationId,
          employeeId: stay.employeeId,
          occurredAt: atMs,
          kind: 'sighting',
          source: 'camera',
          label: stay.cameraName,
          recordedBy: null,
          deviceId: null,
          clientId: null,
          score: stay.bestSimilarity,
          snapshotId: stay.snapshotId,
          idempotencyKey: key,
          seq,
          createdAt: now,
        })
        .execute();
    }
    if (!touched) return;
    const bucket = Math.floor(now / CAMERA_RECOMPUTE_BUCKET_MS);
    await this.scheduleRecompute(
      trx,
      stay.organizationId,
      stay.employeeId,
      timeZone,
      stay.lastSeenTs,
      `camera:${localDate(timeZone, stay.lastSeenTs)}:${bucket}`,
      (bucket + 1) * CAMERA_RECOMPUTE_BUCKET_MS,
    );
  }

  /**
   * A manager's decision on a flagged phone record: approved keeps it, rejected takes it out of the day
   * (recomputed). `audit` runs in the same transaction. Only a pending record can be decided.
   */
  async decideReview(
    organizationId: string,
    eventId: string,
    decision: { review: 'approved' | 'rejected'; by: string | null; note: string | null },
    audit: (trx: Executor, event: { employeeId: string; occurredAt: number }) => Promise<void>,
  ): Promise<void> {
    const now = this.ctx.clock.nowMs();
    const { timeZone } = await getOrganizationSettings(this.ctx.db, organizationId);
    await this.ctx.db.transaction().execute(async (trx) => {
      const event = await trx
        .selectFrom('attendanceEvents')
        .select(['id', 'employeeId', 'occurredAt', 'review'])
        .where('organizationId', '=', organizationId)
        .where('id', '=', eventId)
        .where('source', 'in', ['mobile', 'officer'])
        .executeTakeFirst();
      if (!event) throw notFound('Attendance record');
      if (event.review !== 'pending')
        throw conflict('not_pending', 'Only a flagged record that waits for review can be decided');
      const seq = await nextSeq(trx, organizationId);
      await trx
        .updateTable('attendanceEvents')
        .set({
          review: decision.review,
          reviewedBy: decision.by,
          reviewedAt: now,
          reviewNote: decision.note,
          seq,
        })
        .where('organizationId', '=', organizationId)
        .where('id', '=', eventId)
        .execute();
      await audit(trx, event);
      await this.scheduleRecompute(
        trx,
        organizationId,
        event.employeeId,
        timeZone,
        event.occurredAt,
        `review:${eventId}`,
      );
    });
  }

  /** Events of one employee in [fromMs, toMs), oldest first. */
  async listForEmployee(
    organizationId: string,
    employeeId: string,
    fromMs: number,
    toMs: number,
  ): Promise<StoredEvent[]> {
    const rows = await this.ctx.db
      .selectFrom('attendanceEvents')
      .select(['id', 'employeeId', 'occurredAt', 'kind', 'source', 'label', 'seq'])
      .where('organizationId', '=', organizationId)
      .where('employeeId', '=', employeeId)
      .where('occurredAt', '>=', fromMs)
      .where('occurredAt', '<', toMs)
      .where((eb) => eb.or([eb('review', 'is', null), eb('review', '<>', 'rejected')]))
      .orderBy('occurredAt')
      .orderBy('id')
      .execute();
    return rows.map(toStored);
  }

  private async byKey(trx: Executor, organizationId: string, key: string): Promise<StoredEvent | null> {
    const row = await trx
      .selectFrom('attendanceEvents')
      .select(['id', 'employeeId', 'occurredAt', 'kind', 'source', 'label', 'seq'])
      .where('organizationId', '=', organizationId)
      .where('idempotencyKey', '=', key)
      .executeTakeFirst();
    return row ? toStored(row) : null;
  }

  /** An event at T can belong to T's local date or, through a night shift, to the day before. */
  private async scheduleRecompute(
    trx: Executor,
    organizationId: string,
    employeeId: string,
    timeZone: string,
    atMs: number,
    dedupe: string,
    runAtMs?: number,
  ): Promise<void> {
    const date = localDate(timeZone, atMs);
    await this.ctx.jobs.enqueue(
      trx,
      'attendance.recompute',
      { organizationId, employeeId, fromDate: addDays(date, -1), toDate: date },
      {
        organizationId,
        idempotencyKey: `attendance.recompute:${organizationId}:${employeeId}:${dedupe}`,
        ...(runAtMs !== undefined ? { runAtMs } : {}),
      },
    );
  }
}

function toStored(r: {
  id: string;
  employeeId: string;
  occurredAt: number;
  kind: string;
  source: string;
  label: string | null;
  seq: number;
}): StoredEvent {
  return {
    id: r.id,
    employeeId: r.employeeId,
    occurredAtMs: r.occurredAt,
    kind: r.kind as AttendanceEventKind,
    source: r.source as AttendanceSource,
    label: r.label,
    seq: Number(r.seq),
  };
}
