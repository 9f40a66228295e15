import type { Generated } from 'kysely';

/** Mobile app tables (migration 0080). Times are epoch ms. */
export interface MobileDevicesTable {
  id: string;
  organizationId: string;
  /** The person who registered the device; only their session may sync as it. */
  userId: string;
  name: string;
  /** The HMAC key that signs sync batches, sealed with the server's SecretBox; never presented. */
  keySealed: string;
  pinHash: string | null;
  createdAt: number;
  lastSyncAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

/** One record a device synced: unique per (organization, device, client id), so a resend is stored once. */
export interface MobileSyncRecordsTable {
  id: string;
  organizationId: string;
  deviceId: string;
  clientId: string;
  employeeId: string | null;
  /** recorded | rejected */
  status: string;
  reason: string | null;
  score: number | null;
  eventId: string | null;
  createdAt: number;
}

export interface AttendanceSyncLogsTable {
  id: string;
  organizationId: string;
  deviceId: string;
  syncedAt: number;
  /** ok | partial | failed */
  status: string;
  recordsSynced: number;
  recordsFailed: number;
  recordsDuplicate: number;
  /** Server time minus device time at sync; positive when the device runs behind. */
  clockSkewMs: number;
}

/** Migration 0081: whether officers may only record members of the sites they are assigned to. */
export interface MobileOrgSettingsTable {
  organizationId: string;
  officersRestrictedToSites: number;
  /** Migration 0130: 1 = members' check-ins are checked against their site's geofence (the default). */
  geofenceChecks: Generated<number>;
  /** Migration 0130: 1 = an officer's capture at a site recognizes only that site's members. */
  recognitionSiteOnly: Generated<number>;
  updatedAt: number;
}

/** A site's geofence: check-ins of its members are refused outside `radiusM` metres of the centre. */
export interface SiteGeofencesTable {
  siteId: string;
  organizationId: string;
  latitude: number;
  longitude: number;
  radiusM: number;
  updatedAt: number;
}

export interface OfficerSitesTable {
  id: string;
  organizationId: string;
  userId: string;
  siteId: string;
  createdAt: number;
}

/** A member's consent to an officer registering their face: who recorded it, when, and the words. */
export interface FaceConsentsTable {
  id: string;
  organizationId: string;
  employeeId: string;
  recordedBy: string | null;
  consentText: string;
  createdAt: number;
}

/** Where a check-in from the app was made (kept when the site's geofence let it in). */
export interface MobileCheckinLocationsTable {
  eventId: string;
  organizationId: string;
  siteId: string | null;
  latitude: number;
  longitude: number;
  accuracyM: number | null;
  distanceM: number | null;
  createdAt: number;
}

export interface MobileTables {
  mobileDevices: MobileDevicesTable;
  mobileSyncRecords: MobileSyncRecordsTable;
  attendanceSyncLogs: AttendanceSyncLogsTable;
  mobileOrgSettings: MobileOrgSettingsTable;
  siteGeofences: SiteGeofencesTable;
  officerSites: OfficerSitesTable;
  faceConsents: FaceConsentsTable;
  mobileCheckinLocations: MobileCheckinLocationsTable;
  customRoles: CustomRolesTable;
  mobileVerifyFailures: MobileVerifyFailuresTable;
}

/** Custom roles per organization (migration 0085): a named set of permissions (JSON array). */
export interface CustomRolesTable {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  permissions: string;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A failed phone verification (liveness or face), kept briefly to flag the next success as a retry. */
export interface MobileVerifyFailuresTable {
  id: string;
  organizationId: string;
  employeeId: string;
  reason: string;
  createdAt: number;
}
