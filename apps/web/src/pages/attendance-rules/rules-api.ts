import {
  AttendanceMonth,
  HolidayCalendarList,
  HolidaysAdded,
  RecomputeResult,
  ShiftAssignmentList,
  ShiftTypeList,
  ShiftTypeView,
  type Locale,
  type NationalHolidaySet,
  type ShiftAssignmentInput,
  type ShiftTypeInput,
} from '@hadir/contracts';
import { api } from '../../api/client';

export const rulesKeys = {
  shiftTypes: ['attendance', 'shift-types'] as const,
  assignments: ['attendance', 'assignments'] as const,
  holidays: ['attendance', 'holiday-calendars'] as const,
  month: ['attendance', 'month'] as const,
};

/** The attendance rules pages' API calls (shifts, rosters, holidays, month, recompute). */
export const rulesApi = {
  shiftTypes: () => api.get('/api/attendance/shift-types', undefined, ShiftTypeList),
  createShiftType: (body: ShiftTypeInput) => api.post('/api/attendance/shift-types', body, ShiftTypeView),
  updateShiftType: (id: string, body: ShiftTypeInput) =>
    api.put(`/api/attendance/shift-types/${encodeURIComponent(id)}`, body, ShiftTypeView),
  assignments: () => api.get('/api/attendance/assignments', undefined, ShiftAssignmentList),
  createAssignment: (body: ShiftAssignmentInput) =>
    api.post<{ id: string }>('/api/attendance/assignments', body),
  deleteAssignment: (id: string) => api.delete(`/api/attendance/assignments/${encodeURIComponent(id)}`),
  holidays: () => api.get('/api/attendance/holiday-calendars', undefined, HolidayCalendarList),
  deleteCalendar: (id: string) => api.delete(`/api/attendance/holiday-calendars/${encodeURIComponent(id)}`),
  deleteHoliday: (id: string, date: string) =>
    api.delete(
      `/api/attendance/holiday-calendars/${encodeURIComponent(id)}/holidays/${encodeURIComponent(date)}`,
    ),
  createCalendar: (body: { name: string; siteId: string | null }) =>
    api.post('/api/attendance/holiday-calendars', body),
  importHolidays: (id: string, body: { filename: string; text: string }) =>
    api.post(`/api/attendance/holiday-calendars/${encodeURIComponent(id)}/import`, body, HolidaysAdded),
  loadNational: (id: string, set: NationalHolidaySet) =>
    api.post(`/api/attendance/holiday-calendars/${encodeURIComponent(id)}/national`, { set }, HolidaysAdded),
  month: (employeeId: string, month: string, locale: Locale) =>
    api.get('/api/attendance/month', { employeeId, month, locale }, AttendanceMonth),
  /** Everyone's month as a file (the browser downloads it with the session cookie). */
  monthExportUrl: (month: string, format: 'xlsx' | 'pdf', locale: Locale) =>
    `/api/attendance/month/export?${new URLSearchParams({ month, format, locale }).toString()}`,
  recompute: (body: { from: string; to: string; employeeId?: string; apply: boolean }) =>
    api.post('/api/attendance/recompute', body, RecomputeResult),
};

/** Sites of the organization (holiday calendars may belong to one). */
export const sitesApi = {
  list: () => api.get<{ id: string; name: string }[]>('/api/sites'),
};
