import { z } from 'zod';
import {
  AttendanceRecordInput,
  AttendanceSubmitInput,
  AttendanceSubmitResult,
  DevicePinInput,
  DevicePinResult,
  DeviceRegisterInput,
  DeviceRegistered,
  DeviceUnlockInput,
  SessionInfo,
  envelope,
  FaceRegisterInput,
  FaceRegisterResult,
  FaceUpdateInput,
  FaceVerifyInput,
  FaceVerifyResult,
  MemberIdParams,
  MembersImportInput,
  MembersImportResult,
  MobileDevice,
  MobileMe,
  MyAttendanceQuery,
  OrgAttendanceDay,
  OrgAttendanceQuery,
  OrgIdParams,
  OrgMember,
  OrgMembersQuery,
  PathId,
  RecognizeInput,
  RecognizeResult,
  SyncInput,
  SyncLog,
  SyncLogQuery,
  SyncResult,
} from '@hadir/contracts';
import type { HttpApp } from '../../platform/http/app.js';
import { AppError, forbidden } from '../../platform/http/errors.js';
import { authOf, orgOf, type AuthService, type SessionStarter } from '../auth/index.js';
import type { DeviceUnlockService } from './device-unlock.service.js';
import type { DevicesService } from './devices.service.js';
import type { FaceVerifyService } from './face-verify.service.js';
import type { MobileAttendanceService } from './mobile-attendance.service.js';
import type { MobileFacesService } from './mobile-faces.service.js';
import type { MobileSitesService } from './mobile-sites.service.js';
import type { OrgMembersQueries } from './org-members.queries.js';
import type { PhoneFaceInference } from './phone-inference.js';

const tags = ['mobile'];
const ok = <T>(data: T) => ({ success: true as const, data });
/** Several face photos in base64 (a phone photo is 1–4 MB as base64). */
const FACE_BODY_LIMIT = 48 * 1024 * 1024;
/** A sync batch of up to 500 queued records, each with a compressed capture. */
const SYNC_BODY_LIMIT = 128 * 1024 * 1024;

export interface MobileServices {
  devices: DevicesService;
  /** The worker threads that analyse phone captures (closed when the server stops). */
  inference: PhoneFaceInference;
  verify: FaceVerifyService;
  attendance: MobileAttendanceService;
  faces: MobileFacesService;
  org: OrgMembersQueries;
  sites: MobileSitesService;
  unlock: DeviceUnlockService;
}

/** What the unlock route needs from the auth slice to open a session. */
export interface SessionDeps {
  auth: AuthService;
  startSession: SessionStarter;
}

/** Unlock attempts per address and minute, before the per-device throttle (as sign-in). */
const UNLOCK_RATE_LIMIT = { max: 100, timeWindow: 60_000 };

/** The seed 004 API of the mobile app, in its `{ success, data }` envelope. */
export function registerMobileRoutes(app: HttpApp, s: MobileServices, session: SessionDeps): void {
  // ------------------------------------------------------------------------------------ face
  app.post(
    '/api/members/:memberId/face/register',
    {
      config: { auth: 'face:own:register', limit: 'upload' },
      bodyLimit: FACE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Register a member’s face (yourself, or an officer with the member’s consent)',
        params: MemberIdParams,
        body: FaceRegisterInput,
        response: { 200: envelope(FaceRegisterResult) },
      },
    },
    async (req) => ok(await s.faces.register(authOf(req), orgOf(req), req.params.memberId, req.body)),
  );
  app.put(
    '/api/members/:memberId/face/update',
    {
      config: { auth: 'face:own:register', limit: 'upload' },
      bodyLimit: FACE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Register the face again with a reason (audited); older samples are replaced',
        params: MemberIdParams,
        body: FaceUpdateInput,
        response: { 200: envelope(FaceRegisterResult) },
      },
    },
    async (req) => ok(await s.faces.update(authOf(req), orgOf(req), req.params.memberId, req.body)),
  );
  app.post(
    '/api/face/verify',
    {
      config: { auth: 'face:own:register', limit: 'upload' },
      bodyLimit: FACE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Verify a face 1:1 against the member’s own template (computed on the server)',
        body: FaceVerifyInput,
        response: { 200: envelope(FaceVerifyResult) },
      },
    },
    async (req) => {
      const auth = authOf(req);
      const orgId = orgOf(req);
      const memberId = req.body.member_id ?? auth.employeeId;
      if (!memberId)
        throw new AppError(403, 'no_linked_member', 'Your account is not linked to a member record');
      if (memberId !== auth.employeeId && !auth.permissions.has('member:face:register'))
        throw forbidden('You can only verify your own face');
      let v;
      if (req.body.face_image) {
        v = await s.verify.verifyImage(orgId, memberId, req.body.face_image, req.body.liveness_frames);
      } else {
        v = await s.verify.verifyTrustedEncoding(
          auth,
          orgId,
          memberId,
          req.body.face_encoding!,
          req.body.model,
        );
      }
      return ok({
        member_id: memberId,
        verified: v.verified,
        score: v.score,
        threshold: v.threshold,
        reason: v.reason,
        liveness: v.liveness,
      });
    },
  );
  app.post(
    '/api/face/recognize',
    {
      config: { auth: 'attendance:record:create', limit: 'upload' },
      bodyLimit: FACE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Officer capture: recognize a face among the organization’s members (1:N)',
        body: RecognizeInput,
        response: { 200: envelope(RecognizeResult) },
      },
    },
    async (req) => {
      const scope = await s.sites.recognitionScope(authOf(req), orgOf(req), req.body.site_id);
      return ok(await s.verify.recognize(orgOf(req), req.body.face_image, scope));
    },
  );

  // ------------------------------------------------------------------------------ attendance
  app.post(
    '/api/attendance/submit',
    {
      config: { auth: 'attendance:submit:own', limit: 'upload' },
      bodyLimit: FACE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'A member checks in or out: the face is verified on the server, then recorded',
        body: AttendanceSubmitInput,
        response: { 200: envelope(AttendanceSubmitResult) },
      },
    },
    async (req) => ok(await s.attendance.submit(authOf(req), orgOf(req), req.body)),
  );
  app.post(
    '/api/attendance/record',
    {
      config: { auth: 'attendance:record:create', limit: 'upload' },
      bodyLimit: FACE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'An officer records a member’s attendance (recorded_by is the officer)',
        body: AttendanceRecordInput,
        response: { 200: envelope(AttendanceSubmitResult) },
      },
    },
    async (req) => ok(await s.attendance.record(authOf(req), orgOf(req), req.body)),
  );
  app.post(
    '/api/attendance/sync',
    {
      config: { auth: 'attendance:submit:own', sessionOnly: true, limit: 'upload' },
      bodyLimit: SYNC_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Sync a device’s offline queue: signed, idempotent, per-record results',
        body: SyncInput,
        response: { 200: envelope(SyncResult) },
      },
    },
    async (req) => ok(await s.attendance.sync(authOf(req), orgOf(req), req.body)),
  );

  // --------------------------------------------------------------------------------- devices
  app.post(
    '/api/mobile/devices',
    {
      config: { auth: 'attendance:submit:own', sessionOnly: true },
      schema: {
        tags,
        summary: 'Register this phone; the device key it returns signs its sync batches',
        body: DeviceRegisterInput,
        response: { 201: envelope(DeviceRegistered) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(ok(await s.devices.register(authOf(req), orgOf(req), req.body))),
  );
  app.get(
    '/api/mobile/devices',
    {
      config: { auth: 'device:manage' },
      schema: {
        tags,
        summary: 'Mobile devices of the organization',
        response: { 200: envelope(z.array(MobileDevice)) },
      },
    },
    async (req) => ok(await s.devices.list(orgOf(req))),
  );
  app.post(
    '/api/mobile/devices/:id/revoke',
    {
      config: { auth: 'device:manage' },
      schema: {
        tags,
        summary: 'Revoke a lost device: its syncs are refused from now on',
        params: z.object({ id: PathId }),
        response: { 200: envelope(MobileDevice) },
      },
    },
    async (req) => ok(await s.devices.revoke(authOf(req), orgOf(req), req.params.id)),
  );
  app.get(
    '/api/mobile/sync-logs',
    {
      config: { auth: 'device:manage', limit: 'query' },
      schema: {
        tags,
        summary: 'Sync logs per device (records synced, failed, clock skew)',
        querystring: SyncLogQuery,
        response: { 200: envelope(z.array(SyncLog)) },
      },
    },
    async (req) => ok(await s.devices.logs(orgOf(req), req.query.deviceId)),
  );

  app.put(
    '/api/mobile/devices/:id/pin',
    {
      config: { auth: 'attendance:submit:own', sessionOnly: true },
      schema: {
        tags,
        summary: 'Set the PIN that unlocks this device (your own, active device; stored hashed)',
        params: z.object({ id: PathId }),
        body: DevicePinInput,
        response: { 200: envelope(DevicePinResult) },
      },
    },
    async (req) => ok(await s.unlock.setPin(authOf(req), orgOf(req), req.params.id, req.body.pin)),
  );
  app.post(
    '/api/mobile/unlock',
    {
      config: { auth: 'public', skipCsrf: true, rateLimit: UNLOCK_RATE_LIMIT },
      bodyLimit: FACE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Sign in again on a registered device with its PIN or the face (1:1 with liveness)',
        body: DeviceUnlockInput,
        response: { 200: SessionInfo },
      },
    },
    async (req, reply) => {
      const who = await s.unlock.unlock(req.body, req.ip);
      const created = await session.auth.sessionForDevice(who.userId, who.orgId, {
        ip: req.ip,
        userAgent: req.headers['user-agent'] ?? null,
      });
      return session.startSession(req, reply, created.token, created.expiresAtMs);
    },
  );

  app.get(
    '/api/mobile/me',
    {
      config: { auth: 'org', sessionOnly: true },
      schema: {
        tags,
        summary: 'The app’s user: linked member, face registered, officer',
        response: { 200: envelope(MobileMe) },
      },
    },
    async (req) => {
      const me = await s.org.me(authOf(req), orgOf(req));
      const location_required = me.member_id
        ? await s.sites.locationRequired(orgOf(req), me.member_id)
        : false;
      return ok({ ...me, location_required });
    },
  );
  app.get(
    '/api/mobile/my-attendance',
    {
      config: { auth: 'attendance:record:view:own' },
      schema: {
        tags,
        summary: 'My attendance days (the app’s history): date, status, check-in/out, hours',
        querystring: MyAttendanceQuery,
        response: { 200: envelope(z.array(OrgAttendanceDay)) },
      },
    },
    async (req) => {
      const auth = authOf(req);
      if (!auth.employeeId)
        throw new AppError(403, 'no_linked_member', 'Your account is not linked to a member record');
      return ok(await s.org.attendance(orgOf(req), { ...req.query, member_id: auth.employeeId }));
    },
  );

  // ---------------------------------------------------------------------- organization views
  app.get(
    '/api/organizations/:id/attendance',
    {
      config: { auth: 'attendance:record:view', limit: 'query' },
      schema: {
        tags,
        summary: 'Attendance days of the organization (start_date, end_date, member_id, status)',
        params: OrgIdParams,
        querystring: OrgAttendanceQuery,
        response: { 200: envelope(z.array(OrgAttendanceDay)) },
      },
    },
    async (req) => {
      s.org.requireOwn(orgOf(req), req.params.id);
      return ok(await s.org.attendance(orgOf(req), req.query));
    },
  );
  app.get(
    '/api/organizations/:id/members',
    {
      config: { auth: 'member:view', limit: 'query' },
      schema: {
        tags,
        summary: 'Members of the organization, with whether a face is registered',
        params: OrgIdParams,
        querystring: OrgMembersQuery,
        response: { 200: envelope(z.array(OrgMember)) },
      },
    },
    async (req) => {
      s.org.requireOwn(orgOf(req), req.params.id);
      return ok(await s.org.members(orgOf(req), req.query));
    },
  );
  app.post(
    '/api/organizations/:id/members/import',
    {
      config: { auth: 'member:manage' },
      schema: {
        tags,
        summary: 'Add members by code and name; existing codes are skipped with a reason',
        params: OrgIdParams,
        body: MembersImportInput,
        response: { 200: envelope(MembersImportResult) },
      },
    },
    async (req) => {
      s.org.requireOwn(orgOf(req), req.params.id);
      return ok(await s.org.import(authOf(req), orgOf(req), req.body));
    },
  );
}
