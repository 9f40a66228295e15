import {
  MobileSettingsResponse,
  SiteMembersResponse,
  SiteSetupOverviewResponse,
  SiteSetupResponse,
  type MobileSettingsUpdate,
  type SiteSetupInput,
} from '@hadir/contracts';
import { api } from '../../api/client';

/** Sites for the phone app: the overview, one site's phone-app side, its members, the org's rules. */
export const siteKeys = {
  all: ['site-setup'] as const,
  members: (siteId: string, search: string) => ['site-setup', 'members', siteId, search] as const,
};

export const sitesApi = {
  overview: async () => (await api.get('/api/mobile/site-setup', undefined, SiteSetupOverviewResponse)).data,
  /** The site itself (name, address) lives in the organization's structure. */
  create: (name: string, address: string | null) => api.post<{ id: string }>('/api/sites', { name, address }),
  rename: (id: string, name: string) => api.patch<unknown>(`/api/sites/${encodeURIComponent(id)}`, { name }),
  remove: (id: string) => api.delete<unknown>(`/api/sites/${encodeURIComponent(id)}`),
  saveMobile: async (id: string, body: SiteSetupInput) =>
    (await api.put(`/api/sites/${encodeURIComponent(id)}/mobile`, body, SiteSetupResponse)).data,
  members: async (id: string, search: string) =>
    (
      await api.get(
        `/api/sites/${encodeURIComponent(id)}/members`,
        { limit: 200, ...(search.trim() ? { search: search.trim() } : {}) },
        SiteMembersResponse,
      )
    ).data,
  settings: async (body: MobileSettingsUpdate) =>
    (await api.put('/api/mobile/settings', body, MobileSettingsResponse)).data,
};

export type GeofenceDraft = { latitude: string; longitude: string; radius: string };
export type GeofenceErrors = Partial<Record<'latitude' | 'longitude' | 'radius', true>>;

/** The form's text fields as a geofence, or which of them are out of bounds (the server's bounds). */
export function parseGeofence(
  d: GeofenceDraft,
):
  | { ok: true; value: { latitude: number; longitude: number; radius_m: number } }
  | { ok: false; errors: GeofenceErrors } {
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s.trim().replace(',', '.')));
  const latitude = num(d.latitude);
  const longitude = num(d.longitude);
  const radius = num(d.radius);
  const errors: GeofenceErrors = {};
  if (!(latitude >= -90 && latitude <= 90)) errors.latitude = true;
  if (!(longitude >= -180 && longitude <= 180)) errors.longitude = true;
  if (!(radius >= 10 && radius <= 50_000)) errors.radius = true;
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, value: { latitude, longitude, radius_m: radius } };
}
