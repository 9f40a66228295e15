import {
  LeaveAllocation,
  LeaveBalance,
  LeaveCalendarEntry,
  LeaveRequest,
  LeaveType,
  type LeaveDecisionInput,
  type LeaveRequestInput,
  type LeaveTypeInput,
  type LeaveTypeUpdate,
} from '@hadir/contracts';
import { api } from '../../api/client';

/** Leave: types, allocations, balances, requests, approvals, calendar. */
export const leaveKeys = {
  all: ['leave'] as const,
  types: ['leave', 'types'] as const,
  balances: (year: number) => ['leave', 'balances', year] as const,
  mine: ['leave', 'requests', 'mine'] as const,
  approvals: ['leave', 'approvals'] as const,
  calendar: (from: string) => ['leave', 'calendar', from] as const,
  allocations: (year: number) => ['leave', 'allocations', year] as const,
};

const enc = encodeURIComponent;

export const leaveApi = {
  types: () => api.get('/api/leave/types', undefined, LeaveType.array()),
  createType: (body: Partial<LeaveTypeInput> & { name: string }) =>
    api.post('/api/leave/types', body, LeaveType),
  updateType: (id: string, body: LeaveTypeUpdate) =>
    api.patch(`/api/leave/types/${enc(id)}`, body, LeaveType),
  balances: (year: number) => api.get('/api/leave/balances', { year }, LeaveBalance.array()),
  mine: () => api.get('/api/leave/requests', { scope: 'mine' }, LeaveRequest.array()),
  submit: (
    body: Partial<LeaveRequestInput> & Pick<LeaveRequestInput, 'leaveTypeId' | 'fromDate' | 'toDate'>,
  ) => api.post('/api/leave/requests', body, LeaveRequest),
  attach: (id: string, file: File) => {
    const form = new FormData();
    form.append('file', file);
    return api.upload(`/api/leave/requests/${enc(id)}/attachment`, form, LeaveRequest);
  },
  attachmentUrl: (id: string) => `/api/leave/requests/${enc(id)}/attachment`,
  cancel: (id: string) => api.post(`/api/leave/requests/${enc(id)}/cancel`, {}, LeaveRequest),
  approvals: () => api.get('/api/leave/approvals', undefined, LeaveRequest.array()),
  decide: (id: string, body: LeaveDecisionInput) =>
    api.post(`/api/leave/requests/${enc(id)}/decision`, body, LeaveRequest),
  calendar: (from: string, to: string) =>
    api.get('/api/leave/calendar', { from, to }, LeaveCalendarEntry.array()),
  allocations: (year: number) => api.get('/api/leave/allocations', { year }, LeaveAllocation.array()),
  allocate: (body: { leaveTypeId: string; year: number; days: number; departmentId: string }) =>
    api.post<{ count: number }>('/api/leave/allocations', body),
};
