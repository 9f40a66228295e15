import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { AttendanceQueries } from './attendance-queries.service.js';
import { registerAttendanceRoutes } from './attendance.routes.js';
import { AttendanceDaysService } from './attendance-days.service.js';
import { AttendanceEventsService } from './attendance-events.service.js';
import { registerAttendanceJobs } from './attendance.jobs.js';
import { CorrectionsService } from './corrections.service.js';
import { HolidaysService } from './holidays.service.js';
import { NO_LEAVE, type LeaveSource } from './leave-source.js';
import { RegularizationsService } from './regularizations.service.js';
import { ShiftsService } from './shifts.service.js';
import type { NotificationsService } from '../notifications/index.js';
import { WorkRulesService } from './work-rules.js';

export type { LeaveSource, ApprovedLeaveDay } from './leave-source.js';
export { NO_LEAVE } from './leave-source.js';
export { reserveSeqs, type Executor as AttendanceExecutor } from './attendance.repository.js';
export type { DayChange } from './attendance-days.service.js';
export type { RecordEventInput, StoredEvent, CameraStay } from './attendance-events.service.js';
export { NATIONAL_HOLIDAY_SETS, type NationalHolidaySetId } from './national-holidays.js';
export { parseHolidayCsv, parseHolidayIcs } from './holiday-files.js';
export {
  AttendanceDaysService,
  AttendanceEventsService,
  CorrectionsService,
  HolidaysService,
  RegularizationsService,
  ShiftsService,
  WorkRulesService,
};

/** The attendance slice: events in, days derived, rules (shifts, holidays, corrections) around them. */
export class AttendanceModule {
  readonly days: AttendanceDaysService;
  readonly events: AttendanceEventsService;
  readonly shifts: ShiftsService;
  readonly holidays: HolidaysService;
  readonly corrections: CorrectionsService;
  /** Employees' own correction requests and their approval by the supervisor chain. */
  readonly regularizations: RegularizationsService;
  /** Who is due at work at an instant (presence watches absence only then). */
  readonly workRules: WorkRulesService;

  constructor(
    ctx: ServerContext,
    leave: LeaveSource = NO_LEAVE,
    notifier: NotificationsService | null = null,
  ) {
    this.days = new AttendanceDaysService(ctx, leave);
    this.events = new AttendanceEventsService(ctx);
    this.shifts = new ShiftsService(ctx);
    this.holidays = new HolidaysService(ctx);
    this.corrections = new CorrectionsService(ctx, this.days);
    this.regularizations = new RegularizationsService(
      ctx,
      this.corrections,
      () => this.days.leaveSource,
      notifier,
    );
    this.workRules = new WorkRulesService(ctx, () => this.days.leaveSource);
  }

  /** Re-derives and stores one employee's days (inclusive dates); publishes `attendance.day.changed`. */
  recomputeEmployeeRange(organizationId: string, employeeId: string, fromDate: string, toDate: string) {
    return this.days.recomputeEmployeeRange(organizationId, employeeId, fromDate, toDate);
  }

  /** The leave module's approved leave; until wired, nobody is on leave. */
  setLeaveSource(source: LeaveSource): void {
    this.days.setLeaveSource(source);
  }
}

/** Builds the slice, registers its routes and job, and turns presence stays into attendance events. */
export function registerAttendanceModule(
  app: HttpApp,
  ctx: ServerContext,
  leave: LeaveSource = NO_LEAVE,
  notifier: NotificationsService | null = null,
): AttendanceModule {
  const attendance = new AttendanceModule(ctx, leave, notifier);
  registerAttendanceRoutes(
    app,
    ctx,
    attendance,
    new AttendanceQueries(ctx, attendance.events, attendance.days),
  );
  registerAttendanceJobs(ctx, attendance.days);
  ctx.events.subscribe('presence.stays.recorded', ({ stays }) => {
    attendance.events.recordCameraStays(stays).catch((err: unknown) => {
      ctx.log.error({ err, stays: stays.length }, 'attendance: camera stays not recorded');
    });
  });
  return attendance;
}
