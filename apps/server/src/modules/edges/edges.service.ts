import { randomInt } from 'node:crypto';
import type { EdgeCreate, EdgeEnrol, EdgeEnrolCode, EdgeEnrolled, EdgeView } from '@hadir/contracts';
import { EdgeCreateSchema } from '@hadir/contracts';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import { sha256Hex } from '../../platform/crypto/secret-box.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest, notFound, unauthorized } from '../../platform/http/errors.js';
import { newId, randomToken } from '../../platform/ids/ids.js';
import { recordAudit } from '../audit/index.js';
import { edgeOf, presentEdge, type EdgeRow } from './edges.repository.js';

/** An enrol code is good for this long, once. */
export const ENROL_CODE_TTL_MS = 15 * 60_000;
/** No 0/O, 1/I/L: a code read aloud or typed from a screen. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CREDENTIAL_PREFIX = 'hedge_';

function newEnrolCode(): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/** Case and dashes do not matter when the code is typed. */
const codeHash = (code: string) => sha256Hex(`edge-enrol:${code.toUpperCase().replace(/[^A-Z0-9]/g, '')}`);
const credentialHash = (credential: string) => sha256Hex(`edge-credential:${credential}`);

declare module '../../platform/events/event-bus.js' {
  interface HadirEvents {
    /** An edge was created, enrolled, revoked, lost or came back (the edges page and the hub pipeline). */
    'edge.changed': { organizationId: string; edgeId: string };
  }
}

/**
 * Edge boxes as the hub's admin sees them (create, list, new code, revoke) and as the boxes meet the
 * hub (enrol with a one-time code, then authenticate every call with the device credential).
 */
export class EdgesService {
  constructor(private readonly ctx: ServerContext) {}

  async list(orgId: string): Promise<EdgeView[]> {
    const rows = await this.ctx.db
      .selectFrom('edges')
      .selectAll()
      .where('organizationId', '=', orgId)
      .orderBy('createdAt', 'desc')
      .limit(1000)
      .execute();
    return rows.map(presentEdge);
  }

  async create(auth: AuthContext, orgId: string, input: EdgeCreate): Promise<EdgeEnrolCode> {
    const parsed = EdgeCreateSchema.parse(input);
    await this.checkScope(orgId, parsed.siteIds, parsed.cameraIds);
    const now = this.ctx.clock.nowMs();
    const id = newId(now);
    const code = newEnrolCode();
    const row: EdgeRow = {
      id,
      organizationId: orgId,
      name: parsed.name,
      siteIds: JSON.stringify([...new Set(parsed.siteIds)]),
      cameraIds: JSON.stringify([...new Set(parsed.cameraIds)]),
      enrolCodeHash: codeHash(code),
      enrolCodeExpiresAt: now + ENROL_CODE_TTL_MS,
      credentialHash: null,
      deviceName: null,
      createdBy: auth.userId,
      createdAt: now,
      enrolledAt: null,
      revokedAt: null,
      revokedBy: null,
      lastContactAt: null,
      queueDepth: 0,
      clockSkewMs: 0,
      lastSeq: 0,
      lostAt: null,
    };
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto('edges').values(row).execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'edge.created',
        entityType: 'edge',
        entityId: id,
        summary: `Created edge "${parsed.name}"`,
      });
    });
    this.ctx.events.publish('edge.changed', { organizationId: orgId, edgeId: id });
    return { edge: presentEdge(row), enrolCode: code, enrolCodeExpiresAt: toIso(now + ENROL_CODE_TTL_MS) };
  }

  /** A fresh one-time code (a replaced box enrols again; its old credential dies when it does). */
  async newCode(auth: AuthContext, orgId: string, id: string): Promise<EdgeEnrolCode> {
    const row = await edgeOf(this.ctx.db, orgId, id);
    if (!row) throw notFound('Edge');
    if (row.revokedAt !== null)
      throw new AppError(409, 'edge_revoked', 'This edge is revoked; create a new one');
    const now = this.ctx.clock.nowMs();
    const code = newEnrolCode();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('edges')
        .set({ enrolCodeHash: codeHash(code), enrolCodeExpiresAt: now + ENROL_CODE_TTL_MS })
        .where('id', '=', id)
        .where('organizationId', '=', orgId)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'edge.code_issued',
        entityType: 'edge',
        entityId: id,
        summary: `Issued an enrol code for edge "${row.name}"`,
      });
    });
    const updated = (await edgeOf(this.ctx.db, orgId, id)) as EdgeRow;
    return {
      edge: presentEdge(updated),
      enrolCode: code,
      enrolCodeExpiresAt: toIso(now + ENROL_CODE_TTL_MS),
    };
  }

  /** Revokes at once: the credential hash is dropped, so the next call of the box is refused (401). */
  async revoke(auth: AuthContext, orgId: string, id: string): Promise<EdgeView> {
    const row = await edgeOf(this.ctx.db, orgId, id);
    if (!row) throw notFound('Edge');
    const now = this.ctx.clock.nowMs();
    if (row.revokedAt === null) {
      await this.ctx.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('edges')
          .set({ revokedAt: now, revokedBy: auth.userId, credentialHash: null, enrolCodeHash: null })
          .where('id', '=', id)
          .where('organizationId', '=', orgId)
          .execute();
        await recordAudit(trx, now, {
          organizationId: orgId,
          actor: auth,
          action: 'edge.revoked',
          entityType: 'edge',
          entityId: id,
          summary: `Revoked edge "${row.name}"`,
        });
      });
      this.ctx.events.publish('edge.changed', { organizationId: orgId, edgeId: id });
    }
    return presentEdge((await edgeOf(this.ctx.db, orgId, id)) as EdgeRow);
  }

  /**
   * Trades a one-time code for a device credential. The conditional update is the single use: of two
   * boxes racing with one code, one wins; an expired, used or unknown code is refused alike (401).
   */
  async enrol(input: EdgeEnrol): Promise<EdgeEnrolled> {
    const now = this.ctx.clock.nowMs();
    const hash = codeHash(input.code);
    const refused = new AppError(401, 'enrol_refused', 'Unknown, used or expired enrol code');
    const row = await this.ctx.db
      .selectFrom('edges')
      .select(['id', 'organizationId', 'name'])
      .where('enrolCodeHash', '=', hash)
      .executeTakeFirst();
    if (!row) throw refused;
    const credential = `${CREDENTIAL_PREFIX}${row.id}_${randomToken(32)}`;
    const won = await this.ctx.db.transaction().execute(async (trx) => {
      const res = await trx
        .updateTable('edges')
        .set({
          enrolCodeHash: null,
          enrolCodeExpiresAt: null,
          credentialHash: credentialHash(credential),
          deviceName: input.name,
          enrolledAt: now,
          lastContactAt: now,
          lostAt: null,
        })
        .where('id', '=', row.id)
        .where('enrolCodeHash', '=', hash)
        .where('enrolCodeExpiresAt', '>', now)
        .where('revokedAt', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await recordAudit(trx, now, {
        organizationId: row.organizationId,
        actor: null,
        action: 'edge.enrolled',
        entityType: 'edge',
        entityId: row.id,
        summary: `Edge "${row.name}" enrolled as "${input.name}"`,
      });
      return true;
    });
    if (!won) {
      // An expired code is spent too: it cannot be retried until it works.
      await this.ctx.db
        .updateTable('edges')
        .set({ enrolCodeHash: null, enrolCodeExpiresAt: null })
        .where('id', '=', row.id)
        .where('enrolCodeHash', '=', hash)
        .where('enrolCodeExpiresAt', '<=', now)
        .execute();
      throw refused;
    }
    this.ctx.events.publish('edge.changed', { organizationId: row.organizationId, edgeId: row.id });
    return { edgeId: row.id, organizationId: row.organizationId, credential };
  }

  /** The calling edge's row (the auth hook let only a live edge credential through). */
  async ofAuth(auth: AuthContext): Promise<EdgeRow> {
    const row =
      auth.kind === 'edge' && auth.edgeId && auth.organizationId
        ? await edgeOf(this.ctx.db, auth.organizationId, auth.edgeId)
        : undefined;
    if (!row || row.revokedAt !== null) throw unauthorized('Edge credential revoked');
    return row;
  }

  /** `Authorization: Edge <credential>` → an edge auth context; anything else (revoked included) → null. */
  async authenticate(request: FastifyRequest): Promise<AuthContext | null> {
    const header = request.headers.authorization ?? '';
    const credential = header.slice('Edge '.length).trim();
    if (!credential.startsWith(CREDENTIAL_PREFIX) || credential.length > 200) return null;
    const row = await this.ctx.db
      .selectFrom('edges')
      .select(['id', 'organizationId'])
      .where('credentialHash', '=', credentialHash(credential))
      .where('revokedAt', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    return {
      kind: 'edge',
      edgeId: row.id,
      userId: null,
      tokenId: null,
      sessionId: null,
      organizationId: row.organizationId,
      role: null,
      employeeId: null,
      permissions: new Set(),
      csrfToken: null,
    };
  }

  private async checkScope(orgId: string, siteIds: string[], cameraIds: string[]): Promise<void> {
    if (siteIds.length) {
      const found = await this.ctx.db
        .selectFrom('sites')
        .select('id')
        .where('organizationId', '=', orgId)
        .where('id', 'in', siteIds)
        .execute();
      const missing = siteIds.filter((s) => !found.some((f) => f.id === s));
      if (missing.length) throw badRequest('unknown_site', `Unknown site: ${missing.join(', ')}`);
    }
    if (cameraIds.length) {
      const found = await this.ctx.db
        .selectFrom('cameras')
        .select('id')
        .where('organizationId', '=', orgId)
        .where('id', 'in', cameraIds)
        .execute();
      const missing = cameraIds.filter((s) => !found.some((f) => f.id === s));
      if (missing.length) throw badRequest('unknown_camera', `Unknown camera: ${missing.join(', ')}`);
    }
  }
}

export const isEdgeAuthorization = (request: FastifyRequest): boolean =>
  (request.headers.authorization ?? '').startsWith('Edge ');
