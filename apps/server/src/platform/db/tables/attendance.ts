/**
 * Attendance tables (migration 0040). Times are epoch ms; dates are local "YYYY-MM-DD" text in the
 * organization's zone; JSON columns are text.
 */
export interface AttendanceSequencesTable {
  organizationId: string;
  lastSeq: number;
}

/** One raw event: a camera's first/last sighting of a stay, a badge scan, a mobile or manual entry. */
export interface AttendanceEventsTable {
  id: string;
  organizationId: string;
  employeeId: string;
  occurredAt: number;
  kind: string;
  source: string;
  /** Camera name, device or kiosk, shown in reasons. */
  label: string | null;
  recordedBy: string | null;
  deviceId: string | null;
  clientId: string | null;
  score: number | null;
  snapshotId: string | null;
  /** Unique per organization: the same event pushed twice is stored once. */
  idempotencyKey: string;
  /** Change sequence (per organization), bumped when the event is written or moved. */
  seq: number;
  createdAt: number;
  /** Phone-captured events (migration 0086): null (not flagged), pending, approved or rejected. */
  review: string | null;
  /** JSON array of why it was flagged: low_score, liveness_retry, clock_skew. */
  flags: string | null;
  reviewedBy: string | null;
  reviewedAt: number | null;
  reviewNote: string | null;
}

export interface AttendanceDaysTable {
  id: string;
  organizationId: string;
  employeeId: string;
  workDate: string;
  shiftTypeId: string | null;
  checkIn: number | null;
  checkOut: number | null;
  workedMinutes: number;
  breakMinutes: number;
  lateMinutes: number;
  earlyLeaveMinutes: number;
  status: string;
  /** JSON of the domain AttendanceReason. */
  reason: string;
  /** JSON array of sources. */
  sources: string;
  version: number;
  changedSeq: number;
  computedAt: number;
}

export interface ShiftTypesTable {
  id: string;
  organizationId: string;
  name: string;
  /** JSON of the domain ShiftType without id and name. */
  definition: string;
  createdAt: number;
  updatedAt: number;
}

export interface ShiftAssignmentsTable {
  id: string;
  organizationId: string;
  employeeId: string | null;
  departmentId: string | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  /** JSON of the domain RosterPattern. */
  pattern: string;
  createdAt: number;
}

export interface HolidayCalendarsTable {
  id: string;
  organizationId: string;
  /** null = every site of the organization. */
  siteId: string | null;
  name: string;
  createdAt: number;
}

export interface HolidaysTable {
  id: string;
  organizationId: string;
  calendarId: string;
  date: string;
  name: string;
}

export interface AttendanceCorrectionsTable {
  id: string;
  organizationId: string;
  employeeId: string;
  workDate: string;
  checkIn: number | null;
  checkOut: number | null;
  status: string | null;
  note: string;
  /** manual (manager/HR, applied at once) | request (employee regularization). */
  kind: string;
  /** applied | pending | approved | rejected */
  state: string;
  requestedBy: string;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionComment: string | null;
  /** Requests: the supervisor it is addressed to (null with approverUserId null = the admins). */
  approverEmployeeId: string | null;
  approverUserId: string | null;
  createdAt: number;
}

export interface AttendanceTables {
  attendanceSequences: AttendanceSequencesTable;
  attendanceEvents: AttendanceEventsTable;
  attendanceDays: AttendanceDaysTable;
  shiftTypes: ShiftTypesTable;
  shiftAssignments: ShiftAssignmentsTable;
  holidayCalendars: HolidayCalendarsTable;
  holidays: HolidaysTable;
  attendanceCorrections: AttendanceCorrectionsTable;
}
