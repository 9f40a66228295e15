import { createHmac, timingSafeEqual } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { syncCanonical, type MobileDevice, type SyncInput, type SyncLog } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, forbidden, notFound } from '../../platform/http/errors.js';
import { newId, randomToken } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';

const ARGON = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface SigningDevice {
  id: string;
  name: string;
}

/** Registered phones: their signing key (issued once, sealed at rest), revocation and sync logs. */
export class DevicesService {
  constructor(private readonly ctx: ServerContext) {}

  /** Registers the caller's device; the key is returned once and signs every sync batch from it. */
  async register(auth: AuthContext, orgId: string, input: { name: string; pin?: string | undefined }) {
    if (auth.kind !== 'session' || !auth.userId)
      throw forbidden('A device is registered by a signed-in person');
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    const key = randomToken(32);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('mobileDevices')
        .values({
          id,
          organizationId: orgId,
          userId: auth.userId!,
          name: input.name,
          keySealed: this.ctx.secrets.seal(key),
          pinHash: input.pin ? await hash(input.pin, ARGON) : null,
          createdAt: now,
          lastSyncAt: null,
          revokedAt: null,
          revokedBy: null,
        })
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'device.registered',
        entityType: 'mobile_device',
        entityId: id,
        summary: `Registered mobile device "${input.name}"`,
      });
    });
    return { device_id: id, name: input.name, device_key: key, created_at: toIso(now) };
  }

  async list(orgId: string): Promise<MobileDevice[]> {
    const rows = await this.ctx.db
      .selectFrom('mobileDevices')
      .innerJoin('users', 'users.id', 'mobileDevices.userId')
      .select([
        'mobileDevices.id',
        'mobileDevices.name',
        'mobileDevices.userId',
        'users.name as userName',
        'mobileDevices.createdAt',
        'mobileDevices.lastSyncAt',
        'mobileDevices.revokedAt',
      ])
      .where('mobileDevices.organizationId', '=', orgId)
      .orderBy('mobileDevices.createdAt', 'desc')
      .limit(1000)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      user_id: r.userId,
      user_name: r.userName,
      created_at: toIso(Number(r.createdAt)),
      last_sync_at: toIsoOrNull(r.lastSyncAt === null ? null : Number(r.lastSyncAt)),
      revoked_at: toIsoOrNull(r.revokedAt === null ? null : Number(r.revokedAt)),
    }));
  }

  /** A lost device: its key stops working at once (sync refuses it); audited. */
  async revoke(auth: AuthContext, orgId: string, deviceId: string): Promise<MobileDevice> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('mobileDevices')
        .select(['id', 'name', 'revokedAt'])
        .where('organizationId', '=', orgId)
        .where('id', '=', deviceId)
        .executeTakeFirst();
      if (!row) throw notFound('Device');
      if (row.revokedAt !== null) return;
      await trx
        .updateTable('mobileDevices')
        .set({ revokedAt: now, revokedBy: auth.userId })
        .where('organizationId', '=', orgId)
        .where('id', '=', deviceId)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'device.revoked',
        entityType: 'mobile_device',
        entityId: deviceId,
        summary: `Revoked mobile device "${row.name}"`,
      });
    });
    const device = (await this.list(orgId)).find((d) => d.id === deviceId);
    if (!device) throw notFound('Device');
    return device;
  }

  async logs(orgId: string, deviceId?: string): Promise<SyncLog[]> {
    let q = this.ctx.db
      .selectFrom('attendanceSyncLogs')
      .innerJoin('mobileDevices', 'mobileDevices.id', 'attendanceSyncLogs.deviceId')
      .selectAll('attendanceSyncLogs')
      .select('mobileDevices.name as deviceName')
      .where('attendanceSyncLogs.organizationId', '=', orgId)
      .where('mobileDevices.organizationId', '=', orgId);
    if (deviceId) q = q.where('attendanceSyncLogs.deviceId', '=', deviceId);
    const rows = await q.orderBy('attendanceSyncLogs.syncedAt', 'desc').limit(500).execute();
    return rows.map((r) => ({
      id: r.id,
      device_id: r.deviceId,
      device_name: r.deviceName,
      synced_at: toIso(Number(r.syncedAt)),
      status: r.status as SyncLog['status'],
      records_synced: Number(r.recordsSynced),
      records_failed: Number(r.recordsFailed),
      records_duplicate: Number(r.recordsDuplicate),
      clock_skew_ms: Number(r.clockSkewMs),
    }));
  }

  /**
   * The device a sync batch claims, checked: it exists in the caller's organization, is not revoked,
   * belongs to the caller, and the batch carries its signature. A batch replayed from another device or
   * account, or changed after signing, is refused (and the refusal is logged for managers).
   */
  async authenticateBatch(auth: AuthContext, orgId: string, batch: SyncInput): Promise<SigningDevice> {
    const row = await this.ctx.db
      .selectFrom('mobileDevices')
      .select(['id', 'name', 'userId', 'keySealed', 'revokedAt'])
      .where('organizationId', '=', orgId)
      .where('id', '=', batch.device_id)
      .executeTakeFirst();
    if (!row) throw notFound('Device');
    if (row.revokedAt !== null) throw new AppError(403, 'device_revoked', 'This device was revoked');
    if (row.userId !== auth.userId)
      throw new AppError(403, 'device_not_yours', 'This device is registered to someone else');
    const expected = createHmac('sha256', this.ctx.secrets.open(row.keySealed))
      .update(syncCanonical(batch))
      .digest();
    const sent = Buffer.from(batch.signature, 'hex');
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      await this.log(orgId, row.id, {
        status: 'failed',
        synced: 0,
        failed: batch.records.length,
        duplicates: 0,
        skewMs: 0,
      });
      throw new AppError(403, 'bad_signature', 'The batch signature does not match this device');
    }
    return { id: row.id, name: row.name };
  }

  async log(
    orgId: string,
    deviceId: string,
    r: {
      status: 'ok' | 'partial' | 'failed';
      synced: number;
      failed: number;
      duplicates: number;
      skewMs: number;
    },
  ): Promise<void> {
    const now = this.ctx.clock.nowMs();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('attendanceSyncLogs')
        .values({
          id: newId(now),
          organizationId: orgId,
          deviceId,
          syncedAt: now,
          status: r.status,
          recordsSynced: r.synced,
          recordsFailed: r.failed,
          recordsDuplicate: r.duplicates,
          clockSkewMs: r.skewMs,
        })
        .execute();
      if (r.status !== 'failed')
        await trx
          .updateTable('mobileDevices')
          .set({ lastSyncAt: now })
          .where('organizationId', '=', orgId)
          .where('id', '=', deviceId)
          .execute();
    });
  }

  /** A device id sent with a live submit must be the caller's own, active device. */
  async requireOwnActive(auth: AuthContext, orgId: string, deviceId: string): Promise<void> {
    const row = await this.ctx.db
      .selectFrom('mobileDevices')
      .select(['userId', 'revokedAt'])
      .where('organizationId', '=', orgId)
      .where('id', '=', deviceId)
      .executeTakeFirst();
    if (!row) throw notFound('Device');
    if (row.revokedAt !== null) throw new AppError(403, 'device_revoked', 'This device was revoked');
    if (row.userId !== auth.userId)
      throw new AppError(403, 'device_not_yours', 'This device is registered to someone else');
  }
}
