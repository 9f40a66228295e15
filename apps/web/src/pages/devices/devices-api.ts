import { MobileDeviceResponse, MobileDevicesResponse, SyncLogsResponse } from '@hadir/contracts';
import { api } from '../../api/client';

/** Mobile devices and their sync logs (the `{ success, data }` API of the mobile app). */
export const deviceKeys = {
  all: ['mobile-devices'] as const,
  list: ['mobile-devices', 'list'] as const,
  logs: ['mobile-devices', 'logs'] as const,
};

export const devicesApi = {
  list: async () => (await api.get('/api/mobile/devices', undefined, MobileDevicesResponse)).data,
  logs: async () => (await api.get('/api/mobile/sync-logs', undefined, SyncLogsResponse)).data,
  revoke: async (id: string) =>
    (await api.post(`/api/mobile/devices/${encodeURIComponent(id)}/revoke`, {}, MobileDeviceResponse)).data,
};
