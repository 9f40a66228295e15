import { z } from 'zod';
import {
  Employee,
  EmployeeExportQuery,
  EmployeeInput,
  EmployeeList,
  EmployeeListQuery,
  EmployeeLookupQuery,
  EmployeeSummary,
  EmployeeUpdate,
  Id,
  ImportCommitRequest,
  ImportCommitResult,
  ImportPreview,
  OkBody,
} from '@hadir/contracts';
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { AppError, badRequest, payloadTooLarge } from '../../platform/http/errors.js';
import { authOf, orgOf } from '../auth/index.js';
import { IMPORT_LIMITS, type EmployeeImportService } from './employee-import.service.js';
import type { EmployeesService } from './employees.service.js';

const IdParams = z.object({ id: Id });

/** The uploaded file of a multipart request, refused early when it is too large. */
async function uploadedFile(req: FastifyRequest): Promise<{ bytes: Buffer; fileName: string }> {
  if (!req.isMultipart()) {
    throw new AppError(415, 'expected_multipart', 'Upload the file as multipart/form-data (field "file")');
  }
  const part = await req.file({ limits: { fileSize: IMPORT_LIMITS.maxBytes, files: 1 } });
  if (!part) throw badRequest('missing_file', 'No file in the upload (field "file")');
  try {
    const bytes = await part.toBuffer();
    return { bytes, fileName: part.filename || 'upload' };
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw payloadTooLarge(`The file is larger than ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB; split it`);
    }
    throw error;
  }
}

export function registerEmployeeRoutes(
  app: HttpApp,
  _ctx: ServerContext,
  employees: EmployeesService,
  imports: EmployeeImportService,
): void {
  const tags = ['employees'];

  app.get(
    '/api/employees',
    {
      config: { auth: 'member:view', limit: 'query' },
      schema: {
        tags,
        summary: 'Employees, searched, filtered, sorted and paged',
        querystring: EmployeeListQuery,
        response: { 200: EmployeeList },
      },
    },
    async (req) => employees.list(orgOf(req), req.query),
  );

  app.get(
    '/api/employees/lookup',
    {
      config: { auth: 'member:view' },
      schema: {
        tags,
        summary: 'Find one employee by employee code or badge id (for ERP sync)',
        querystring: EmployeeLookupQuery,
        response: { 200: Employee },
      },
    },
    async (req) => employees.lookup(orgOf(req), req.query),
  );

  app.get(
    '/api/employees/export',
    {
      config: { auth: 'member:view', limit: 'query' },
      schema: {
        tags,
        summary: 'Download employees as CSV or Excel in the import columns (same filters as the list)',
        querystring: EmployeeExportQuery,
      },
    },
    async (req, reply) => {
      const file = await employees.exportFile(orgOf(req), req.query);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.body);
    },
  );

  app.post(
    '/api/employees/import',
    {
      config: { auth: 'member:manage', limit: 'upload' },
      schema: {
        tags,
        summary: 'Upload a CSV or .xlsx of employees (multipart field "file") and preview the import',
        consumes: ['multipart/form-data'],
        response: { 200: ImportPreview },
      },
    },
    async (req) => {
      const { bytes, fileName } = await uploadedFile(req);
      return imports.preview(authOf(req), orgOf(req), bytes, fileName);
    },
  );

  app.post(
    '/api/employees/import/commit',
    {
      config: { auth: 'member:manage' },
      schema: {
        tags,
        summary: 'Apply a previewed import in one transaction',
        body: ImportCommitRequest,
        response: { 200: ImportCommitResult },
      },
    },
    async (req) => imports.commit(authOf(req), orgOf(req), req.body.importId, req.body.onlyValidRows),
  );

  app.get(
    '/api/employees/:id',
    {
      // Members may read their own record, so the permission is checked by the service.
      config: { auth: 'org' },
      schema: {
        tags,
        summary: 'One employee (member:view, or your own linked record)',
        params: IdParams,
        response: { 200: Employee },
      },
    },
    async (req) => employees.get(authOf(req), orgOf(req), req.params.id),
  );

  app.get(
    '/api/employees/:id/chain',
    {
      config: { auth: 'member:view' },
      schema: {
        tags,
        summary: 'Supervisor chain of an employee, direct supervisor first',
        params: IdParams,
        response: { 200: z.array(EmployeeSummary) },
      },
    },
    async (req) => employees.chain(orgOf(req), req.params.id),
  );

  app.post(
    '/api/employees',
    {
      config: { auth: 'member:manage' },
      schema: {
        tags,
        summary: 'Create an employee',
        body: EmployeeInput,
        response: { 201: Employee },
      },
    },
    async (req, reply) => reply.code(201).send(await employees.create(authOf(req), orgOf(req), req.body)),
  );

  app.patch(
    '/api/employees/:id',
    {
      config: { auth: 'member:manage' },
      schema: {
        tags,
        summary: 'Change an employee (moving a supervisor keeps the hierarchy loop-free)',
        params: IdParams,
        body: EmployeeUpdate,
        response: { 200: Employee },
      },
    },
    async (req) => employees.update(authOf(req), orgOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/employees/:id',
    {
      config: { auth: 'member:manage' },
      schema: {
        tags,
        summary: 'Delete an employee; their direct reports move to the deleted one’s supervisor',
        params: IdParams,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await employees.remove(authOf(req), orgOf(req), req.params.id);
      return { ok: true as const };
    },
  );
}
