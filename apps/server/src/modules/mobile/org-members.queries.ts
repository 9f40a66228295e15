import type { z } from 'zod';
import type {
  MembersImportInput,
  OrgAttendanceDay,
  OrgAttendanceQuery,
  OrgMember,
  OrgMembersQuery,
} from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIsoOrNull } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest, notFound } from '../../platform/http/errors.js';
import type { EmployeesService } from '../people/index.js';
import { getOrganizationSettings } from '../organizations/index.js';

const MAX_RANGE_DAYS = 366;

/** The seed's organization-scoped reads and import: `/api/organizations/:id/{attendance,members}`. */
export class OrgMembersQueries {
  constructor(
    private readonly ctx: ServerContext,
    private readonly employees: EmployeesService,
  ) {}

  /** The path's organization must be the caller's active one; any other is "not found" (no probing). */
  requireOwn(orgId: string, pathId: string): void {
    if (orgId !== pathId) throw notFound('Organization');
  }

  async attendance(
    orgId: string,
    q: z.infer<typeof OrgAttendanceQuery>,
  ): Promise<z.infer<typeof OrgAttendanceDay>[]> {
    if (q.end_date < q.start_date) throw badRequest('invalid_range', 'end_date is before start_date');
    const days = (Date.parse(q.end_date) - Date.parse(q.start_date)) / 86_400_000;
    if (days > MAX_RANGE_DAYS) throw badRequest('range_too_long', `At most ${MAX_RANGE_DAYS} days at once`);
    let query = this.ctx.db
      .selectFrom('attendanceDays')
      .innerJoin('employees', 'employees.id', 'attendanceDays.employeeId')
      .select([
        'attendanceDays.employeeId',
        'employees.name',
        'employees.employeeCode',
        'attendanceDays.workDate',
        'attendanceDays.status',
        'attendanceDays.checkIn',
        'attendanceDays.checkOut',
        'attendanceDays.workedMinutes',
        'attendanceDays.lateMinutes',
      ])
      .where('attendanceDays.organizationId', '=', orgId)
      .where('employees.organizationId', '=', orgId)
      .where('attendanceDays.workDate', '>=', q.start_date)
      .where('attendanceDays.workDate', '<=', q.end_date);
    if (q.member_id) query = query.where('attendanceDays.employeeId', '=', q.member_id);
    if (q.status) query = query.where('attendanceDays.status', '=', q.status);
    const rows = await query
      .orderBy('attendanceDays.workDate')
      .orderBy('employees.employeeCode')
      .limit(20_000)
      .execute();
    return rows.map((r) => ({
      member_id: r.employeeId,
      member_name: r.name,
      employee_code: r.employeeCode,
      date: r.workDate,
      status: r.status,
      check_in: toIsoOrNull(r.checkIn === null ? null : Number(r.checkIn)),
      check_out: toIsoOrNull(r.checkOut === null ? null : Number(r.checkOut)),
      worked_minutes: Number(r.workedMinutes),
      late_minutes: Number(r.lateMinutes),
    }));
  }

  async me(auth: AuthContext, orgId: string) {
    const user = await this.ctx.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('id', '=', auth.userId ?? '')
      .executeTakeFirstOrThrow();
    const member = auth.employeeId
      ? await this.ctx.db
          .selectFrom('employees')
          .select(['id', 'name'])
          .where('organizationId', '=', orgId)
          .where('id', '=', auth.employeeId)
          .executeTakeFirst()
      : undefined;
    const face = member
      ? await this.ctx.db
          .selectFrom('faceSamples')
          .select('id')
          .where('organizationId', '=', orgId)
          .where('employeeId', '=', member.id)
          .limit(1)
          .executeTakeFirst()
      : undefined;
    return {
      user_id: user.id,
      name: user.name,
      role: auth.role,
      organization_id: orgId,
      member_id: member?.id ?? null,
      member_name: member?.name ?? null,
      face_registered: face !== undefined,
      officer: auth.permissions.has('attendance:record:create'),
      time_zone: (await getOrganizationSettings(this.ctx.db, orgId)).timeZone,
    };
  }

  /** Members with whether a face is registered: what an officer's phone caches for offline search. */
  async members(orgId: string, q: z.infer<typeof OrgMembersQuery>): Promise<OrgMember[]> {
    let query = this.ctx.db
      .selectFrom('employees')
      .select(['id', 'employeeCode', 'name', 'status'])
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('faceSamples')
              .select('faceSamples.id')
              .whereRef('faceSamples.employeeId', '=', 'employees.id')
              .where('faceSamples.organizationId', '=', orgId),
          )
          .as('hasFace'),
      )
      .where('organizationId', '=', orgId)
      .where('status', '!=', 'terminated');
    if (q.search) {
      const like = `%${q.search.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', like),
          eb(eb.fn('lower', ['employeeCode']), 'like', like),
        ]),
      );
    }
    const rows = await query.orderBy('employeeCode').limit(q.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      employee_code: r.employeeCode,
      name: r.name,
      status: r.status,
      face_registered: Boolean(Number(r.hasFace)),
    }));
  }

  /** Adds members by code and name; an existing code or a bad row is skipped with its reason. */
  async import(auth: AuthContext, orgId: string, input: z.infer<typeof MembersImportInput>) {
    const results = [];
    for (const m of input.members) {
      try {
        const e = await this.employees.create(auth, orgId, {
          employeeCode: m.employee_code,
          badgeId: null,
          name: m.name,
          email: m.email ?? null,
          status: 'active',
        });
        results.push({
          employee_code: m.employee_code,
          status: 'created' as const,
          member_id: e.id,
          reason: null,
        });
      } catch (error) {
        if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
        results.push({
          employee_code: m.employee_code,
          status: 'skipped' as const,
          member_id: null,
          reason: error.message,
        });
      }
    }
    return {
      created: results.filter((r) => r.status === 'created').length,
      skipped: results.filter((r) => r.status === 'skipped').length,
      results,
    };
  }
}
