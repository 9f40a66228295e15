import type {
  AttendanceRecordInput,
  AttendanceSubmitInput,
  AttendanceSubmitResult,
  AttendanceType,
  SyncInput,
  SyncResult,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest, forbidden, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import type { DevicesService } from './devices.service.js';
import type { FaceVerifyService, Verification } from './face-verify.service.js';
import type { MobileReviewService } from './mobile-review.service.js';
import type { MobileSitesService, RecognitionScope } from './mobile-sites.service.js';

/** Device clocks further off than this are flagged, and their record times corrected by the skew. */
export const CLOCK_SKEW_FLAG_MS = 5 * 60_000;
/** A queued record may not claim to be from the future (after skew correction). */
const FUTURE_TOLERANCE_MS = 60_000;

type RecordResult = SyncResult['results'][number];
/** A verified (or refused) capture and whose it is: the record's member, or the one recognized (1:N). */
type Checked = Verification & { memberId: string | null };
/** A verification that never rejects (so one started ahead cannot become an unhandled rejection). */
type Settled = { v: Checked } | { error: unknown };
const settle = (p: Promise<Checked>): Promise<Settled> =>
  p.then(
    (v) => ({ v }),
    (error: unknown) => ({ error }),
  );
/**
 * How many records ahead of the one being written a sync verifies faces, per inference worker: enough
 * that every worker has the next face waiting while the main thread writes in order.
 */
const VERIFY_LOOKAHEAD_PER_WORKER = 2;

/** Check-in/out from the app (member, officer) and the offline queue's sync. */
export class MobileAttendanceService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly verify: FaceVerifyService,
    private readonly devices: DevicesService,
    private readonly review: MobileReviewService,
    private readonly sites: MobileSitesService,
  ) {}

  /** The member, if they exist in the organization and are not terminated. */
  private async activeMember(orgId: string, memberId: string) {
    const row = await this.ctx.db
      .selectFrom('employees')
      .select(['id', 'status'])
      .where('organizationId', '=', orgId)
      .where('id', '=', memberId)
      .executeTakeFirst();
    return row && row.status !== 'terminated' ? row : null;
  }

  /** A member checks themselves in or out: face verified 1:1 on the server, then one `mobile` event. */
  async submit(
    auth: AuthContext,
    orgId: string,
    input: AttendanceSubmitInput,
  ): Promise<AttendanceSubmitResult> {
    if (input.organization_id !== undefined && input.organization_id !== orgId)
      throw new AppError(
        403,
        'wrong_organization',
        'You can only submit attendance in your own organization',
      );
    const memberId = auth.employeeId;
    if (!memberId)
      throw new AppError(403, 'no_linked_member', 'Your account is not linked to a member record');
    if (!(await this.activeMember(orgId, memberId))) throw notFound('Member');
    if (input.device_id) await this.devices.requireOwnActive(auth, orgId, input.device_id);
    // The site's geofence first: outside it nothing is verified or kept.
    const fence = await this.sites.checkFence(orgId, memberId, input.location);
    if (!fence.ok)
      return {
        member_id: memberId,
        type: input.type,
        score: null,
        recorded_by: null,
        status: 'refused',
        reason: fence.reason,
        attendance_id: null,
        recorded_at: null,
      };
    const v = await this.verify.verifyImage(orgId, memberId, input.face_image, input.liveness_frames);
    const base = { member_id: memberId, type: input.type, score: v.score, recorded_by: null };
    if (!v.verified) {
      await this.review.noteFailure(orgId, memberId, v);
      return {
        ...base,
        status: v.outcome === 'refused' ? 'refused' : 'retry',
        reason: v.reason,
        attendance_id: null,
        recorded_at: null,
      };
    }
    const now = this.ctx.clock.nowMs();
    const { event } = await this.review.record(
      orgId,
      {
        employeeId: memberId,
        occurredAtMs: now,
        kind: input.type,
        source: 'mobile',
        deviceId: input.device_id ?? null,
        score: v.score,
        label: 'mobile app',
      },
      v,
    );
    if (input.location) await this.sites.keepLocation(orgId, event.id, input.location, fence);
    return { ...base, status: 'recorded', reason: null, attendance_id: event.id, recorded_at: toIso(now) };
  }

  /** An officer records a member (recognized by face, or found by search when the face is not known). */
  async record(
    auth: AuthContext,
    orgId: string,
    input: AttendanceRecordInput,
  ): Promise<AttendanceSubmitResult> {
    if (!(await this.activeMember(orgId, input.member_id))) throw notFound('Member');
    if (input.site_id) {
      const site = await this.ctx.db
        .selectFrom('sites')
        .select('id')
        .where('organizationId', '=', orgId)
        .where('id', '=', input.site_id)
        .executeTakeFirst();
      if (!site) throw notFound('Site');
    }
    await this.sites.assertOfficerMayRecord(auth, orgId, input.member_id, input.site_id);
    if (input.device_id) await this.devices.requireOwnActive(auth, orgId, input.device_id);
    let score: number | null = null;
    let verification: Verification | null = null;
    const base = { member_id: input.member_id, type: input.type, recorded_by: auth.userId };
    if (input.face_image) {
      const v = await this.verify.verifyImage(orgId, input.member_id, input.face_image);
      verification = v;
      score = v.score;
      if (!v.verified) {
        return {
          ...base,
          score,
          status: v.outcome === 'refused' ? 'refused' : 'retry',
          reason: v.reason,
          attendance_id: null,
          recorded_at: null,
        };
      }
    }
    const now = this.ctx.clock.nowMs();
    const { event } = await this.review.record(
      orgId,
      {
        employeeId: input.member_id,
        occurredAtMs: now,
        kind: input.type,
        source: 'officer',
        recordedBy: auth.userId ?? auth.tokenId,
        deviceId: input.device_id ?? null,
        score,
        label: input.note ?? (input.face_image ? 'officer capture' : 'officer, found by search'),
      },
      verification,
    );
    return {
      ...base,
      score,
      status: 'recorded',
      reason: null,
      attendance_id: event.id,
      recorded_at: toIso(now),
    };
  }

  /**
   * The offline queue of one device, in order. Each record is stored once per (device, client id): a
   * resend answers the stored result. Faces are verified now, on the server; device clock skew is
   * measured against the batch's `sent_at` and corrected when it is large.
   */
  async sync(auth: AuthContext, orgId: string, batch: SyncInput): Promise<SyncResult> {
    const device = await this.devices.authenticateBatch(auth, orgId, batch);
    const now = this.ctx.clock.nowMs();
    const sentAt = Date.parse(batch.sent_at);
    if (!Number.isFinite(sentAt)) throw badRequest('invalid_time', 'sent_at is not a valid instant');
    const skewMs = now - sentAt;
    const flagged = Math.abs(skewMs) > CLOCK_SKEW_FLAG_MS;
    const officer = auth.permissions.has('attendance:record:create');
    const results: RecordResult[] = [];
    // Faces are verified a few records ahead, several at once (inference runs in worker threads), while
    // the records before them are written in order; records this device already synced are never
    // verified again.
    const lookahead = VERIFY_LOOKAHEAD_PER_WORKER * this.verify.parallelism;
    const known = await this.storedResults(
      orgId,
      device.id,
      batch.records.map((r) => r.client_id),
    );
    // Who may still be recorded, read once for the batch as it arrives (not once per record).
    const active = await this.activeMembers(orgId, [
      ...new Set(batch.records.flatMap((r) => (r.member_id ? [r.member_id] : []))),
    ]);
    const ahead = new Map<number, Promise<Settled>>();
    const scopes = new Map<string, Promise<RecognitionScope | null>>();
    const prefetch = (i: number) => {
      const r = batch.records[i];
      if (!r?.face_image || ahead.has(i) || known.has(r.client_id)) return;
      if (r.member_id && !active.has(r.member_id)) return;
      ahead.set(i, settle(this.check(auth, orgId, r, scopes)));
    };
    for (const [i, r] of batch.records.entries()) {
      for (let k = 0; k <= lookahead; k++) prefetch(i + k);
      const verification = ahead.get(i);
      ahead.delete(i);
      const before = known.get(r.client_id);
      if (before) {
        results.push(before);
        continue;
      }
      const at = { now, skewMs, flagged, officer, scopes };
      const result = await this.syncOne(auth, orgId, device.id, r, at, active, verification);
      results.push(result);
      // The same client id again later in this batch is a duplicate of this one.
      known.set(r.client_id, { ...result, duplicate: true });
    }
    const synced = results.filter((r) => r.status === 'recorded' && !r.duplicate).length;
    const failed = results.filter((r) => r.status === 'rejected' && !r.duplicate).length;
    const duplicates = results.filter((r) => r.duplicate).length;
    await this.devices.log(orgId, device.id, {
      status: failed === 0 ? 'ok' : synced === 0 && duplicates === 0 ? 'failed' : 'partial',
      synced,
      failed,
      duplicates,
      skewMs,
    });
    return {
      device_id: device.id,
      server_time: toIso(now),
      clock_skew_ms: skewMs,
      clock_skew_flagged: flagged,
      synced,
      failed,
      duplicates,
      results,
    };
  }

  /**
   * The face of a queued record, checked on the server: 1:1 against the record's member, or, for an
   * officer's capture sent without one, recognized 1:N among the site's members (then, if allowed, the
   * organization's).
   */
  private async check(
    auth: AuthContext,
    orgId: string,
    r: SyncInput['records'][number],
    scopes: Map<string, Promise<RecognitionScope | null>>,
  ): Promise<Checked> {
    if (r.member_id)
      return { ...(await this.verify.verifyImage(orgId, r.member_id, r.face_image!)), memberId: r.member_id };
    // One scope per site and batch: a site's member list is read once, not once per capture.
    const key = r.site_id ?? '';
    let scope = scopes.get(key);
    if (!scope) {
      scope = this.sites.recognitionScope(auth, orgId, r.site_id);
      scope.catch(() => undefined);
      scopes.set(key, scope);
    }
    return this.verify.identify(orgId, r.face_image!, await scope);
  }

  private async syncOne(
    auth: AuthContext,
    orgId: string,
    deviceId: string,
    r: SyncInput['records'][number],
    at: {
      now: number;
      skewMs: number;
      flagged: boolean;
      officer: boolean;
      scopes: Map<string, Promise<RecognitionScope | null>>;
    },
    active: ReadonlySet<string>,
    verification?: Promise<Settled>,
  ): Promise<RecordResult> {
    const reject = (reason: string, score: number | null = null, memberId = r.member_id ?? null) =>
      this.store(orgId, deviceId, r.client_id, memberId, {
        status: 'rejected',
        reason,
        score,
        eventId: null,
      });
    if (r.mode === 'officer' && !at.officer) return reject('Only an officer may record someone else.');
    if (r.mode === 'self' && !r.member_id) return reject('The record does not say whose it is.');
    if (r.mode === 'self' && r.member_id !== auth.employeeId && !at.officer)
      return reject('A member may only record their own attendance.');
    if (r.member_id && !active.has(r.member_id))
      return reject('The member was removed or is not in this organization.');
    const deviceTime = Date.parse(r.occurred_at);
    if (!Number.isFinite(deviceTime)) return reject('occurred_at is not a valid instant.');
    const occurredAtMs = at.flagged ? deviceTime + at.skewMs : deviceTime;
    if (occurredAtMs > at.now + FUTURE_TOLERANCE_MS) return reject('The record is dated in the future.');
    if (!r.face_image) return reject('The record has no face image to verify.');
    // A member's own check-in honours their site's geofence offline too (officers are at the site).
    const fence = r.mode === 'self' ? await this.sites.checkFence(orgId, r.member_id!, r.location) : null;
    if (fence && !fence.ok) return reject(fence.reason);
    const settled = await (verification ?? settle(this.check(auth, orgId, r, at.scopes)));
    if ('error' in settled) {
      const { error } = settled;
      if (error instanceof AppError && error.statusCode < 500) return reject(error.message);
      throw error;
    }
    const v = settled.v;
    if (!v.verified || !v.memberId) return reject(v.reason ?? 'The face was not verified.', v.score);
    const memberId = v.memberId;
    if (r.mode === 'officer') {
      // Offline does not widen an officer's reach: the same site rules as a live record.
      if (!r.member_id && !(await this.activeMember(orgId, memberId)))
        return reject('The member was removed or is not in this organization.', v.score, memberId);
      try {
        await this.sites.assertOfficerMayRecord(auth, orgId, memberId, r.site_id);
      } catch (error) {
        if (error instanceof AppError && error.statusCode < 500)
          return reject(error.message, v.score, memberId);
        throw error;
      }
    }
    const score = v.score;
    const { event } = await this.review.record(
      orgId,
      {
        employeeId: memberId,
        occurredAtMs,
        kind: r.type satisfies AttendanceType,
        source: r.mode === 'officer' ? 'officer' : 'mobile',
        recordedBy: r.mode === 'officer' ? auth.userId : null,
        deviceId,
        clientId: r.client_id,
        score,
        label: r.mode === 'officer' && !r.member_id ? 'officer capture, synced (1:N)' : 'mobile sync',
        idempotencyKey: `sync:${deviceId}:${r.client_id}`,
      },
      v,
      { clockSkew: at.flagged },
    );
    if (fence && r.location) await this.sites.keepLocation(orgId, event.id, r.location, fence);
    return this.store(orgId, deviceId, r.client_id, memberId, {
      status: 'recorded',
      reason: at.flagged ? `Device clock off by ${Math.round(at.skewMs / 1000)} s; time corrected.` : null,
      score,
      eventId: event.id,
    });
  }

  /** What the device synced before of this batch's records, by client id (one query per 500). */
  private async storedResults(
    orgId: string,
    deviceId: string,
    clientIds: string[],
  ): Promise<Map<string, RecordResult>> {
    const found = new Map<string, RecordResult>();
    for (let i = 0; i < clientIds.length; i += 500) {
      const rows = await this.ctx.db
        .selectFrom('mobileSyncRecords')
        .select(['clientId', 'status', 'reason', 'score', 'eventId', 'employeeId'])
        .where('organizationId', '=', orgId)
        .where('deviceId', '=', deviceId)
        .where('clientId', 'in', clientIds.slice(i, i + 500))
        .execute();
      for (const row of rows) found.set(row.clientId, storedToResult(row));
    }
    return found;
  }

  /** Those of the members who are in the organization and not terminated (one query per 500). */
  private async activeMembers(orgId: string, memberIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < memberIds.length; i += 500) {
      const rows = await this.ctx.db
        .selectFrom('employees')
        .select('id')
        .where('organizationId', '=', orgId)
        .where('id', 'in', memberIds.slice(i, i + 500))
        .where('status', '!=', 'terminated')
        .execute();
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  private async storedResult(
    orgId: string,
    deviceId: string,
    clientId: string,
  ): Promise<RecordResult | null> {
    const row = await this.ctx.db
      .selectFrom('mobileSyncRecords')
      .select(['clientId', 'status', 'reason', 'score', 'eventId', 'employeeId'])
      .where('organizationId', '=', orgId)
      .where('deviceId', '=', deviceId)
      .where('clientId', '=', clientId)
      .executeTakeFirst();
    return row ? storedToResult(row) : null;
  }

  private async store(
    orgId: string,
    deviceId: string,
    clientId: string,
    memberId: string | null,
    r: {
      status: 'recorded' | 'rejected';
      reason: string | null;
      score: number | null;
      eventId: string | null;
    },
  ): Promise<RecordResult> {
    const now = this.ctx.clock.nowMs();
    try {
      await this.ctx.db
        .insertInto('mobileSyncRecords')
        .values({
          id: newId(now),
          organizationId: orgId,
          deviceId,
          clientId,
          employeeId: memberId,
          status: r.status,
          reason: r.reason,
          score: r.score,
          eventId: r.eventId,
          createdAt: now,
        })
        .execute();
    } catch (error) {
      // The same record from a parallel sync of this device won the race: answer what it stored.
      const stored = await this.storedResult(orgId, deviceId, clientId);
      if (stored) return stored;
      throw error;
    }
    return {
      client_id: clientId,
      member_id: memberId,
      status: r.status,
      duplicate: false,
      reason: r.reason,
      score: r.score,
      attendance_id: r.eventId,
    };
  }
}

/** A record the device synced before, answered again as a duplicate. */
function storedToResult(row: {
  clientId: string;
  status: string;
  reason: string | null;
  score: number | null;
  eventId: string | null;
  employeeId: string | null;
}): RecordResult {
  return {
    client_id: row.clientId,
    member_id: row.employeeId,
    status: row.status === 'recorded' ? 'recorded' : 'rejected',
    duplicate: true,
    reason: row.reason,
    score: row.score,
    attendance_id: row.eventId,
  };
}

/** Who may act on a member's face: themselves, or an officer/admin (with the member's consent). */
export function assertFaceActor(auth: AuthContext, memberId: string, consent: boolean | undefined): void {
  const own = auth.employeeId === memberId;
  if (own) return;
  if (!auth.permissions.has('member:face:register')) throw forbidden('You can only register your own face');
  if (consent !== true)
    throw badRequest(
      'consent_required',
      'Record the member’s consent (consent: true) to register their face',
    );
}
