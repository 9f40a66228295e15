import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LEAVE_ATTACHMENT_MAX_BYTES, type LeaveRequest } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, conflict, forbidden, notFound, payloadTooLarge } from '../../platform/http/errors.js';
import { recordAudit } from '../audit/index.js';
import type { LeaveRequestsService } from './leave-requests.service.js';

/** What the bytes are, by their first bytes; the file name and the client's content type are ignored. */
export function sniffAttachment(bytes: Buffer): { contentType: string; ext: string } | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-')
    return { contentType: 'application/pdf', ext: 'pdf' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return { contentType: 'image/jpeg', ext: 'jpg' };
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { contentType: 'image/png', ext: 'png' };
  }
  return null;
}

/** A name safe for Content-Disposition: no path, no quotes or control characters. */
function safeFileName(name: string | null, ext: string): string {
  const base = path
    .basename(name ?? '')
    .replace(/[^\p{L}\p{N} ._()-]/gu, '_')
    .slice(0, 100)
    .trim();
  return base.length > 0 ? base : `attachment.${ext}`;
}

/**
 * A leave request's one attachment (a doctor's note): stored under `<dataDir>/leave/<org>/<request>.<ext>`,
 * replaced by a new upload while the request is pending, and served only to the requester, the people
 * who may decide on it and leave managers.
 */
export class LeaveAttachmentsService {
  constructor(
    private readonly ctx: ServerContext,
    private readonly requests: LeaveRequestsService,
  ) {}

  async upload(
    auth: AuthContext,
    orgId: string,
    id: string,
    file: { fileName: string | null; bytes: Buffer },
  ): Promise<LeaveRequest> {
    const { row, rel } = await this.requests.rowFor(auth, orgId, id);
    if (!rel.own && !rel.filedBy && !rel.manage) throw forbidden('Only the requester attaches documents');
    if (row.status !== 'pending') throw conflict('not_pending', `This request is already ${row.status}`);
    if (file.bytes.length === 0) throw new AppError(400, 'empty_file', 'The file is empty.');
    if (file.bytes.length > LEAVE_ATTACHMENT_MAX_BYTES) {
      throw payloadTooLarge(`Attachments are at most ${LEAVE_ATTACHMENT_MAX_BYTES / 1024 / 1024} MiB.`);
    }
    const kind = sniffAttachment(file.bytes);
    if (!kind) {
      throw new AppError(415, 'unsupported_type', 'Attach a PDF, JPEG or PNG file.');
    }
    const now = this.ctx.clock.nowMs();
    const rel_ = path.join('leave', orgId, `${id}.${kind.ext}`);
    const abs = path.join(this.ctx.env.dataDir, rel_);
    await mkdir(path.dirname(abs), { recursive: true, mode: 0o700 });
    if (row.attachmentPath && row.attachmentPath !== rel_) {
      await rm(path.join(this.ctx.env.dataDir, row.attachmentPath), { force: true });
    }
    await writeFile(abs, file.bytes, { mode: 0o600 });
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('leaveRequests')
        .set({
          attachmentPath: rel_,
          attachmentName: safeFileName(file.fileName, kind.ext),
          attachmentType: kind.contentType,
          attachmentSize: file.bytes.length,
          updatedAt: now,
        })
        .where('organizationId', '=', orgId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        organizationId: orgId,
        actor: auth,
        action: 'leave.attachment_added',
        entityType: 'leave_request',
        entityId: id,
        summary: `Attached a ${kind.ext.toUpperCase()} (${file.bytes.length} bytes)`,
      });
    });
    return this.requests.get(auth, orgId, id);
  }

  /** The file to stream, for the requester, an approver of this request or a leave manager. */
  async open(
    auth: AuthContext,
    orgId: string,
    id: string,
  ): Promise<{ absolutePath: string; contentType: string; fileName: string }> {
    const { row, rel } = await this.requests.rowFor(auth, orgId, id);
    if (!(rel.own || rel.filedBy || rel.approver || rel.supervisor || rel.manage))
      throw notFound('Leave request');
    if (!row.attachmentPath || !row.attachmentType || !row.attachmentName) throw notFound('Attachment');
    const root = path.resolve(this.ctx.env.dataDir);
    const absolutePath = path.resolve(root, row.attachmentPath);
    if (!absolutePath.startsWith(root + path.sep)) throw notFound('Attachment');
    return { absolutePath, contentType: row.attachmentType, fileName: row.attachmentName };
  }
}
