import { AttendanceMonth, RegularizationList, type AttendanceStatus, type Locale } from '@hadir/contracts';
import { api } from '../../api/client';

export interface RegularizationBody {
  date: string;
  checkInAt?: string | null;
  checkOutAt?: string | null;
  status?: AttendanceStatus | null;
  note: string;
}

export const regularizationKeys = {
  all: ['regularizations'] as const,
  myMonth: (month: string, locale: Locale) => ['regularizations', 'my-month', month, locale] as const,
  mine: ['regularizations', 'mine'] as const,
  inbox: ['regularizations', 'inbox'] as const,
};

/** An employee's own month and correction requests; the approvers' inbox. */
export const regularizationApi = {
  myMonth: (month: string, locale: Locale) =>
    api.get('/api/attendance/my-month', { month, locale }, AttendanceMonth),
  mine: async () => (await api.get('/api/attendance/regularizations', undefined, RegularizationList)).items,
  inbox: async () =>
    (await api.get('/api/attendance/regularizations/inbox', undefined, RegularizationList)).items,
  request: (body: RegularizationBody) => api.post('/api/attendance/regularizations', body),
  decide: (id: string, decision: 'approved' | 'rejected', comment: string | null) =>
    api.post(`/api/attendance/regularizations/${encodeURIComponent(id)}/decision`, { decision, comment }),
};
