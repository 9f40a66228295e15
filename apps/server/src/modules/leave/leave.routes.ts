import fs from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  LEAVE_ATTACHMENT_MAX_BYTES,
  LeaveAllocateRequest,
  LeaveAllocation,
  LeaveBalance,
  LeaveCalendarEntry,
  LeaveCalendarQuery,
  LeaveCancelInput,
  LeaveDecisionInput,
  LeaveRequest,
  LeaveRequestInput,
  LeaveRequestQuery,
  LeaveType,
  LeaveTypeInput,
  LeaveTypeUpdate,
  PathId,
  Year,
} from '@hadir/contracts';
import type { HttpApp } from '../../platform/http/app.js';
import { AppError, badRequest, payloadTooLarge } from '../../platform/http/errors.js';
import { authOf, orgOf } from '../auth/index.js';
import type { LeaveAttachmentsService } from './leave-attachments.service.js';
import type { LeaveRequestsService } from './leave-requests.service.js';
import type { LeaveTypesService } from './leave-types.service.js';

const tags = ['leave'];
const Params = z.object({ id: PathId });

/** One file field, read into memory up to the attachment limit. */
async function readOneFile(req: FastifyRequest): Promise<{ fileName: string | null; bytes: Buffer }> {
  if (!req.isMultipart())
    throw new AppError(415, 'multipart_required', 'Send the file as multipart/form-data.');
  try {
    for await (const part of req.parts({
      limits: { fileSize: LEAVE_ATTACHMENT_MAX_BYTES, files: 1, fields: 5, parts: 6 },
    })) {
      if (part.type !== 'file') continue;
      const bytes = await part.toBuffer();
      return { fileName: part.filename || null, bytes };
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw payloadTooLarge(`Attachments are at most ${LEAVE_ATTACHMENT_MAX_BYTES / 1024 / 1024} MiB.`);
    }
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
      throw badRequest('one_file', 'Send one file.');
    if (error instanceof Error && /multipart|boundary/i.test(error.message)) {
      throw badRequest('invalid_upload', 'The upload is not valid multipart/form-data.');
    }
    throw error;
  }
  throw badRequest('no_file', 'The upload has no file.');
}

export function registerLeaveRoutes(
  app: HttpApp,
  types: LeaveTypesService,
  requests: LeaveRequestsService,
  attachments: LeaveAttachmentsService,
): void {
  // ---------------------------------------------------------------- types, allocations, balances
  app.get(
    '/api/leave/types',
    {
      config: { auth: 'leave:request' },
      schema: {
        tags,
        summary: 'Leave types (annual, sick, unpaid and custom ones)',
        response: { 200: z.array(LeaveType) },
      },
    },
    async (req) => types.listTypes(orgOf(req)),
  );
  app.post(
    '/api/leave/types',
    {
      config: { auth: 'leave:manage' },
      schema: {
        tags,
        summary: 'Add a custom leave type',
        body: LeaveTypeInput,
        response: { 201: LeaveType },
      },
    },
    async (req, reply) => reply.code(201).send(await types.createType(authOf(req), orgOf(req), req.body)),
  );
  app.patch(
    '/api/leave/types/:id',
    {
      config: { auth: 'leave:manage' },
      schema: {
        tags,
        summary: 'Change or archive a leave type',
        params: Params,
        body: LeaveTypeUpdate,
        response: { 200: LeaveType },
      },
    },
    async (req) => types.updateType(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/leave/allocations',
    {
      config: { auth: 'leave:manage', limit: 'query' },
      schema: {
        tags,
        summary: 'Yearly allocations',
        querystring: z.object({ year: Year, leaveTypeId: PathId.optional() }),
        response: { 200: z.array(LeaveAllocation) },
      },
    },
    async (req) => types.listAllocations(orgOf(req), req.query.year, req.query.leaveTypeId),
  );
  app.post(
    '/api/leave/allocations',
    {
      config: { auth: 'leave:manage' },
      schema: {
        tags,
        summary: 'Allocate a year’s days to employees or a whole department (carry-over is worked out)',
        body: LeaveAllocateRequest,
        response: { 200: z.object({ count: z.number().int() }) },
      },
    },
    async (req) => types.allocate(authOf(req), orgOf(req), req.body),
  );
  app.get(
    '/api/leave/balances',
    {
      config: { auth: 'leave:request' },
      schema: {
        tags,
        summary: 'Balances per leave type for yourself, or for an employee of your team',
        querystring: z.object({ year: Year, employeeId: PathId.optional() }),
        response: { 200: z.array(LeaveBalance) },
      },
    },
    async (req) => {
      const employeeId = await requests.balanceSubject(authOf(req), orgOf(req), req.query.employeeId);
      return types.balances(orgOf(req), employeeId, req.query.year);
    },
  );

  // ---------------------------------------------------------------- requests
  app.get(
    '/api/leave/requests',
    {
      config: { auth: 'leave:request', limit: 'query' },
      schema: {
        tags,
        summary: 'Leave requests: yours, your team’s, or (leave:manage) everyone’s',
        querystring: LeaveRequestQuery,
        response: { 200: z.array(LeaveRequest) },
      },
    },
    async (req) => requests.list(authOf(req), orgOf(req), req.query),
  );
  app.post(
    '/api/leave/requests',
    {
      config: { auth: 'leave:request' },
      schema: { tags, summary: 'Request leave', body: LeaveRequestInput, response: { 201: LeaveRequest } },
    },
    async (req, reply) => reply.code(201).send(await requests.submit(authOf(req), orgOf(req), req.body)),
  );
  app.get(
    '/api/leave/requests/:id',
    {
      config: { auth: 'leave:request' },
      schema: { tags, summary: 'One leave request', params: Params, response: { 200: LeaveRequest } },
    },
    async (req) => requests.get(authOf(req), orgOf(req), req.params.id),
  );
  app.post(
    '/api/leave/requests/:id/cancel',
    {
      config: { auth: 'leave:request' },
      schema: {
        tags,
        summary: 'Cancel: the requester before the first day, an approver any time',
        params: Params,
        body: LeaveCancelInput,
        response: { 200: LeaveRequest },
      },
    },
    async (req) => requests.cancel(authOf(req), orgOf(req), req.params.id, req.body.comment ?? null),
  );
  app.post(
    '/api/leave/requests/:id/decision',
    {
      config: { auth: 'leave:approve' },
      schema: {
        tags,
        summary: 'Approve or reject with a comment',
        params: Params,
        body: LeaveDecisionInput,
        response: { 200: LeaveRequest },
      },
    },
    async (req) => requests.decide(authOf(req), orgOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/leave/approvals',
    {
      config: { auth: 'leave:approve', limit: 'query' },
      schema: { tags, summary: 'Pending requests you may decide', response: { 200: z.array(LeaveRequest) } },
    },
    async (req) => requests.approvals(authOf(req), orgOf(req)),
  );
  app.get(
    '/api/leave/calendar',
    {
      config: { auth: 'leave:request', limit: 'query' },
      schema: {
        tags,
        summary: 'Leave days (pending and approved) of the people you may see',
        querystring: LeaveCalendarQuery,
        response: { 200: z.array(LeaveCalendarEntry) },
      },
    },
    async (req) => requests.calendar(authOf(req), orgOf(req), req.query),
  );

  // ---------------------------------------------------------------- attachment
  app.post(
    '/api/leave/requests/:id/attachment',
    {
      config: { auth: 'leave:request' },
      schema: {
        tags,
        summary: 'Attach a document (PDF, JPEG or PNG, multipart field "file"); replaces an earlier one',
        consumes: ['multipart/form-data'],
        params: Params,
        response: { 200: LeaveRequest },
      },
    },
    async (req) => {
      const auth = authOf(req);
      const orgId = orgOf(req);
      // Who may attach is checked before the body is read, so strangers cannot make us buffer a file.
      await requests.get(auth, orgId, req.params.id);
      return attachments.upload(auth, orgId, req.params.id, await readOneFile(req));
    },
  );
  app.get(
    '/api/leave/requests/:id/attachment',
    {
      config: { auth: 'leave:request' },
      schema: {
        tags,
        summary: 'Download the attachment (requester, approvers, leave managers)',
        params: Params,
      },
    },
    async (req, reply) => {
      const file = await attachments.open(authOf(req), orgOf(req), req.params.id);
      const ascii = file.fileName.replace(/[^\w.-]/g, '_');
      return reply
        .type(file.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        )
        .send(fs.createReadStream(file.absolutePath));
    },
  );
}
