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

export interface MobileTables {
  mobileDevices: MobileDevicesTable;
  mobileSyncRecords: MobileSyncRecordsTable;
  attendanceSyncLogs: AttendanceSyncLogsTable;
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
