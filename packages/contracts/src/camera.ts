// Camera configuration (`camera_config/<camera-id>/config.json`) and camera health (API + WebSocket).
// Cameras inherit global defaults; a bad file stops startup with messages that name the camera and the
// field to fix (see formatConfigIssues).
import { z } from 'zod';
import { isTimeZone } from './common.js';

const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const HHMM_RE = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

export const CameraIdSchema = z
  .string()
  .regex(SLUG_RE, { message: 'must be a slug: lowercase letters, digits and "-", 1–64 characters' })
  .describe(
    'Stable camera id (slug), unique within the organization; also its folder name under camera_config/<organization id>/, e.g. "gudang-a".',
  );

/** What kind of input a camera source string names. Mirrors the capture layer's own classification. */
export type CameraSourceKind = 'rtsp' | 'http' | 'device' | 'file';

export function cameraSourceKind(source: string): CameraSourceKind | null {
  const s = source.trim();
  if (s.length === 0) return null;
  // Spaces, CR/LF and control characters smuggle protocol lines or ffmpeg options: never a source.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(s)) return null;
  if (/^rtsps?:\/\/[^/\s]+/i.test(s)) return 'rtsp';
  if (/^https?:\/\/[^/\s]+/i.test(s)) return 'http';
  if (/^\/dev\/video\d{1,3}$/.test(s)) return 'device';
  if (/^file:\/\/\/\S/i.test(s)) return 'file';
  // Any other scheme or protocol prefix (ftp://, udp://, async:, cache:, concat:, subfile:, data:, gopher:
  // ...) is refused; a plain path is a looping video file.
  if (/^[a-z][a-z0-9+.-]*:/i.test(s)) return null;
  return 'file';
}

export const CameraSourceSchema = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(2048)
  .refine((s) => cameraSourceKind(s) !== null, {
    message:
      'must be rtsp://…, http(s)://… (MJPEG), a device such as /dev/video0, or a video file in the media folder ' +
      '(no other protocols or prefixes, no spaces or control characters)',
  })
  .describe(
    'Where frames come from: rtsp://user:pass@host/path, http(s):// MJPEG, a local device such as /dev/video0, ' +
      'or a video file path played in a loop as a stand-in camera.',
  );

export const CameraAnalysisFpsSchema = z
  .number()
  .min(0.2)
  .max(30)
  .describe(
    'Frames per second decoded and analysed (0.2–30). Face detection costs ~0.3–0.7 s per frame per core.',
  );
export const CameraMinFacePxSchema = z
  .number()
  .int()
  .min(16)
  .max(1024)
  .describe('Smallest face (box width in pixels, after decoding) that is analysed (16–1024).');
export const CameraRecognitionThresholdSchema = z
  .number()
  .min(0)
  .max(1)
  .describe(
    'Cosine similarity at or above which a face is matched to a person (0–1); overrides the global value.',
  );
export const CameraAbsentAfterMinutesSchema = z
  .number()
  .int()
  .min(1)
  .max(1440)
  .describe('Minutes without a sighting after which a person counts as absent (1–1440).');
export const CameraRtspTransportSchema = z
  .enum(['tcp', 'udp'])
  .describe('RTSP transport; tcp survives packet loss and NAT better, udp has lower latency.');
export const CameraMaxWidthSchema = z
  .number()
  .int()
  .min(160)
  .max(3840)
  .describe('Frames wider than this are scaled down (keeping aspect) before analysis (160–3840 px).');

const unit = (what: string) => z.number().min(0).max(1).describe(`${what}, normalized to 0–1 of the frame`);

export const CameraRegionOfInterestSchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('rect'),
        x: unit('Left edge'),
        y: unit('Top edge'),
        width: z.number().gt(0).max(1).describe('Width, normalized to 0–1 of the frame'),
        height: z.number().gt(0).max(1).describe('Height, normalized to 0–1 of the frame'),
      })
      .refine((r) => r.x + r.width <= 1 + 1e-9 && r.y + r.height <= 1 + 1e-9, {
        message: 'rectangle must lie inside the frame (x + width ≤ 1 and y + height ≤ 1)',
      }),
    z.strictObject({
      kind: z.literal('polygon'),
      points: z
        .array(z.strictObject({ x: unit('Point x'), y: unit('Point y') }))
        .min(3)
        .max(64)
        .describe('Polygon corners in order (3–64 points)'),
    }),
  ])
  .describe('Only faces whose centre lies inside this region are analysed. Omit to use the whole frame.');

export const CameraTimeOfDaySchema = z
  .string()
  .regex(HHMM_RE, { message: 'must be a 24-hour time "HH:MM", e.g. "08:00"' })
  .describe('Local time of day, "HH:MM" (24-hour).');

export const CameraDayWindowSchema = z
  .strictObject({ start: CameraTimeOfDaySchema, end: CameraTimeOfDaySchema })
  .refine((w) => w.start !== w.end, {
    message: 'start and end must differ (end before start crosses midnight)',
  })
  .describe('Working window of one day; an end earlier than start means the shift crosses midnight.');

const day = (name: string) =>
  CameraDayWindowSchema.nullable().describe(`${name}: working window, or null for a day off`);

export const CameraWorkingHoursSchema = z
  .strictObject({
    timeZone: z
      .string()
      .refine(isTimeZone, { message: 'must be an IANA time zone such as "Asia/Jakarta"' })
      .describe('IANA time zone of the schedule, e.g. "Asia/Jakarta".'),
    days: z
      .strictObject({
        mon: day('Monday'),
        tue: day('Tuesday'),
        wed: day('Wednesday'),
        thu: day('Thursday'),
        fri: day('Friday'),
        sat: day('Saturday'),
        sun: day('Sunday'),
      })
      .describe('One entry per weekday.'),
  })
  .describe('Weekly schedule during which absence is watched on this camera.');

/** Fields every camera inherits unless its own file overrides them. */
export const GlobalCameraDefaultsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Whether cameras run unless their file says otherwise.'),
    analysisFps: CameraAnalysisFpsSchema.default(2),
    minFacePx: CameraMinFacePxSchema.default(40),
    recognitionThreshold: CameraRecognitionThresholdSchema.optional(),
    workingHours: CameraWorkingHoursSchema.optional(),
    absentAfterMinutes: CameraAbsentAfterMinutesSchema.default(5),
    rtspTransport: CameraRtspTransportSchema.default('tcp'),
    maxWidth: CameraMaxWidthSchema.default(1280),
  })
  .describe('Defaults inherited by every camera.');
export const globalCameraDefaults = GlobalCameraDefaultsSchema;
export type GlobalCameraDefaults = z.infer<typeof GlobalCameraDefaultsSchema>;
export type GlobalCameraDefaultsInput = z.input<typeof GlobalCameraDefaultsSchema>;

const cameraCommon = {
  name: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .describe('Human name shown on the dashboard, e.g. "Gudang A – pintu".'),
  area: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .optional()
    .describe('Area or site the camera watches (an area id or name), e.g. "gudang".'),
  source: CameraSourceSchema,
  detectSource: CameraSourceSchema.optional().describe(
    'Optional low-resolution stream of the same camera (most IP cameras offer a substream, e.g. 640×360) ' +
      'that detection and tracking run on instead of `source`: decoding it costs a fraction of the main ' +
      'stream. minFacePx and regionOfInterest then apply to this stream. Leave out to use `source`.',
  ),
  minEmbedFacePx: z
    .number()
    .int({ message: 'must be a whole number' })
    .min(16)
    .max(1024)
    .optional()
    .describe(
      'With detectSource: faces smaller than this on the detect stream (box side, px) are too small to ' +
        'recognize there, so they are found again on `source` and embedded from its pixels. `source` is then ' +
        'decoded only while such a face needs an embedding (stopped after 10 s without one). Set minFacePx ' +
        'below it so that small faces are kept, e.g. minFacePx 16, minEmbedFacePx 48 on a 640×360 substream. ' +
        'Leave out to embed every face from the detect stream.',
    ),
  regionOfInterest: CameraRegionOfInterestSchema.optional(),
  motionKeepAliveMs: z
    .number()
    .int({ message: 'must be a whole number' })
    .min(0)
    .max(60_000)
    .optional()
    .describe(
      'Motion gating: frames without motion are not analysed, except one every this many ms so that people ' +
        'sitting still stay "seen" (default 2000, below the 3 s track age). 0 analyses every frame.',
    ),
  organizationId: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'Organization that owns the camera (its id). May be left out when Hadir has exactly one organization.',
    ),
};

/** The file as written by people: anything with a global default may be left out. Unknown keys are errors. */
export const CameraConfigFileSchema = z
  .strictObject({
    id: CameraIdSchema.optional().describe(
      'Camera id; defaults to the folder name and must match it if given.',
    ),
    ...cameraCommon,
    enabled: z.boolean().optional().describe('Run this camera. Defaults to the global value (true).'),
    analysisFps: CameraAnalysisFpsSchema.optional(),
    minFacePx: CameraMinFacePxSchema.optional(),
    recognitionThreshold: CameraRecognitionThresholdSchema.optional(),
    workingHours: CameraWorkingHoursSchema.optional(),
    absentAfterMinutes: CameraAbsentAfterMinutesSchema.optional(),
    rtspTransport: CameraRtspTransportSchema.optional(),
    maxWidth: CameraMaxWidthSchema.optional(),
  })
  .describe('camera_config/<camera-id>/config.json');
export type CameraConfigFile = z.infer<typeof CameraConfigFileSchema>;

/** A camera after defaults are applied: what the pipeline runs with. */
export const CameraConfigSchema = z
  .strictObject({
    id: CameraIdSchema,
    ...cameraCommon,
    enabled: z.boolean().describe('Run this camera.'),
    analysisFps: CameraAnalysisFpsSchema,
    minFacePx: CameraMinFacePxSchema,
    recognitionThreshold: CameraRecognitionThresholdSchema.optional(),
    workingHours: CameraWorkingHoursSchema.optional(),
    absentAfterMinutes: CameraAbsentAfterMinutesSchema,
    rtspTransport: CameraRtspTransportSchema,
    maxWidth: CameraMaxWidthSchema,
  })
  .describe('A camera with global defaults applied.');
export type CameraConfig = z.infer<typeof CameraConfigSchema>;

/** Merge one camera file over the global defaults (the file wins field by field). */
export function resolveCameraConfig(
  defaults: GlobalCameraDefaultsInput,
  fileConfig: CameraConfigFile & { id: string },
): CameraConfig {
  const d = GlobalCameraDefaultsSchema.parse(defaults);
  const f = fileConfig;
  return {
    id: f.id,
    name: f.name,
    ...(f.organizationId !== undefined ? { organizationId: f.organizationId } : {}),
    ...(f.area !== undefined ? { area: f.area } : {}),
    source: f.source,
    ...(f.detectSource !== undefined ? { detectSource: f.detectSource } : {}),
    ...(f.minEmbedFacePx !== undefined ? { minEmbedFacePx: f.minEmbedFacePx } : {}),
    ...(f.motionKeepAliveMs !== undefined ? { motionKeepAliveMs: f.motionKeepAliveMs } : {}),
    ...(f.regionOfInterest !== undefined ? { regionOfInterest: f.regionOfInterest } : {}),
    enabled: f.enabled ?? d.enabled,
    analysisFps: f.analysisFps ?? d.analysisFps,
    minFacePx: f.minFacePx ?? d.minFacePx,
    ...optional('recognitionThreshold', f.recognitionThreshold ?? d.recognitionThreshold),
    ...optional('workingHours', f.workingHours ?? d.workingHours),
    absentAfterMinutes: f.absentAfterMinutes ?? d.absentAfterMinutes,
    rtspTransport: f.rtspTransport ?? d.rtspTransport,
    maxWidth: f.maxWidth ?? d.maxWidth,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

export type CameraConfigResult = { ok: true; config: CameraConfig } | { ok: false; issues: string[] };

/**
 * Validate one `camera_config/<folderId>/config.json` (already JSON-parsed) and merge it over the defaults.
 * Issues are readable lines that name the camera and the field, ready to print at startup.
 */
export function parseCameraConfigFile(
  folderId: string,
  json: unknown,
  defaults: GlobalCameraDefaultsInput = {},
): CameraConfigResult {
  const issues: string[] = [];
  if (!CameraIdSchema.safeParse(folderId).success) {
    issues.push(
      `camera "${folderId}": folder name must be a slug (lowercase letters, digits and "-"); rename the folder`,
    );
  }
  const parsed = CameraConfigFileSchema.safeParse(json);
  if (!parsed.success)
    return { ok: false, issues: [...issues, ...formatConfigIssues(folderId, parsed.error, json)] };
  if (parsed.data.id !== undefined && parsed.data.id !== folderId) {
    issues.push(
      `camera "${folderId}": id: must match the folder name "${folderId}" (got "${parsed.data.id}"); rename one of them`,
    );
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, config: resolveCameraConfig(defaults, { ...parsed.data, id: folderId }) };
}

const NUMBER_FORMAT = new Intl.NumberFormat('en', { maximumFractionDigits: 6, useGrouping: false });

function show(value: unknown): string {
  if (typeof value === 'number') return NUMBER_FORMAT.format(value);
  if (value === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(value) ?? typeof value;
  } catch {
    s = typeof value;
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(file)' : out;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const present = input !== undefined;
  const got = present ? ` (got ${show(input)})` : '';
  switch (issue.code) {
    case 'too_big': {
      const op = issue.inclusive === false ? '<' : '≤';
      const max = show(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters${got}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${max} items`;
      return `must be ${op} ${max}${got}`;
    }
    case 'too_small': {
      if (!present) return 'is required';
      const op = issue.inclusive === false ? '>' : '≥';
      const min = show(issue.minimum);
      if (issue.origin === 'string') return `must be at least ${min} characters${got}`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at least ${min} items`;
      return `must be ${op} ${min}${got}`;
    }
    case 'invalid_type':
      if (!present) return 'is required';
      if (issue.expected === 'int') return `must be a whole number${got}`;
      return `must be a ${issue.expected} (got ${typeName(input)} ${show(input)})`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => show(v)).join(', ')}${got}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling or remove ${issue.keys.length > 1 ? 'them' : 'it'})`;
    case 'invalid_union':
      if (issue.errors.length === 0) return `${issue.message}${got}`;
      return `does not match any allowed shape${got}`;
    case 'not_multiple_of':
      return `must be a multiple of ${show(issue.divisor)}${got}`;
    case 'invalid_format':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return `${issue.message}${got}`;
    default: {
      const exhaustive: never = issue;
      return (exhaustive as { message?: string }).message ?? 'is invalid';
    }
  }
}

/**
 * Turn a zod error into one line per problem: `camera "gudang-a": analysisFps: must be ≤ 30 (got 60)`.
 * Pass the parsed input so messages can quote the offending value.
 */
export function formatConfigIssues(cameraId: string, error: z.ZodError, input?: unknown): string[] {
  return error.issues.map((issue) => {
    const value = 'input' in issue && issue.input !== undefined ? issue.input : valueAt(input, issue.path);
    // A discriminated union with an unknown or missing discriminator: name the allowed kinds.
    if (issue.code === 'invalid_union' && 'options' in issue && issue.options && issue.options.length > 0) {
      const kind = valueAt(input, issue.path);
      const got = kind === undefined ? '' : ` (got ${show(kind)})`;
      const allowed = issue.options.map((o) => show(o)).join(', ');
      return `camera "${cameraId}": ${formatPath(issue.path)}: must be one of ${allowed}${got}`;
    }
    return `camera "${cameraId}": ${formatPath(issue.path)}: ${describeIssue(issue, value)}`;
  });
}

/** Result of "test this source before saving". */
export const CameraProbeResultSchema = z
  .discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      width: z.number().int().positive().describe('Decoded frame width in pixels'),
      height: z.number().int().positive().describe('Decoded frame height in pixels'),
      codec: z.string().describe('Video codec reported by ffmpeg, e.g. "h264"'),
      fps: z.number().positive().nullable().describe('Stream frame rate, if the source reports one'),
      elapsedMs: z.number().nonnegative().describe('How long the probe took'),
    }),
    z.object({
      ok: z.literal(false),
      error: z.string().describe('Readable reason, e.g. "Connection refused" or "404 Not Found"'),
      elapsedMs: z.number().nonnegative(),
    }),
  ])
  .describe('Outcome of probing a camera source.');
export type CameraProbeResult = z.infer<typeof CameraProbeResultSchema>;

export const CameraStateSchema = z
  .enum(['online', 'degraded', 'offline', 'disabled', 'starting'])
  .describe(
    'online: frames at about the target rate; degraded: frames arrive but slow, dropped or after a recent restart; ' +
      'offline: no frames (connecting, crashed or stalled); disabled: turned off in config; starting: first connection.',
  );
export type CameraState = z.infer<typeof CameraStateSchema>;

export const CameraStatusSchema = z
  .object({
    cameraId: CameraIdSchema,
    state: CameraStateSchema,
    targetFps: z.number().nonnegative().describe('Configured analysis rate'),
    measuredFps: z.number().nonnegative().describe('Frames per second actually decoded (moving average)'),
    framesAnalyzed: z.number().int().nonnegative().describe('Frames handed to analysis since start'),
    framesDropped: z
      .number()
      .int()
      .nonnegative()
      .describe('Frames thrown away because analysis was still busy (latest frame wins)'),
    lastFrameAt: z.iso
      .datetime()
      .nullable()
      .describe('When the last frame was decoded (ISO 8601), null if never'),
    lastError: z
      .string()
      .nullable()
      .describe('Readable last capture error, e.g. "Connection refused"; null if none since start'),
    restarts: z.number().int().nonnegative().describe('How many times capture was restarted by the watchdog'),
  })
  .describe('Health of one camera, for the dashboard (REST and WebSocket).');
export type CameraStatus = z.infer<typeof CameraStatusSchema>;
