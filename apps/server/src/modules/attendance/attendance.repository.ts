import { sql, type Kysely, type Transaction } from 'kysely';
import {
  rosterFromWeeklySchedule,
  type CorrectionForDay,
  type RosterPattern,
  type ShiftAssignment,
  type ShiftType,
  type WeeklySchedule,
  type Weekday,
} from '@hadir/domain';
import type { OrganizationSettings } from '@hadir/contracts';
import type { DB } from '../../platform/db/schema.js';
import type { AttendanceDaysTable, ShiftTypesTable } from '../../platform/db/tables/attendance.js';

export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * The next change sequence of an organization. The upsert row-locks the counter until the transaction
 * commits, so sequences become visible in order and an ERP cursor over them never skips one.
 */
export async function nextSeq(trx: Executor, organizationId: string): Promise<number> {
  const row = await trx
    .insertInto('attendanceSequences')
    .values({ organizationId, lastSeq: 1 })
    .onConflict((oc) =>
      oc.column('organizationId').doUpdateSet({ lastSeq: sql<number>`attendance_sequences.last_seq + 1` }),
    )
    .returning('lastSeq')
    .executeTakeFirstOrThrow();
  return Number(row.lastSeq);
}

/** Reserves `count` sequences at once; returns the first. Same locking as nextSeq. */
export async function reserveSeqs(trx: Executor, organizationId: string, count: number): Promise<number> {
  const row = await trx
    .insertInto('attendanceSequences')
    .values({ organizationId, lastSeq: count })
    .onConflict((oc) =>
      oc
        .column('organizationId')
        .doUpdateSet({ lastSeq: sql<number>`attendance_sequences.last_seq + ${count}` }),
    )
    .returning('lastSeq')
    .executeTakeFirstOrThrow();
  return Number(row.lastSeq) - count + 1;
}

export function shiftTypeFromRow(row: Pick<ShiftTypesTable, 'id' | 'name' | 'definition'>): ShiftType {
  const def = JSON.parse(row.definition) as Omit<ShiftType, 'id' | 'name'>;
  return { ...def, id: row.id, name: row.name };
}

/** The org's legacy weekly schedule as the domain expects it. */
export function weeklyScheduleOf(settings: OrganizationSettings): WeeklySchedule {
  const days: Partial<Record<Weekday, { start: string; end: string } | null>> = {};
  for (const [weekday, day] of Object.entries(settings.workingHours)) days[weekday as Weekday] = day;
  return { days, graceMinutes: settings.lateGraceMinutes };
}

/** Shift types and assignments of an organization, with the weekly schedule as the default layer. */
export async function loadRoster(
  db: Executor,
  organizationId: string,
  settings: OrganizationSettings,
): Promise<{ shiftTypes: Map<string, ShiftType>; assignments: ShiftAssignment[] }> {
  const fallback = rosterFromWeeklySchedule(weeklyScheduleOf(settings));
  const typeRows = await db
    .selectFrom('shiftTypes')
    .select(['id', 'name', 'definition'])
    .where('organizationId', '=', organizationId)
    .execute();
  const shiftTypes = new Map<string, ShiftType>(fallback.shiftTypes.map((s) => [s.id, s]));
  for (const row of typeRows) shiftTypes.set(row.id, shiftTypeFromRow(row));
  const rows = await db
    .selectFrom('shiftAssignments')
    .select(['id', 'employeeId', 'departmentId', 'effectiveFrom', 'effectiveTo', 'pattern'])
    .where('organizationId', '=', organizationId)
    .execute();
  const assignments: ShiftAssignment[] = [
    fallback.assignment,
    ...rows.map((r) => ({ ...r, pattern: JSON.parse(r.pattern) as RosterPattern })),
  ];
  return { shiftTypes, assignments };
}

/** Holidays in a date range: org-wide calendars, and site calendars by site id. */
export async function loadHolidays(
  db: Executor,
  organizationId: string,
  fromDate: string,
  toDate: string,
): Promise<{ date: string; name: string; siteId: string | null }[]> {
  return db
    .selectFrom('holidays')
    .innerJoin('holidayCalendars', 'holidayCalendars.id', 'holidays.calendarId')
    .select(['holidays.date', 'holidays.name', 'holidayCalendars.siteId'])
    .where('holidays.organizationId', '=', organizationId)
    .where('holidays.date', '>=', fromDate)
    .where('holidays.date', '<=', toDate)
    .orderBy('holidays.date')
    .orderBy('holidays.name')
    .execute();
}

/** The correction in force per employee+date: the latest applied or approved one. */
export async function loadCorrections(
  db: Executor,
  organizationId: string,
  fromDate: string,
  toDate: string,
  employeeIds: readonly string[] | null,
): Promise<Map<string, CorrectionForDay>> {
  let q = db
    .selectFrom('attendanceCorrections')
    .leftJoin('users', 'users.id', 'attendanceCorrections.decidedBy')
    .select([
      'attendanceCorrections.id',
      'attendanceCorrections.employeeId',
      'attendanceCorrections.workDate',
      'attendanceCorrections.checkIn',
      'attendanceCorrections.checkOut',
      'attendanceCorrections.status',
      'attendanceCorrections.note',
      'users.name as deciderName',
    ])
    .where('attendanceCorrections.organizationId', '=', organizationId)
    .where('attendanceCorrections.state', 'in', ['applied', 'approved'])
    .where('attendanceCorrections.workDate', '>=', fromDate)
    .where('attendanceCorrections.workDate', '<=', toDate)
    .orderBy('attendanceCorrections.createdAt')
    .orderBy('attendanceCorrections.id');
  if (employeeIds !== null) q = q.where('attendanceCorrections.employeeId', 'in', [...employeeIds]);
  const out = new Map<string, CorrectionForDay>();
  for (const r of await q.execute()) {
    out.set(`${r.employeeId}|${r.workDate}`, {
      id: r.id,
      checkInMs: r.checkIn,
      checkOutMs: r.checkOut,
      status: (r.status as CorrectionForDay['status']) ?? null,
      note: r.note,
      byName: r.deciderName ?? '',
    });
  }
  return out;
}

export type StoredDay = Omit<AttendanceDaysTable, 'id'> & { id: string };
