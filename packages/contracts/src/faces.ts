import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';

/**
 * An id taken from a URL path: the opaque id alphabet only, so a NUL byte or a path fragment is a 400
 * before it reaches PostgreSQL (which refuses NUL in text with an error) or the filesystem.
 */
export const PathId = Id.regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, dash and underscore only');

/** Where an enrolment sample came from. */
export const FaceSampleSource = z.enum(['upload', 'camera', 'unknown_group', 'mobile', 'video']);
export type FaceSampleSource = z.infer<typeof FaceSampleSource>;
/**
 * Where enrolment photos come from, sent as the optional multipart field `source` of
 * POST /api/employees/:id/faces (default 'upload'). 'unknown_group' is set only by the assign flow.
 */
export const EnrolSource = z
  .enum(['upload', 'camera', 'mobile'])
  .describe('upload: chosen files; camera: captured in the browser; mobile: the mobile app');
export type EnrolSource = z.infer<typeof EnrolSource>;

/** Why a snapshot was taken; decides who may see it and how long it lives (all: snapshotRetentionDays). */
export const SnapshotKind = z.enum(['presence', 'unknown', 'alert', 'camera', 'attendance']);
export type SnapshotKind = z.infer<typeof SnapshotKind>;

export const FacePackLicense = z.object({
  name: z.string(),
  commercialUse: z.boolean().describe('Whether the weights may be used commercially without another licence'),
  note: z.string(),
});

export const FacePackSummary = z.object({
  name: z.string(),
  available: z.boolean().describe('All files present and verified'),
  reason: z.string().describe('Why it is (not) available'),
  preference: z.number().describe('Higher is preferred when several packs are available'),
});

/** The face engine this server runs: which model pack, why, and whether recognition works at all. */
export const FaceEngineInfo = z.object({
  enabled: z.boolean().describe('False when no pack could be selected or loaded: recognition is off'),
  state: z.enum(['selecting', 'selected', 'loading', 'ready', 'disabled']),
  pack: z.string().nullable(),
  detector: z.string().nullable(),
  recognizer: z.string().nullable(),
  embeddingSize: z.number().int().nullable(),
  defaultThreshold: z.number().nullable().describe('The pack default cosine similarity threshold'),
  license: FacePackLicense.nullable(),
  reason: z.string().describe('Why this pack (or why recognition is disabled)'),
  packs: z.array(FacePackSummary),
});
export type FaceEngineInfo = z.infer<typeof FaceEngineInfo>;

/**
 * approved: matched by the cameras. pending: a self-enrolment (someone who may enrol only their own
 * record) waiting for a reviewer; not matched until approved.
 */
export const FaceSampleStatus = z.enum(['approved', 'pending']);
export type FaceSampleStatus = z.infer<typeof FaceSampleStatus>;

/**
 * The other employee a face already matches above the recognition threshold. `employee` is null when the
 * caller may not see employees (a member enrolling themselves): they learn only that it matched.
 */
export const FaceDuplicate = z.object({
  employee: z.object({ id: Id, employeeCode: z.string(), name: z.string() }).nullable(),
  cosineSimilarity: z.number(),
});
export type FaceDuplicate = z.infer<typeof FaceDuplicate>;

/**
 * Details of a 409 `face_matches_other_employee` answer to an enrolment: per photo that matched another
 * employee. Nothing was stored; send the photos again with the field `allowDuplicate=true` to confirm.
 */
export const FaceDuplicateConflict = z.object({
  threshold: z.number(),
  matches: z.array(FaceDuplicate.extend({ index: z.number().int() })),
});
export type FaceDuplicateConflict = z.infer<typeof FaceDuplicateConflict>;

/** What a face quality is made of, each 0–100 (100 is ideal); the score is their geometric mean. */
export const FaceQualityDetail = z.object({
  score: z.number().int().min(0).max(100).describe('Overall, 0–100'),
  size: z.number().int().min(0).max(100).describe('100 from 96 px up'),
  blur: z.number().int().min(0).max(100).describe('Sharpness at the face’s own resolution'),
  pose: z.number().int().min(0).max(100).describe('100 when facing the camera'),
  brightness: z.number().int().min(0).max(100).describe('100 when neither dark nor washed out'),
  sizePx: z.number().int().describe('Shorter side of the face box, in photo pixels'),
  yawDeg: z.number().int().nullable().describe('Head turn, degrees (0 is frontal)'),
});
export type FaceQualityDetail = z.infer<typeof FaceQualityDetail>;

export const FaceQualityFactor = z.enum(['size', 'blur', 'pose', 'brightness']);
export type FaceQualityFactor = z.infer<typeof FaceQualityFactor>;

export const FaceBoxSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().positive(),
  height: z.number().positive(),
});
export type FaceBoxSchema = z.infer<typeof FaceBoxSchema>;

/** A face of a photo with several faces: choose one and send its box back as the field faceBox. */
export const EnrolFaceChoice = z.object({
  box: FaceBoxSchema.describe('In photo pixels'),
  quality: FaceQualityDetail,
  rejectedFor: FaceQualityFactor.nullable().describe('Why this face could not be enrolled, if so'),
});
export type EnrolFaceChoice = z.infer<typeof EnrolFaceChoice>;

/** One enrolled embedding of a person, as the UI sees it (never the embedding itself). */
export const FaceSample = z.object({
  id: Id,
  createdAt: IsoDateTime,
  quality: z.number().describe('Face quality 0..1 at enrolment'),
  qualityDetail: FaceQualityDetail.nullable().describe('Its factors (null for samples enrolled before 0072)'),
  source: FaceSampleSource,
  pack: z.string().describe('Model pack the embedding belongs to'),
  activePack: z.boolean().describe('Whether it is usable by the running pack'),
  hasCrop: z.boolean().describe('An aligned 112×112 crop is kept (thumbnail, re-embedding)'),
  status: FaceSampleStatus,
  duplicateOf: FaceDuplicate.nullable().describe(
    'Another employee this face already matched when it was enrolled (the enroller confirmed it)',
  ),
});
export type FaceSample = z.infer<typeof FaceSample>;

export const FaceSampleList = z.object({
  employeeId: Id,
  activePack: z.string().nullable(),
  items: z.array(FaceSample),
});
export type FaceSampleList = z.infer<typeof FaceSampleList>;

export const EnrolRejectCode = z.enum(['no_face', 'several_faces', 'face_too_small', 'poor_quality']);
export type EnrolRejectCode = z.infer<typeof EnrolRejectCode>;

export const EnrolPhotoResult = z.object({
  index: z.number().int().describe('0-based position of the photo in the upload'),
  fileName: z.string().nullable(),
  accepted: z.boolean(),
  sampleId: Id.nullable(),
  code: EnrolRejectCode.nullable().describe('Why the photo was rejected'),
  message: z.string().describe('A sentence for the person enrolling'),
  quality: z.number().nullable(),
  qualityDetail: FaceQualityDetail.nullable(),
  factor: FaceQualityFactor.nullable().describe('poor_quality / face_too_small: the factor below its floor'),
  faces: z
    .array(EnrolFaceChoice)
    .nullable()
    .describe('several_faces: the faces found, left to right; send one box back as faceBox to enrol it'),
  imageSize: z.object({ width: z.number().int(), height: z.number().int() }).nullable(),
  status: FaceSampleStatus.nullable().describe('pending: waits for a reviewer before it is matched'),
});
export type EnrolPhotoResult = z.infer<typeof EnrolPhotoResult>;

export const EnrolResponse = z.object({
  employeeId: Id,
  pack: z.string(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  results: z.array(EnrolPhotoResult),
  faceSamples: z.number().int().describe('Samples of this person for the active pack, after this upload'),
  pending: z.number().int().describe('Samples of this upload that wait for a reviewer'),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

export const BiometricEraseResult = z.object({
  employeeId: Id,
  samplesDeleted: z.number().int(),
  unknownFacesDeleted: z.number().int(),
  snapshotsDeleted: z.number().int(),
});
export type BiometricEraseResult = z.infer<typeof BiometricEraseResult>;

export const ReembedResponse = z.object({
  pack: z.string(),
  jobId: Id.nullable().describe('The background job re-embedding stored crops; null when none needed it'),
  samplesToReembed: z.number().int(),
  employeesToReembed: z.number().int(),
  employeesNeedingReenrolment: z
    .number()
    .int()
    .describe('People with samples only of other packs and no kept crops: enrol them again'),
});
export type ReembedResponse = z.infer<typeof ReembedResponse>;

export const EmployeeFaceStatus = z.object({
  employeeId: Id,
  employeeCode: z.string(),
  name: z.string(),
  samplesActivePack: z.number().int(),
  samplesOtherPacks: z.number().int(),
  reembeddableSamples: z.number().int().describe('Other-pack samples with a kept crop'),
  needsReenrolment: z.boolean().describe('Enrolled before, but nothing usable by the active pack'),
});
export type EmployeeFaceStatus = z.infer<typeof EmployeeFaceStatus>;

export const FaceStatusResponse = z.object({
  pack: z.string().nullable(),
  enrolled: z.number().int().describe('Employees with at least one sample for the active pack'),
  notEnrolled: z.number().int(),
  needsReenrolment: z.number().int(),
  items: z.array(EmployeeFaceStatus),
});
export type FaceStatusResponse = z.infer<typeof FaceStatusResponse>;

export const UnknownFaceGroup = z.object({
  clusterId: Id,
  count: z.number().int(),
  firstSeenAt: IsoDateTime,
  lastSeenAt: IsoDateTime,
  cameraIds: z.array(z.string()),
  snapshotIds: z.array(Id).describe('A few recent snapshots (GET /api/snapshots/:id/face.jpg)'),
  bestQuality: z.number(),
});
export type UnknownFaceGroup = z.infer<typeof UnknownFaceGroup>;

export const UnknownFaceGroupList = z.object({ items: z.array(UnknownFaceGroup) });

export const AssignUnknownGroupRequest = z.object({ employeeId: PathId });
export const AssignUnknownGroupResponse = z.object({
  clusterId: Id,
  employeeId: Id,
  samplesAdded: z.number().int(),
  faceSamples: z.number().int(),
});
export const DismissUnknownGroupResponse = z.object({ clusterId: Id, dismissed: z.number().int() });

/** A self-enrolled face sample waiting for review, with whose it is and any look-alike warning. */
export const PendingFaceSample = z.object({
  id: Id,
  employee: z.object({ id: Id, employeeCode: z.string(), name: z.string() }),
  createdAt: IsoDateTime,
  quality: z.number(),
  source: FaceSampleSource,
  hasCrop: z.boolean(),
  submittedBy: z.string().nullable().describe('Name of the user who submitted it'),
  duplicateOf: FaceDuplicate.nullable(),
});
export type PendingFaceSample = z.infer<typeof PendingFaceSample>;
export const PendingFaceSampleList = z.object({ items: z.array(PendingFaceSample) });
export type PendingFaceSampleList = z.infer<typeof PendingFaceSampleList>;

export const FaceReviewRequest = z.object({
  decision: z.enum(['approve', 'reject']).describe('approve: matched from now on; reject: deleted'),
});
export type FaceReviewRequest = z.infer<typeof FaceReviewRequest>;
export const FaceReviewResponse = z.object({
  sampleId: Id,
  decision: z.enum(['approve', 'reject']),
  faceSamples: z.number().int(),
});
export type FaceReviewResponse = z.infer<typeof FaceReviewResponse>;
