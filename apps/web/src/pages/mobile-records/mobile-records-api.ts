import { MobileRecord, MobileRecordList, type MobileRecordReview } from '@hadir/contracts';
import { api } from '../../api/client';

export interface MobileRecordsFilter {
  from: string;
  to: string;
  review?: MobileRecordReview;
  source?: 'mobile' | 'officer';
  employeeId?: string;
}

export const mobileRecordKeys = { all: ['attendance', 'mobile-records'] as const };

/** Phone-captured attendance: the list and a manager's approve/reject of a flagged record. */
export const mobileRecordsApi = {
  list: (f: MobileRecordsFilter) => api.get('/api/attendance/mobile-records', { ...f }, MobileRecordList),
  decide: (id: string, decision: 'approve' | 'reject', note?: string) =>
    api.post(
      `/api/attendance/mobile-records/${encodeURIComponent(id)}/review`,
      { decision, ...(note ? { note } : {}) },
      MobileRecord,
    ),
};

export const faceUrl = (snapshotId: string) => `/api/snapshots/${encodeURIComponent(snapshotId)}/face.jpg`;
