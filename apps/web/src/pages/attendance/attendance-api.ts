import { AttendanceDaysPage, type AttendanceStatus, type Locale } from '@hadir/contracts';
import { api } from '../../api/client';

export interface DaysFilter {
  from: string;
  to: string;
  status?: AttendanceStatus;
  employeeId?: string;
  departmentId?: string;
  locale: Locale;
  cursor?: string;
  limit?: number;
}

export interface CorrectionBody {
  employeeId: string;
  date: string;
  checkInAt?: string | null;
  checkOutAt?: string | null;
  status?: AttendanceStatus | null;
  note: string;
}

export const attendanceKeys = { days: ['attendance', 'days'] as const };

/** The attendance page's API calls. */
export const attendanceApi = {
  days: (f: DaysFilter) => api.get('/api/attendance/days', { ...f }, AttendanceDaysPage),
  correct: (body: CorrectionBody) => api.post('/api/attendance/corrections', body),
};
