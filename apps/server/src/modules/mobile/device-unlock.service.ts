import { createHmac, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { unlockCanonical, type DeviceUnlockInput } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import { ACCOUNT_POLICY, ADDRESS_POLICY, LoginThrottle, throttled } from '../auth/index.js';
import type { DevicesService } from './devices.service.js';
import type { FaceVerifyService } from './face-verify.service.js';

const ARGON = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** The device's proof (its clock in the signed bytes) is accepted this far from server time. */
export const UNLOCK_PROOF_WINDOW_MS = 5 * 60_000;

/** One answer for every failed unlock, so a stolen phone learns nothing about which part was wrong. */
const refused = (message = 'Unlock failed; sign in with your password') =>
  new AppError(401, 'unlock_failed', message);

/**
 * Sign-in on a registered device without the password (issue 11): the device proves it holds its key,
 * the person gives the device's PIN (argon2 hash per device) or their face (1:1 with the head-turn
 * liveness). Attempts are throttled like passwords, per device and per address; a revoked device, or a
 * person no longer in the organization, goes back to the password.
 */
export class DeviceUnlockService {
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly ctx: ServerContext,
    private readonly devices: DevicesService,
    private readonly verify: FaceVerifyService,
  ) {
    this.throttle = new LoginThrottle(ctx.db);
  }

  /** Sets or changes the PIN of the caller's own, active device; audited. */
  async setPin(auth: AuthContext, orgId: string, deviceId: string, pin: string) {
    await this.devices.requireOwnActive(auth, orgId, deviceId);
    const now = this.ctx.clock.nowMs();
    const pinHash = await hash(pin, ARGON);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('mobileDevices')
        .set({ pinHash })
        .where('organizationId', '=', orgId)
        .where('id', '=', deviceId)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'device.pin.set',
        entityType: 'mobile_device',
        entityId: deviceId,
        summary: 'Set the unlock PIN of a mobile device',
      });
    });
    await this.throttle.reset(`device:${deviceId}`);
    return { device_id: deviceId, pin_set: true };
  }

  /** Checks the device, its proof and the factor; answers who to start a session for. */
  async unlock(
    input: DeviceUnlockInput,
    ip: string | null,
  ): Promise<{ userId: string; orgId: string; method: 'pin' | 'face' }> {
    const now = this.ctx.clock.nowMs();
    const deviceKey = `device:${input.device_id}`;
    const addressKey = `ip:${ip ?? 'unknown'}`;
    const addressWait = await this.throttle.reserve(addressKey, ADDRESS_POLICY, now);
    if (addressWait !== null) throw throttled(addressWait);
    const deviceWait = await this.throttle.reserve(deviceKey, ACCOUNT_POLICY, now);
    if (deviceWait !== null) throw throttled(deviceWait);

    const device = await this.ctx.db
      .selectFrom('mobileDevices')
      .select(['id', 'organizationId', 'userId', 'keySealed', 'pinHash', 'revokedAt'])
      .where('id', '=', input.device_id)
      .executeTakeFirst();
    if (!device) throw refused();
    if (device.revokedAt !== null)
      throw new AppError(403, 'device_revoked', 'This device was revoked; sign in with your password');
    const method = input.pin !== undefined ? 'pin' : 'face';
    const sentAt = Date.parse(input.sent_at);
    if (!Number.isFinite(sentAt) || Math.abs(now - sentAt) > UNLOCK_PROOF_WINDOW_MS)
      throw refused('The phone’s clock is too far off to unlock; sign in with your password');
    const expected = createHmac('sha256', this.ctx.secrets.open(device.keySealed))
      .update(unlockCanonical({ device_id: device.id, sent_at: input.sent_at, method }))
      .digest();
    const sent = Buffer.from(input.signature, 'hex');
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) throw refused();

    const membership = await this.ctx.db
      .selectFrom('memberships')
      .select(['employeeId'])
      .where('organizationId', '=', device.organizationId)
      .where('userId', '=', device.userId)
      .executeTakeFirst();
    if (!membership) throw refused();

    if (method === 'pin') {
      if (!device.pinHash)
        throw new AppError(409, 'no_pin', 'No PIN is set on this device; sign in with your password');
      if (!(await verify(device.pinHash, input.pin!).catch(() => false)))
        throw new AppError(401, 'wrong_pin', 'Wrong PIN');
    } else {
      if (!membership.employeeId) throw refused('Face unlock needs an account linked to a member');
      const v = await this.verify.verifyImage(
        device.organizationId,
        membership.employeeId,
        input.face_image!,
        input.liveness_frames,
      );
      if (!v.verified) throw new AppError(401, 'face_not_verified', v.reason ?? 'Face not verified');
    }
    await this.throttle.reset(deviceKey);
    await this.throttle.release(addressKey);
    await recordAudit(this.ctx.db, now, {
      organizationId: device.organizationId,
      actor: { userId: device.userId, tokenId: null },
      action: 'device.unlocked',
      entityType: 'mobile_device',
      entityId: device.id,
      summary: `Signed in on a registered device with ${method === 'pin' ? 'its PIN' : 'the face'}`,
    });
    return { userId: device.userId, orgId: device.organizationId, method };
  }
}
