import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { recordAudit } from '../audit/audit.service.js';
import type { AttendanceEventsService } from '../attendance/index.js';
import { getOrganizationSettings } from '../organizations/index.js';

/** Keeps the in-memory "last recorded" map small on a busy kiosk: old entries are pruned past this. */
const MAX_REMEMBERED = 10_000;

/** One recognised employee of a video, with where they appear (seconds from the video's start). */
export interface VideoSighting {
  employeeId: string;
  firstSec: number;
  lastSec: number;
  score: number;
}

/**
 * Attendance from the video library and the browser camera (issue 12), only when the organization turned
 * `libraryAttendance` on. Events go through the attendance slice's one write path (idempotency key,
 * sequence, day recompute), as camera stays do, with source `webcam` or `video`.
 *
 * The browser camera sees a face several times a second: an employee gets one event per
 * `webcamAttendanceIntervalMinutes`. A memory of the last event answers most frames without the
 * database; the database answers after a restart or for another process, and a key per interval bucket
 * keeps two sockets that race from storing two.
 */
export class DatasetAttendanceService {
  private readonly lastWebcamMs = new Map<string, number>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly events: AttendanceEventsService,
  ) {}

  /** Records `webcam` events for the employees recognised in one frame; returns those recorded now. */
  async recordWebcam(
    auth: Pick<AuthContext, 'userId' | 'tokenId'>,
    orgId: string,
    seen: readonly { employeeId: string; score: number }[],
  ): Promise<string[]> {
    if (seen.length === 0) return [];
    const settings = await getOrganizationSettings(this.ctx.db, orgId);
    if (!settings.libraryAttendance) return [];
    const intervalMs = settings.webcamAttendanceIntervalMinutes * 60_000;
    const now = this.ctx.clock.nowMs();
    const best = new Map<string, number>();
    for (const s of seen) best.set(s.employeeId, Math.max(best.get(s.employeeId) ?? 0, s.score));
    const recorded: string[] = [];
    for (const [employeeId, score] of best) {
      const memo = `${orgId}:${employeeId}`;
      const last = this.lastWebcamMs.get(memo);
      if (last !== undefined && now - last < intervalMs) continue;
      const stored = await this.ctx.db
        .selectFrom('attendanceEvents')
        .select((eb) => eb.fn.max('occurredAt').as('at'))
        .where('organizationId', '=', orgId)
        .where('employeeId', '=', employeeId)
        .where('source', '=', 'webcam')
        .where('occurredAt', '>', now - intervalMs)
        .executeTakeFirst();
      if (stored?.at !== null && stored?.at !== undefined) {
        this.remember(memo, Number(stored.at), intervalMs, now);
        continue;
      }
      this.remember(memo, now, intervalMs, now);
      const { created } = await this.events.record(orgId, {
        employeeId,
        occurredAtMs: now,
        kind: 'sighting',
        source: 'webcam',
        label: null,
        recordedBy: auth.userId,
        score,
        idempotencyKey: `webcam:${employeeId}:${Math.floor(now / intervalMs)}`,
      });
      if (!created) continue;
      recorded.push(employeeId);
      await recordAudit(this.ctx.db, now, {
        organizationId: orgId,
        actor: auth,
        action: 'attendance.webcam_recorded',
        entityType: 'employee',
        entityId: employeeId,
        summary: 'Browser camera recorded an attendance event (source webcam)',
        changes: {
          score: Math.round(score * 1000) / 1000,
          intervalMinutes: settings.webcamAttendanceIntervalMinutes,
        },
      });
    }
    return recorded;
  }

  /**
   * `video` events for a video's recognised employees: their first and last moment in the video, placed
   * at the recording time. Keys name the video and employee, so applying again stores nothing twice.
   * Returns how many events were stored now. The caller checked the setting and the recording time.
   */
  async recordVideo(orgId: string, videoId: string, recordedAtMs: number, seen: readonly VideoSighting[]) {
    let stored = 0;
    for (const s of seen) {
      const points: [string, number][] = [['first', recordedAtMs + Math.round(s.firstSec * 1000)]];
      if (s.lastSec > s.firstSec) points.push(['last', recordedAtMs + Math.round(s.lastSec * 1000)]);
      for (const [which, atMs] of points) {
        const { created } = await this.events.record(orgId, {
          employeeId: s.employeeId,
          occurredAtMs: atMs,
          kind: 'sighting',
          source: 'video',
          label: null,
          score: s.score,
          idempotencyKey: `video:${videoId}:${s.employeeId}:${which}`,
        });
        if (created) stored++;
      }
    }
    return stored;
  }

  private remember(memo: string, atMs: number, intervalMs: number, now: number): void {
    if (this.lastWebcamMs.size >= MAX_REMEMBERED) {
      for (const [k, v] of this.lastWebcamMs) if (now - v >= intervalMs) this.lastWebcamMs.delete(k);
      if (this.lastWebcamMs.size >= MAX_REMEMBERED) this.lastWebcamMs.clear();
    }
    this.lastWebcamMs.set(memo, atMs);
  }
}
