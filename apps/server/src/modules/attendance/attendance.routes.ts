import {
  AttendanceCorrectionCreate,
  AttendanceCorrectionDecision,
  AttendanceCorrectionList,
  AttendanceCorrectionsQuery,
  AttendanceDayDetail,
  AttendanceDayDetailQuery,
  AttendanceDayParams,
  AttendanceDaysPage,
  AttendanceDaysQuery,
  AttendanceEventCreate,
  AttendanceEventCreated,
  AttendanceIdParam,
  AttendanceMonth,
  AttendanceMonthExportQuery,
  AttendanceMonthQuery,
  MyMonthQuery,
  RegularizationCreate,
  RegularizationList,
  type RegularizationView as RegularizationDto,
  HolidayCalendarCreate,
  HolidayCalendarList,
  HolidayCalendarRename,
  HolidayParams,
  HolidayUpdate,
  HolidayImport,
  HolidaysAdded,
  NationalHolidayLoad,
  OkBody,
  RecomputeRequest,
  RecomputeResult,
  ShiftAssignmentInput,
  ShiftAssignmentList,
  ShiftTypeInput,
  ShiftTypeList,
  ShiftTypeView,
} from '@hadir/contracts';
import { describeAttendanceReason } from '@hadir/domain';
import { z } from 'zod';
import type { ServerContext } from '../../context.js';
import { toIso, toIsoOrNull } from '../../platform/clock/clock.js';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import { getOrganizationSettings } from '../organizations/index.js';
import type { AttendanceQueries } from './attendance-queries.service.js';
import type { AttendanceModule } from './index.js';
import type { CorrectionView } from './corrections.service.js';
import type { RegularizationView } from './regularizations.service.js';
import { monthPdf, monthXlsx } from './month-export.writer.js';

const Created = z.object({ id: z.string() });
const tags = ['attendance'];

function actorOf(req: Parameters<typeof authOf>[0]) {
  const auth = authOf(req);
  return { userId: auth.userId ?? `token:${auth.tokenId ?? 'unknown'}`, tokenId: auth.tokenId };
}

const presentCorrection = (c: CorrectionView) => ({
  id: c.id,
  employeeId: c.employeeId,
  date: c.date,
  checkInAt: toIsoOrNull(c.checkInMs),
  checkOutAt: toIsoOrNull(c.checkOutMs),
  status: c.status,
  note: c.note,
  kind: c.kind,
  state: c.state,
  createdAt: toIso(c.createdAtMs),
  decidedAt: toIsoOrNull(c.decidedAtMs),
  decisionComment: c.decisionComment,
});

const presentRegularization = (r: RegularizationView): RegularizationDto => ({
  id: r.id,
  employeeId: r.employeeId,
  employeeCode: r.employeeCode,
  employeeName: r.employeeName,
  date: r.date,
  checkInAt: toIsoOrNull(r.checkInMs),
  checkOutAt: toIsoOrNull(r.checkOutMs),
  status: r.status,
  note: r.note,
  state: r.state,
  requestedByName: r.requestedByName,
  decidedByName: r.decidedByName,
  decidedAt: toIsoOrNull(r.decidedAtMs),
  decisionComment: r.decisionComment,
  createdAt: toIso(r.createdAtMs),
  canDecide: r.canDecide,
});

export function registerAttendanceRoutes(
  app: HttpApp,
  ctx: ServerContext,
  attendance: AttendanceModule,
  queries: AttendanceQueries,
): void {
  app.get(
    '/api/attendance/days',
    {
      config: { auth: 'attendance:record:view', limit: 'query' },
      schema: {
        tags,
        summary: 'Attendance days (newest date first, keyset paging) with status and reason',
        querystring: AttendanceDaysQuery,
        response: { 200: AttendanceDaysPage },
      },
    },
    async (req) => queries.list(orgOf(req), req.query),
  );
  app.get(
    '/api/attendance/month',
    {
      config: { auth: 'attendance:record:view' },
      schema: {
        tags,
        summary: "One employee's month: every day up to today with its status, reason and totals",
        querystring: AttendanceMonthQuery,
        response: { 200: AttendanceMonth },
      },
    },
    async (req) => queries.month(orgOf(req), req.query.employeeId, req.query.month, req.query.locale),
  );
  app.get(
    '/api/attendance/month/export',
    {
      config: { auth: 'attendance:record:view', limit: 'query' },
      schema: {
        tags,
        summary:
          'A month of attendance for every active employee (or one department) as XLSX or PDF: per-employee rows, a status per day, totals, organization time zone',
        querystring: AttendanceMonthExportQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const data = await queries.monthExport(orgOf(req), q.month, q.departmentId, q.locale);
      const name = `attendance-${q.month}`;
      if (q.format === 'xlsx') {
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${name}.xlsx"`)
          .send(await monthXlsx(data));
      }
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${name}.pdf"`)
        .send(await monthPdf(data));
    },
  );
  app.get(
    '/api/attendance/days/:employeeId/:date',
    {
      config: { auth: 'attendance:record:view' },
      schema: {
        tags,
        summary: 'One attendance day with the raw events it was derived from',
        params: AttendanceDayParams,
        querystring: AttendanceDayDetailQuery,
        response: { 200: AttendanceDayDetail },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      await attendance.days.assertEmployee(orgId, req.params.employeeId);
      return queries.detail(orgId, req.params.employeeId, req.params.date, req.query.locale);
    },
  );
  app.post(
    '/api/attendance/events',
    {
      config: { auth: 'attendance:record:create' },
      schema: {
        tags,
        summary: 'Record a check-in/out (officer or manual); an Idempotency-Key header stores it once',
        body: AttendanceEventCreate,
        response: { 200: AttendanceEventCreated },
      },
    },
    async (req) => {
      const key = req.headers['idempotency-key'];
      const auth = authOf(req);
      const { event, created } = await attendance.events.record(orgOf(req), {
        employeeId: req.body.employeeId,
        occurredAtMs: Date.parse(req.body.occurredAt),
        kind: req.body.kind,
        source: req.body.source,
        label: req.body.label ?? null,
        recordedBy: auth.userId,
        ...(typeof key === 'string' && key.length > 0
          ? { idempotencyKey: `client:${key.slice(0, 200)}` }
          : {}),
      });
      return { id: event.id, created };
    },
  );

  app.get(
    '/api/attendance/corrections',
    {
      config: { auth: 'attendance:approve', limit: 'query' },
      schema: {
        tags,
        summary: 'Corrections and regularization requests (the approvals inbox with state=pending)',
        querystring: AttendanceCorrectionsQuery,
        response: { 200: AttendanceCorrectionList },
      },
    },
    async (req) => ({
      items: (await attendance.corrections.list(orgOf(req), req.query)).map(presentCorrection),
    }),
  );
  app.post(
    '/api/attendance/corrections',
    {
      config: { auth: 'attendance:approve' },
      schema: {
        tags,
        summary: 'Correct a day (manager/HR): new times and/or a status, with a reason; audited',
        body: AttendanceCorrectionCreate,
        response: { 201: Created },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { id } = await attendance.corrections.correct(
        orgOf(req),
        {
          employeeId: b.employeeId,
          date: b.date,
          checkInMs: b.checkInAt ? Date.parse(b.checkInAt) : null,
          checkOutMs: b.checkOutAt ? Date.parse(b.checkOutAt) : null,
          status: b.status ?? null,
          note: b.note,
        },
        actorOf(req),
      );
      return reply.code(201).send({ id });
    },
  );
  app.get(
    '/api/attendance/my-month',
    {
      config: { auth: 'attendance:record:view:own' },
      schema: {
        tags,
        summary: 'Your own month (needs your user linked to your employee record): days, reasons, totals',
        querystring: MyMonthQuery,
        response: { 200: AttendanceMonth },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const own = await attendance.regularizations.ownEmployee(authOf(req), orgId);
      return queries.month(orgId, own, req.query.month, req.query.locale);
    },
  );
  app.get(
    '/api/attendance/regularizations',
    {
      config: { auth: 'attendance:record:view:own' },
      schema: {
        tags,
        summary: 'Your own correction requests, newest first',
        response: { 200: RegularizationList },
      },
    },
    async (req) => ({
      items: (await attendance.regularizations.mine(authOf(req), orgOf(req))).map(presentRegularization),
    }),
  );
  app.get(
    '/api/attendance/regularizations/inbox',
    {
      config: { auth: 'attendance:record:view:own' },
      schema: {
        tags,
        summary:
          'Pending correction requests you may decide (your team, addressed to you, or any for admins)',
        response: { 200: RegularizationList },
      },
    },
    async (req) => ({
      items: (await attendance.regularizations.inbox(authOf(req), orgOf(req))).map(presentRegularization),
    }),
  );
  app.post(
    '/api/attendance/regularizations',
    {
      config: { auth: 'attendance:record:view:own' },
      schema: {
        tags,
        summary:
          'Ask for a correction of your own day (needs your user linked to your employee record); your supervisor is notified',
        body: RegularizationCreate,
        response: { 201: Created },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { id } = await attendance.regularizations.request(authOf(req), orgOf(req), {
        ...(b.employeeId ? { employeeId: b.employeeId } : {}),
        date: b.date,
        checkInMs: b.checkInAt ? Date.parse(b.checkInAt) : null,
        checkOutMs: b.checkOutAt ? Date.parse(b.checkOutAt) : null,
        status: b.status ?? null,
        note: b.note,
      });
      return reply.code(201).send({ id });
    },
  );
  for (const url of [
    '/api/attendance/regularizations/:id/decision',
    '/api/attendance/corrections/:id/decision',
  ]) {
    app.post(
      url,
      {
        config: { auth: 'attendance:record:view:own' },
        schema: {
          tags,
          summary:
            'Approve or reject a correction request (its supervisor chain or attendance:approve; never your own); the employee is notified',
          params: AttendanceIdParam,
          body: AttendanceCorrectionDecision,
          response: { 200: z.object({ changed: z.number().int() }) },
        },
      },
      async (req) => {
        const { changes } = await attendance.regularizations.decide(
          authOf(req),
          orgOf(req),
          req.params.id,
          req.body.decision,
          req.body.comment,
        );
        return { changed: changes.length };
      },
    );
  }

  app.get(
    '/api/attendance/shift-types',
    {
      config: { auth: 'attendance:record:view' },
      schema: { tags, summary: 'Shift types', response: { 200: ShiftTypeList } },
    },
    async (req) => ({ items: await attendance.shifts.listTypes(orgOf(req)) }),
  );
  app.post(
    '/api/attendance/shift-types',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Create a shift type',
        body: ShiftTypeInput,
        response: { 201: ShiftTypeView },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await attendance.shifts.saveType(orgOf(req), null, req.body, actorOf(req))),
  );
  app.put(
    '/api/attendance/shift-types/:id',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Change a shift type (recompute a period to apply it to past days)',
        params: AttendanceIdParam,
        body: ShiftTypeInput,
        response: { 200: ShiftTypeView },
      },
    },
    async (req) => attendance.shifts.saveType(orgOf(req), req.params.id, req.body, actorOf(req)),
  );
  app.get(
    '/api/attendance/assignments',
    {
      config: { auth: 'attendance:record:view' },
      schema: { tags, summary: 'Shift assignments and rosters', response: { 200: ShiftAssignmentList } },
    },
    async (req) => ({ items: await attendance.shifts.listAssignments(orgOf(req)) }),
  );
  app.post(
    '/api/attendance/assignments',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Assign a weekly pattern or a rotation to an employee, a department or everyone',
        body: ShiftAssignmentInput,
        response: { 201: Created },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await attendance.shifts.createAssignment(orgOf(req), req.body, actorOf(req))),
  );

  app.put(
    '/api/attendance/assignments/:id',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Change an assignment (who, dates, pattern); recompute a period to apply it to past days',
        params: AttendanceIdParam,
        body: ShiftAssignmentInput,
        response: { 200: Created },
      },
    },
    async (req) => attendance.shifts.updateAssignment(orgOf(req), req.params.id, req.body, actorOf(req)),
  );
  app.delete(
    '/api/attendance/assignments/:id',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Delete an assignment (audited)',
        params: AttendanceIdParam,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await attendance.shifts.deleteAssignment(orgOf(req), req.params.id, actorOf(req));
      return { ok: true as const };
    },
  );

  app.get(
    '/api/attendance/holiday-calendars',
    {
      config: { auth: 'attendance:record:view' },
      schema: { tags, summary: 'Holiday calendars with their days', response: { 200: HolidayCalendarList } },
    },
    async (req) => ({ items: await attendance.holidays.list(orgOf(req)) }),
  );
  app.post(
    '/api/attendance/holiday-calendars',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Create a holiday calendar for the organization or one site',
        body: HolidayCalendarCreate,
        response: { 201: Created },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await attendance.holidays.createCalendar(orgOf(req), req.body, actorOf(req))),
  );
  app.put(
    '/api/attendance/holiday-calendars/:id',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Rename a holiday calendar',
        params: AttendanceIdParam,
        body: HolidayCalendarRename,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await attendance.holidays.renameCalendar(orgOf(req), req.params.id, req.body.name, actorOf(req));
      return { ok: true as const };
    },
  );
  app.delete(
    '/api/attendance/holiday-calendars/:id',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Delete a holiday calendar and its days',
        params: AttendanceIdParam,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await attendance.holidays.deleteCalendar(orgOf(req), req.params.id, actorOf(req));
      return { ok: true as const };
    },
  );
  app.put(
    '/api/attendance/holiday-calendars/:id/holidays/:date',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Move and/or rename one holiday of a calendar',
        params: HolidayParams,
        body: HolidayUpdate,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await attendance.holidays.updateHoliday(
        orgOf(req),
        req.params.id,
        req.params.date,
        req.body,
        actorOf(req),
      );
      return { ok: true as const };
    },
  );
  app.delete(
    '/api/attendance/holiday-calendars/:id/holidays/:date',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Remove one holiday from a calendar',
        params: HolidayParams,
        response: { 200: OkBody },
      },
    },
    async (req) => {
      await attendance.holidays.deleteHoliday(orgOf(req), req.params.id, req.params.date, actorOf(req));
      return { ok: true as const };
    },
  );
  app.post(
    '/api/attendance/holiday-calendars/:id/import',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Import holidays from CSV (date,name) or iCalendar; any bad line refuses the file',
        params: AttendanceIdParam,
        body: HolidayImport,
        response: { 200: HolidaysAdded },
      },
    },
    async (req) => attendance.holidays.importFile(orgOf(req), req.params.id, req.body, actorOf(req)),
  );
  app.post(
    '/api/attendance/holiday-calendars/:id/national',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: "Load a country's national holidays (Indonesia, Vietnam 2026)",
        params: AttendanceIdParam,
        body: NationalHolidayLoad,
        response: { 200: HolidaysAdded },
      },
    },
    async (req) => attendance.holidays.loadNational(orgOf(req), req.params.id, req.body.set, actorOf(req)),
  );

  app.post(
    '/api/attendance/recompute',
    {
      config: { auth: 'shift:manage' },
      schema: {
        tags,
        summary: 'Re-derive a period after a rule change: preview (apply=false) or apply',
        body: RecomputeRequest,
        response: { 200: RecomputeResult },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const { from, to, employeeId, apply } = req.body;
      const ids = employeeId ? [employeeId] : null;
      const changes = apply
        ? await attendance.days.apply(orgId, from, to, ids)
        : await attendance.days.preview(orgId, from, to, ids);
      const { locale, timeZone } = await getOrganizationSettings(ctx.db, orgId);
      const shown = changes.slice(0, 5000);
      // Names for the preview table, so a reviewer sees who changes, not ids.
      const names = new Map<string, { employeeCode: string; name: string }>();
      const ids2 = [...new Set(shown.map((c) => c.employeeId))];
      for (let i = 0; i < ids2.length; i += 500) {
        const rows = await ctx.db
          .selectFrom('employees')
          .select(['id', 'employeeCode', 'name'])
          .where('organizationId', '=', orgId)
          .where('id', 'in', ids2.slice(i, i + 500))
          .execute();
        for (const r of rows) names.set(r.id, r);
      }
      return {
        applied: apply,
        changes: shown.map((c) => ({
          employeeId: c.employeeId,
          employeeCode: names.get(c.employeeId)?.employeeCode ?? '',
          employeeName: names.get(c.employeeId)?.name ?? '',
          date: c.date,
          before: c.before?.status ?? null,
          after: c.after.status,
          reasonBefore: c.before ? describeAttendanceReason(c.before.reason, locale, timeZone) : null,
          reasonAfter: describeAttendanceReason(c.after.reason, locale, timeZone),
        })),
      };
    },
  );
}
