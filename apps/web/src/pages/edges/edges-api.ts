import { EdgeEnrolCodeSchema, EdgeListSchema, EdgeViewSchema, type EdgeCreate } from '@hadir/contracts';
import { api } from '../../api/client';

export const edgeKeys = { all: ['edges'] as const };

/** Edge boxes of the organization (the hub's admin side of /api/edges). */
export const edgesApi = {
  list: () => api.get('/api/edges', undefined, EdgeListSchema),
  create: (body: EdgeCreate) => api.post('/api/edges', body, EdgeEnrolCodeSchema),
  newCode: (id: string) =>
    api.post(`/api/edges/${encodeURIComponent(id)}/enrol-code`, {}, EdgeEnrolCodeSchema),
  revoke: (id: string) => api.post(`/api/edges/${encodeURIComponent(id)}/revoke`, {}, EdgeViewSchema),
};
