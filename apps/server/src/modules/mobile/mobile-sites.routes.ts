import { z } from 'zod';
import {
  Geofence,
  GeofenceInput,
  MobileSettings,
  MobileSettingsUpdate,
  MobileSite,
  OfficerSites,
  OfficerSitesInput,
  PathId,
  SiteMember,
  SiteMembersQuery,
  SiteSetup,
  SiteSetupInput,
  SiteSetupOverview,
  UserIdParams,
  envelope,
} from '@hadir/contracts';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import type { MobileSitesService } from './mobile-sites.service.js';
import type { SiteSetupService } from './site-setup.service.js';

const tags = ['mobile'];
const ok = <T>(data: T) => ({ success: true as const, data });

/** Sites as the phone app uses them: geofences, officers' sites, recognition scope; the website's Sites page. */
export function registerMobileSitesRoutes(
  app: HttpApp,
  sites: MobileSitesService,
  setup: SiteSetupService,
): void {
  app.get(
    '/api/mobile/sites',
    {
      config: { auth: 'org' },
      schema: {
        tags,
        summary: 'Sites for the app: geofence, and whether the calling officer is assigned to each',
        response: { 200: envelope(z.array(MobileSite)) },
      },
    },
    async (req) => ok(await sites.sitesFor(authOf(req), orgOf(req))),
  );
  app.get(
    '/api/mobile/settings',
    {
      config: { auth: 'org' },
      schema: {
        tags,
        summary: 'The phone app’s organization settings',
        response: { 200: envelope(MobileSettings) },
      },
    },
    async (req) => ok(await sites.settings(orgOf(req))),
  );
  app.put(
    '/api/mobile/settings',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary:
          'Keep officers to their sites, check geofences, recognize only a site’s members (each optional)',
        body: MobileSettingsUpdate,
        response: { 200: envelope(MobileSettings) },
      },
    },
    async (req) => ok(await sites.updateSettings(authOf(req), orgOf(req), req.body)),
  );
  app.put(
    '/api/sites/:id/geofence',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary: 'Set a site’s geofence: its members’ app check-ins outside the radius are refused',
        params: z.object({ id: PathId }),
        body: GeofenceInput,
        response: { 200: envelope(Geofence) },
      },
    },
    async (req) => ok((await sites.setGeofence(authOf(req), orgOf(req), req.params.id, req.body))!),
  );
  app.delete(
    '/api/sites/:id/geofence',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary: 'Remove a site’s geofence',
        params: z.object({ id: PathId }),
        response: { 200: envelope(z.null()) },
      },
    },
    async (req) => {
      await sites.setGeofence(authOf(req), orgOf(req), req.params.id, null);
      return ok(null);
    },
  );
  app.put(
    '/api/mobile/officers/:userId/sites',
    {
      config: { auth: 'user:manage' },
      schema: {
        tags,
        summary: 'The sites an officer works at (replaces the list)',
        params: UserIdParams,
        body: OfficerSitesInput,
        response: { 200: envelope(OfficerSites) },
      },
    },
    async (req) =>
      ok(await sites.setOfficerSites(authOf(req), orgOf(req), req.params.userId, req.body.site_ids)),
  );

  app.get(
    '/api/mobile/site-setup',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary:
          'Sites with geofence, recognition scope, member count and officers; the officers; the settings',
        response: { 200: envelope(SiteSetupOverview) },
      },
    },
    async (req) => ok(await setup.overview(orgOf(req))),
  );
  app.put(
    '/api/sites/:id/mobile',
    {
      config: { auth: 'settings:manage' },
      schema: {
        tags,
        summary: 'Save a site’s geofence, recognition scope and officers at once (officers need user:manage)',
        params: z.object({ id: PathId }),
        body: SiteSetupInput,
        response: { 200: envelope(SiteSetup) },
      },
    },
    async (req) => ok(await setup.save(authOf(req), orgOf(req), req.params.id, req.body)),
  );
  app.get(
    '/api/sites/:id/members',
    {
      config: { auth: 'member:view', limit: 'query' },
      schema: {
        tags,
        summary: 'Members of a site (their area is at it), by name; search by name or code',
        params: z.object({ id: PathId }),
        querystring: SiteMembersQuery,
        response: { 200: envelope(z.array(SiteMember)) },
      },
    },
    async (req) => ok(await setup.members(orgOf(req), req.params.id, req.query)),
  );
}
