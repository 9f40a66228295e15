import { z } from 'zod';
import { Id, IsoDateTime, LocalDate } from './common.js';
import { EmployeeCode } from './employees.js';
import { PathId } from './faces.js';

/**
 * The mobile attendance app's API (issue 11, seed 004). Responses use the seed's `{ success, data }`
 * envelope and its snake_case field names; errors keep the server's `{ error: { code, message } }`.
 */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data });
}

/** A face photo as the app sends it: base64 of a JPEG or PNG (a data: URL prefix is accepted). */
export const FaceImage = z
  .string()
  .min(100)
  .max(8_000_000)
  .describe('base64 JPEG or PNG (optionally a data: URL), at most ~6 MB decoded');

/** Several frames of an active liveness challenge (the person turns the head while they are taken). */
export const LivenessFrames = z
  .array(FaceImage)
  .min(3)
  .max(8)
  .describe('3–8 frames taken while the person turns the head (active liveness challenge)');

export const AttendanceType = z.enum(['check_in', 'check_out']);
export type AttendanceType = z.infer<typeof AttendanceType>;

export const MemberIdParams = z.object({ memberId: PathId });
export const OrgIdParams = z.object({ id: PathId });

// ------------------------------------------------------------------------------------- face
export const FaceRegisterInput = z.object({
  face_images: z.array(FaceImage).min(1).max(10).describe('One or more angles of the face'),
  consent: z
    .boolean()
    .optional()
    .describe('Required (true) when an officer registers someone else: the member agreed'),
  consent_text: z
    .string()
    .trim()
    .min(3)
    .max(1000)
    .optional()
    .describe('The words the member agreed to (recorded with who and when)'),
});
export type FaceRegisterInput = z.infer<typeof FaceRegisterInput>;

export const FaceUpdateInput = FaceRegisterInput.extend({
  reason: z.string().trim().min(3).max(500).describe('Why the face is registered again (audited)'),
});
export type FaceUpdateInput = z.infer<typeof FaceUpdateInput>;

export const FacePhotoResult = z.object({
  index: z.number().int(),
  accepted: z.boolean(),
  code: z.string().nullable().describe('no_face | several_faces | poor_quality | face_too_small'),
  message: z.string(),
  quality: z.number().nullable(),
});
export const FaceRegisterResult = z.object({
  member_id: Id,
  accepted: z.number().int(),
  rejected: z.number().int(),
  results: z.array(FacePhotoResult),
  face_samples: z.number().int(),
  pending: z
    .number()
    .int()
    .describe(
      'Accepted samples waiting for a manager’s approval (a self-registration); not matched until approved',
    ),
  replaced: z.number().int().describe('Samples removed by an update (0 on register)'),
});
export type FaceRegisterResult = z.infer<typeof FaceRegisterResult>;

export const FaceVerifyInput = z
  .object({
    member_id: Id.optional().describe('Whose template to compare with; yourself when left out'),
    face_image: FaceImage.optional(),
    liveness_frames: LivenessFrames.optional(),
    face_encoding: z
      .array(z.number())
      .min(64)
      .max(4096)
      .optional()
      .describe('Trusted integration tokens only: an embedding of the active pack (model must match)'),
    model: z.string().max(64).optional().describe('The pack that computed face_encoding'),
  })
  .refine((v) => v.face_image !== undefined || v.face_encoding !== undefined, {
    message: 'send face_image (preferred) or face_encoding',
  });
export type FaceVerifyInput = z.infer<typeof FaceVerifyInput>;

export const LivenessResult = z.object({
  passed: z.boolean(),
  challenge: z.literal('turn'),
  yaw_range_deg: z.number(),
  frames_with_face: z.number().int(),
  reason: z.string().nullable(),
});
export type LivenessResult = z.infer<typeof LivenessResult>;

export const FaceVerifyResult = z.object({
  member_id: Id,
  verified: z.boolean(),
  score: z.number().nullable().describe('Cosine similarity to the member’s best sample'),
  threshold: z.number(),
  reason: z.string().nullable(),
  liveness: LivenessResult.nullable(),
});
export type FaceVerifyResult = z.infer<typeof FaceVerifyResult>;

// ------------------------------------------------------------------------------- attendance
export const Location = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  accuracy_m: z.number().min(0).max(100_000).optional(),
});

export const AttendanceSubmitInput = z.object({
  organization_id: Id.optional().describe('If sent, must be the caller’s active organization'),
  type: AttendanceType,
  face_image: FaceImage,
  liveness_frames: LivenessFrames.optional(),
  location: Location.optional(),
  device_id: Id.optional(),
});
export type AttendanceSubmitInput = z.infer<typeof AttendanceSubmitInput>;

export const AttendanceRecordInput = z.object({
  member_id: Id,
  type: AttendanceType,
  face_image: FaceImage.optional().describe('Captured by the officer; without it the record is manual'),
  site_id: Id.optional(),
  device_id: Id.optional(),
  note: z.string().trim().max(200).optional(),
});
export type AttendanceRecordInput = z.infer<typeof AttendanceRecordInput>;

export const AttendanceOutcome = z.enum(['recorded', 'retry', 'refused']);
export const AttendanceSubmitResult = z.object({
  status: AttendanceOutcome,
  reason: z.string().nullable(),
  attendance_id: Id.nullable(),
  member_id: Id,
  type: AttendanceType,
  recorded_at: IsoDateTime.nullable(),
  score: z.number().nullable(),
  recorded_by: Id.nullable(),
});
export type AttendanceSubmitResult = z.infer<typeof AttendanceSubmitResult>;

// ------------------------------------------------------------------------------------- sync
export const SyncRecord = z.object({
  client_id: z
    .string()
    .min(8)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .describe('Generated on the device'),
  member_id: Id.optional().describe(
    'Whose record it is; an officer record may leave it out: the server recognizes the face (1:N) at sync',
  ),
  type: AttendanceType,
  occurred_at: IsoDateTime.describe('Device time of the capture'),
  face_image: FaceImage.optional(),
  mode: z.enum(['self', 'officer']).default('self'),
  location: Location.optional().describe('Where the member checked in (their site’s geofence)'),
  site_id: Id.optional().describe('Officer records: the site of the capture session (1:N among its members)'),
});
export type SyncRecord = z.infer<typeof SyncRecord>;

export const SyncInput = z.object({
  device_id: Id,
  sent_at: IsoDateTime.describe('Device clock when the batch was sent (clock skew)'),
  records: z.array(SyncRecord).min(1).max(500),
  signature: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('hex HMAC-SHA256 of the canonical batch with the device key'),
});
export type SyncInput = z.infer<typeof SyncInput>;

export const SyncRecordResult = z.object({
  client_id: z.string(),
  member_id: Id.nullable().describe('Whose record it was (recognized at sync for an officer capture)'),
  status: z.enum(['recorded', 'rejected']),
  duplicate: z.boolean(),
  reason: z.string().nullable(),
  score: z.number().nullable(),
  attendance_id: Id.nullable(),
});
export const SyncResult = z.object({
  device_id: Id,
  server_time: IsoDateTime,
  clock_skew_ms: z.number().int(),
  clock_skew_flagged: z.boolean(),
  synced: z.number().int(),
  failed: z.number().int(),
  duplicates: z.number().int(),
  results: z.array(SyncRecordResult),
});
export type SyncResult = z.infer<typeof SyncResult>;

// ---------------------------------------------------------------------------------- devices
export const DeviceRegisterInput = z.object({
  name: z.string().trim().min(1).max(80),
  pin: z
    .string()
    .regex(/^\d{4,8}$/, '4–8 digits')
    .optional(),
});
export const DeviceRegistered = z.object({
  device_id: Id,
  name: z.string(),
  device_key: z.string().describe('Shown once: the key that signs this device’s sync batches'),
  created_at: IsoDateTime,
});
export const MobileDevice = z.object({
  id: Id,
  name: z.string(),
  user_id: Id,
  user_name: z.string(),
  created_at: IsoDateTime,
  last_sync_at: IsoDateTime.nullable(),
  revoked_at: IsoDateTime.nullable(),
});
export type MobileDevice = z.infer<typeof MobileDevice>;
export const SyncLog = z.object({
  id: Id,
  device_id: Id,
  device_name: z.string(),
  synced_at: IsoDateTime,
  status: z.enum(['ok', 'partial', 'failed']),
  records_synced: z.number().int(),
  records_failed: z.number().int(),
  records_duplicate: z.number().int(),
  clock_skew_ms: z.number().int(),
});
export type SyncLog = z.infer<typeof SyncLog>;
export const SyncLogQuery = z.object({ deviceId: PathId.optional() });

// ---------------------------------------------------------------------- organization views
export const OrgAttendanceQuery = z.object({
  start_date: LocalDate,
  end_date: LocalDate,
  member_id: Id.optional(),
  status: z.string().max(32).optional(),
});
export const OrgAttendanceDay = z.object({
  member_id: Id,
  member_name: z.string(),
  employee_code: z.string(),
  date: LocalDate,
  status: z.string(),
  check_in: IsoDateTime.nullable(),
  check_out: IsoDateTime.nullable(),
  worked_minutes: z.number().int(),
  late_minutes: z.number().int(),
});
export type OrgAttendanceDay = z.infer<typeof OrgAttendanceDay>;
export const OrgMembersQuery = z.object({
  search: z.string().trim().max(120).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export const OrgMember = z.object({
  id: Id,
  employee_code: z.string(),
  name: z.string(),
  status: z.string(),
  face_registered: z.boolean(),
});
export type OrgMember = z.infer<typeof OrgMember>;
export const MembersImportInput = z.object({
  members: z
    .array(
      z.object({
        employee_code: EmployeeCode,
        name: z.string().trim().min(1).max(120),
        email: z.string().trim().toLowerCase().email().max(254).optional(),
      }),
    )
    .min(1)
    .max(5000),
});
export const MembersImportResult = z.object({
  created: z.number().int(),
  skipped: z.number().int(),
  results: z.array(
    z.object({
      employee_code: z.string(),
      status: z.enum(['created', 'skipped']),
      member_id: Id.nullable(),
      reason: z.string().nullable(),
    }),
  ),
});

/**
 * The exact bytes a device signs (HMAC-SHA256 with its device key) and the server checks: the device,
 * its clock, and every field of every record in order, images included, so no part can be swapped.
 */
export function syncCanonical(batch: {
  device_id: string;
  sent_at: string;
  records: readonly {
    client_id: string;
    member_id?: string | undefined;
    type: string;
    occurred_at: string;
    mode?: string | undefined;
    face_image?: string | undefined;
    location?: { latitude: number; longitude: number; accuracy_m?: number | undefined } | undefined;
    site_id?: string | undefined;
  }[];
}): string {
  return JSON.stringify([
    'hadir-sync-v1',
    batch.device_id,
    batch.sent_at,
    batch.records.map((r) => [
      r.client_id,
      r.member_id ?? '',
      r.type,
      r.occurred_at,
      r.mode ?? 'self',
      r.face_image ?? '',
      // Only when sent, so a record without a location signs exactly as before.
      ...(r.location ? [[r.location.latitude, r.location.longitude, r.location.accuracy_m ?? null]] : []),
      // Likewise the officer's site, tagged so it can never read as a location.
      ...(r.site_id ? [{ site: r.site_id }] : []),
    ]),
  ]);
}

/** Officer capture: who is this face, within the organization (1:N)? */
export const RecognizeInput = z.object({
  face_image: FaceImage,
  site_id: Id.optional().describe(
    'Recognize among this site’s members first (only them when the organization or the site says so)',
  ),
});
export const RecognizeResult = z.object({
  member_id: Id.nullable(),
  name: z.string().nullable(),
  employee_code: z.string().nullable(),
  score: z.number().nullable(),
  reason: z
    .string()
    .nullable()
    .describe('no_face | below_threshold | ambiguous | empty | not_at_site when nobody is recognized'),
  matched_in: z
    .enum(['site', 'organization'])
    .nullable()
    .describe('Found among the site’s members, or (site first, then) the whole organization'),
});

/** Response bodies the website reads (so apps need not build envelopes themselves). */
export const MobileDevicesResponse = envelope(z.array(MobileDevice));
export const MobileDeviceResponse = envelope(MobileDevice);
export const SyncLogsResponse = envelope(z.array(SyncLog));
export const MyAttendanceQuery = z.object({ start_date: LocalDate, end_date: LocalDate });
export const MyAttendanceResponse = envelope(z.array(OrgAttendanceDay));

/** Who is using the app: the member record linked to the account, and whether their face is registered. */
export const MobileMe = z.object({
  user_id: Id,
  name: z.string(),
  role: z.string().nullable(),
  organization_id: Id,
  member_id: Id.nullable(),
  member_name: z.string().nullable(),
  face_registered: z.boolean(),
  officer: z.boolean(),
  location_required: z
    .boolean()
    .describe('The member’s site has a geofence: check-ins send the phone’s location'),
  time_zone: z.string().describe('The organization’s IANA time zone: the app shows times in it'),
});
export type MobileMe = z.infer<typeof MobileMe>;

// ------------------------------------------------------------------- unlock on a known device
/** A device PIN: 4–8 digits, hashed on the server per device. */
export const DevicePinInput = z.object({ pin: z.string().regex(/^\d{4,8}$/, '4–8 digits') });
export const DevicePinResult = z.object({ device_id: Id, pin_set: z.boolean() });

/**
 * Sign in again on a registered device without the password: the device proves it holds its key (an
 * HMAC of `unlockCanonical`), and the person gives the device's PIN or their face (1:1 with liveness).
 */
export const DeviceUnlockInput = z
  .object({
    device_id: Id,
    sent_at: IsoDateTime.describe('Device clock; the proof is accepted within 5 minutes of server time'),
    signature: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe('hex HMAC-SHA256 of unlockCanonical(...) with the device key'),
    pin: z
      .string()
      .regex(/^\d{4,8}$/)
      .optional(),
    face_image: FaceImage.optional(),
    liveness_frames: LivenessFrames.optional(),
  })
  .refine((v) => (v.pin !== undefined) !== (v.face_image !== undefined), {
    message: 'send either pin or face_image (with liveness_frames)',
  })
  .refine((v) => v.face_image === undefined || v.liveness_frames !== undefined, {
    message: 'a face unlock needs liveness_frames',
  });
export type DeviceUnlockInput = z.infer<typeof DeviceUnlockInput>;

/** The bytes a device signs to unlock: the device, its clock, and which factor it offers. */
export function unlockCanonical(u: { device_id: string; sent_at: string; method: 'pin' | 'face' }): string {
  return JSON.stringify(['hadir-unlock-v1', u.device_id, u.sent_at, u.method]);
}

// ------------------------------------------------------------------------ sites and geofence
export const MobileSettings = z.object({
  officers_restricted_to_sites: z
    .boolean()
    .describe('Officers may only record and recognize members of the sites they are assigned to'),
  geofence_checks: z
    .boolean()
    .describe('Members’ app check-ins are checked against their site’s geofence (on by default)'),
  recognition_site_only: z
    .boolean()
    .describe(
      'An officer’s capture at a site recognizes only its members; off: its members first, then the organization',
    ),
});
export type MobileSettings = z.infer<typeof MobileSettings>;
/** A change to some of the settings; the others keep their value. */
export const MobileSettingsUpdate = MobileSettings.partial();
export type MobileSettingsUpdate = z.infer<typeof MobileSettingsUpdate>;

export const GeofenceInput = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  radius_m: z
    .number()
    .min(10)
    .max(50_000)
    .describe('Check-ins further than this from the centre are refused'),
});
export type GeofenceInput = z.infer<typeof GeofenceInput>;
export const Geofence = GeofenceInput.extend({ site_id: Id });

export const MobileSite = z.object({
  id: Id,
  name: z.string(),
  geofence: GeofenceInput.nullable(),
  assigned: z.boolean().describe('The caller is an officer assigned to this site'),
});
export type MobileSite = z.infer<typeof MobileSite>;

export const OfficerSitesInput = z.object({ site_ids: z.array(Id).max(200) });
export const OfficerSites = z.object({ user_id: Id, site_ids: z.array(Id) });
export const UserIdParams = z.object({ userId: PathId });

/** The website's Sites page: a site with what the phone app needs of it. */
export const SiteSetup = z.object({
  id: Id,
  name: z.string(),
  address: z.string().nullable(),
  geofence: GeofenceInput.nullable(),
  recognition_site_only: z.boolean().describe('Captures here recognize only this site’s members'),
  member_count: z.number().int().describe('Employees whose area is at this site'),
  officer_ids: z.array(Id).describe('Officers assigned to this site'),
});
export type SiteSetup = z.infer<typeof SiteSetup>;
/** Someone who may record attendance for others (officer, or a custom role that may), and their sites. */
export const SiteOfficer = z.object({
  user_id: Id,
  name: z.string(),
  email: z.string(),
  site_ids: z.array(Id),
});
export type SiteOfficer = z.infer<typeof SiteOfficer>;
export const SiteSetupOverview = z.object({
  settings: MobileSettings,
  sites: z.array(SiteSetup),
  officers: z.array(SiteOfficer),
});
export type SiteSetupOverview = z.infer<typeof SiteSetupOverview>;
/** The phone-app side of one site, saved at once: geofence, recognition scope and its officers. */
export const SiteSetupInput = z.object({
  geofence: GeofenceInput.nullable(),
  recognition_site_only: z.boolean(),
  officer_ids: z.array(Id).max(500).describe('Replaces the officers assigned to this site'),
});
export type SiteSetupInput = z.infer<typeof SiteSetupInput>;
export const SiteMember = z.object({
  id: Id,
  employee_code: z.string(),
  name: z.string(),
  area_name: z.string().nullable(),
  face_registered: z.boolean(),
});
export type SiteMember = z.infer<typeof SiteMember>;
export const SiteMembersQuery = z.object({
  search: z.string().trim().max(120).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const SiteSetupOverviewResponse = envelope(SiteSetupOverview);
export const SiteSetupResponse = envelope(SiteSetup);
export const SiteMembersResponse = envelope(z.array(SiteMember));
export const MobileSettingsResponse = envelope(MobileSettings);
// ---------------------------------------------------------------------- website: phone-captured records
/** Why a phone-captured record waits for a manager: a score near the threshold, a liveness retry, skew. */
export const MobileRecordFlag = z.enum(['low_score', 'liveness_retry', 'clock_skew']);
export type MobileRecordFlag = z.infer<typeof MobileRecordFlag>;
export const MobileRecordReview = z.enum(['none', 'pending', 'approved', 'rejected']);
export type MobileRecordReview = z.infer<typeof MobileRecordReview>;

/** One attendance event captured on the phone (member self-service or officer), as the website shows it. */
export const MobileRecord = z.object({
  id: Id,
  employeeId: Id,
  employeeName: z.string(),
  employeeCode: z.string().nullable(),
  occurredAt: IsoDateTime,
  kind: z.string().describe('check_in | check_out'),
  source: z.enum(['mobile', 'officer']),
  score: z.number().nullable().describe('Cosine similarity of the captured face to the member’s template'),
  recordedByName: z.string().nullable().describe('The officer who recorded it; null for self-service'),
  deviceName: z.string().nullable(),
  snapshotId: Id.nullable().describe('The face taken at the time (an event snapshot, ≤ 30 days)'),
  flags: z.array(MobileRecordFlag),
  review: MobileRecordReview,
  reviewedByName: z.string().nullable(),
  reviewedAt: IsoDateTime.nullable(),
  reviewNote: z.string().nullable(),
});
export type MobileRecord = z.infer<typeof MobileRecord>;
export const MobileRecordQuery = z.object({
  from: LocalDate.describe('First local date (organization time zone)'),
  to: LocalDate.describe('Last local date, inclusive'),
  review: MobileRecordReview.optional(),
  source: z.enum(['mobile', 'officer']).optional(),
  employeeId: Id.optional(),
});
export const MobileRecordDecision = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().trim().max(300).optional(),
});
/** Pushed on the live WebSocket to callers with attendance:record:view as soon as a record is stored. */
export const MobileRecordMessage = z.object({ type: z.literal('attendance.mobile'), record: MobileRecord });
export const MobileRecordList = z.array(MobileRecord);
