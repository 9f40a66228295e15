import path from 'node:path';
import { z } from 'zod';
import { PRIVATE_NETWORKS, parseNetworkList, type OutboundPolicy } from '../net/outbound-policy.js';

export const PROCESS_ROLES = ['api', 'pipeline', 'worker', 'edge'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

const rolesSchema = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.enum(PROCESS_ROLES))
      .min(1, 'give at least one of api, pipeline, worker (or edge alone)')
      .refine((roles) => !roles.includes('edge') || roles.length === 1, {
        message: 'edge runs alone: an edge box has no hub database, so no api, pipeline or worker role',
      }),
  );

const networkList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseNetworkList(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Interface to listen on'),
  HADIR_DATA_DIR: z.string().min(1).default('./data').describe('SQLite file, snapshots, uploads'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((u) => u === undefined || u === '' || /^(postgres(ql)?:\/\/|sqlite:|file:)/.test(u), {
      message: 'must start with postgres://, postgresql://, sqlite: or file:',
    })
    .describe('Default: the SQLite file in the data dir; postgres://… selects PostgreSQL'),
  HADIR_MODELS_DIR: z.string().min(1).default('./models').describe('Face model packs'),
  HADIR_CAMERA_CONFIG_DIR: z
    .string()
    .min(1)
    .default('./camera_config')
    .describe('camera_config/<id>/config.json'),
  HADIR_MEDIA_DIR: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Video files camera file sources may play: <dir>/<organization id>/ (default <data dir>/media)',
    ),
  HADIR_CAMERA_ALLOWED_NETWORKS: networkList(PRIVATE_NETWORKS.join(',')).describe(
    'Private networks (CIDR list, or "none") cameras may be reached on; default the private ranges',
  ),
  HADIR_OUTBOUND_ALLOWED_NETWORKS: networkList('none').describe(
    'Private networks (CIDR list) notification channels may reach, e.g. a LAN WhatsApp gateway; default none',
  ),
  HADIR_OUTBOUND_ALLOW_LOOPBACK: z
    .enum(['true', 'false'])
    .default('false')
    .describe('Let cameras and channels reach 127.0.0.0/8 and ::1: development and tests only'),
  HADIR_ROLES: rolesSchema.default(['api', 'pipeline', 'worker']).describe('Process roles to run'),
  HADIR_WEB_DIR: z.string().optional().describe('Built web app to serve (default apps/web/dist)'),
  HADIR_MOBILE_DIR: z
    .string()
    .optional()
    .describe('Built mobile attendance app to serve under /m/ (default apps/mobile/dist)'),
  HADIR_SECRET_KEY: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe('Key for encrypting secrets at rest; generated into the data dir when absent'),
  HADIR_PUBLIC_URL: z.string().url().optional().describe('External URL, used for webhook and links'),
  HADIR_TRUSTED_PROXIES: z
    .string()
    .regex(/^[\w.:/, -]*$/, 'a comma-separated list of addresses or CIDR ranges')
    .optional()
    .describe(
      'Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8); default none: the client address is the TCP peer',
    ),
  HADIR_SECURE_COOKIES: z
    .enum(['auto', 'true', 'false'])
    .default('auto')
    .describe('Mark cookies Secure (auto: when HADIR_PUBLIC_URL is https)'),
  HADIR_METRICS_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters')
    .optional()
    .describe('Enables /metrics for a scraper sending "Authorization: Bearer <token>"; off when unset'),
  HADIR_ORG_QUERY_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('Searches, lists, exports and reports one organization may run at once (more wait, then 429)'),
  HADIR_ORG_UPLOAD_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe('Imports and photo uploads one organization may decode at once (more wait, then 429)'),
  HADIR_DB_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(30_000)
    .describe(
      'Longest a query may run (0: none): PostgreSQL statement_timeout for the running server; on SQLite ' +
        'the limit of the heavy reads in the read workers. Migrations have none',
    ),
  HADIR_SQLITE_READ_WORKERS: z.coerce
    .number()
    .int()
    .min(0)
    .max(4)
    .default(2)
    .describe(
      'SQLite only: worker threads with read-only connections that run searches, lists, exports and reports ' +
        'off the event loop, under HADIR_DB_STATEMENT_TIMEOUT_MS (0: on the main connection, no time limit). ' +
        'With 2, one organization never holds both, so another is served while it scans',
    ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HADIR_JOB_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  HADIR_JOBS: z
    .enum(['builtin', 'pgboss'])
    .default('builtin')
    .describe(
      "Job engine: builtin (jobs in Hadir's own table; the embedded default) or pgboss (pg-boss on the same " +
        'PostgreSQL, for workers on several machines; needs a postgres:// DATABASE_URL)',
    ),
  HADIR_JOB_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('Jobs a worker process runs at once (pgboss: per job type)'),
  HADIR_JOB_LOCK_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(24 * 3_600_000)
    .default(5 * 60_000)
    .describe('A job whose worker died is run again after this long (long job types renew or extend it)'),
  HADIR_PGBOSS_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a PostgreSQL schema name (lower case, digits, _)')
    .default('pgboss')
    .describe("PostgreSQL schema of pg-boss's tables (HADIR_JOBS=pgboss)"),
  HADIR_EVENTS: z
    .enum(['local', 'postgres'])
    .default('local')
    .describe(
      'Live events (dashboard WebSocket): local (this process only; one box) or postgres (LISTEN/NOTIFY, ' +
        'so a dashboard on any API replica sees changes made by every other process)',
    ),
  HADIR_EVENTS_CHANNEL: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a PostgreSQL channel name (lower case, digits, _)')
    .default('hadir_events')
    .describe('PostgreSQL NOTIFY channel of the live events (one per Hadir installation sharing a server)'),
  HADIR_HUB_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'an http:// or https:// URL')
    .optional()
    .describe('Edge role: the hub this box reports to (also --hub URL)'),
  HADIR_ENROL_CODE: z
    .string()
    .trim()
    .min(8)
    .max(64)
    .optional()
    .describe(
      'Edge role: the one-time enrol code from the hub’s Edges page (also --enrol-code); first start only',
    ),
  HADIR_EDGE_POLL_MS: z.coerce
    .number()
    .int()
    .min(200)
    .max(60_000)
    .default(2000)
    .describe('Edge role: how often the box asks the hub for config changes and pushes its queue'),
  HADIR_EDGE_LOST_AFTER_SECONDS: z.coerce
    .number()
    .min(5)
    .max(86_400)
    .default(30)
    .describe('Hub: an enrolled edge box silent this long is marked lost'),
  HADIR_FACE_PACK: z
    .string()
    .regex(/^[a-z0-9_.-]+$/i, 'a pack name such as buffalo_s, or off')
    .optional()
    .describe('Force a model pack by name, or "off" to disable recognition (default: the best pack found)'),
  HADIR_CAMERA_DOWN_AFTER_SECONDS: z.coerce
    .number()
    .min(1)
    .max(86_400)
    .default(60)
    .describe('A camera without frames this long raises one camera_down alert'),
  HADIR_CAMERA_STALE_SECONDS: z.coerce
    .number()
    .min(2)
    .max(3600)
    .default(30)
    .describe(
      'A camera whose last status (the pipeline heartbeat, or an edge box’s health push) is older than ' +
        'this counts as down: its people become unknown, never off. Keep it below the absence window',
    ),
  HADIR_ABSENT_AFTER_SECONDS: z.coerce
    .number()
    .min(1)
    .max(86_400)
    .optional()
    .describe('TEST ONLY: absence window in seconds for every organization (overrides absentAfterMinutes)'),
  HADIR_PRESENCE_TICK_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  HADIR_EXECUTION_PROVIDERS: z
    .string()
    .default('cpu')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.enum(['cpu', 'cuda', 'tensorrt', 'webgpu']))
        .min(1, 'give at least one of cpu, cuda, tensorrt, webgpu'),
    )
    .describe(
      'onnxruntime execution providers of the camera and phone inference workers, in preference order, e.g. "cuda,cpu" ' +
        'or "tensorrt,cuda,cpu"; a provider that cannot load falls back to CPU (see /readyz)',
    ),
  HADIR_INFERENCE_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe('Camera inference worker threads (default: 1 on ≤ 2 cores, else half the cores)'),
  HADIR_VERIFY_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'Worker threads that detect and embed phone captures (verify, liveness, sync, officer recognition); ' +
        'default one per core, at most 4',
    ),
  HADIR_DETECTOR_INPUT: z
    .string()
    .trim()
    .regex(/^\d{2,4}x\d{2,4}$/, 'write WIDTHxHEIGHT, e.g. 480x288')
    .transform((v) => v.split('x').map(Number) as [number, number])
    .refine(([w, h]) => w % 32 === 0 && h % 32 === 0 && w >= 96 && h >= 96 && w <= 1280 && h <= 1280, {
      message: 'width and height must be multiples of 32 between 96 and 1280',
    })
    .optional()
    .describe(
      'SCRFD detector input of the camera inference workers, WIDTHxHEIGHT (multiples of 32), e.g. 480x288 ' +
        "for 16:9 detect streams (default: the pack's 640x640 letterbox). See detectorInputFor() in docs/PIPELINE.md",
    ),
  HADIR_VIDEO_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(2 * 1024 ** 3)
    .describe('Largest video file the library accepts (bytes, default 2 GiB)'),
  HADIR_VIDEO_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(1)
    .describe('Videos processed at once per worker (default 1, so live cameras keep their CPU)'),
  HADIR_VIDEO_ANALYSED_FPS: z.coerce
    .number()
    .min(0.5)
    .max(30)
    .default(5)
    .describe('Frames per second of video analysed for people'),
});

export type Env = Omit<z.infer<typeof EnvSchema>, 'DATABASE_URL'> & {
  DATABASE_URL: string;
  dataDir: string;
  modelsDir: string;
  cameraConfigDir: string;
  mediaDir: string;
  outbound: OutboundPolicy;
};

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parses process environment (and `--roles a,b` from argv) once at boot; every problem is listed together. */
export function parseEnv(
  source: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv.slice(2),
): Env {
  const input: Record<string, string | undefined> = { ...source };
  const rolesFlag = argv.findIndex((a) => a === '--roles' || a.startsWith('--roles='));
  if (rolesFlag >= 0) {
    const arg = argv[rolesFlag] ?? '';
    input.HADIR_ROLES = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[rolesFlag + 1];
  }
  for (const [flag, key] of [
    ['--hub', 'HADIR_HUB_URL'],
    ['--enrol-code', 'HADIR_ENROL_CODE'],
  ] as const) {
    const at = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (at < 0) continue;
    const arg = argv[at] ?? '';
    input[key] = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1];
  }
  for (const key of Object.keys(input)) if (input[key] === '') delete input[key];
  const parsed = EnvSchema.safeParse(input);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const env = parsed.data;
  const onPostgres = /^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? '');
  const needsPostgres = [
    env.HADIR_JOBS === 'pgboss' ? 'HADIR_JOBS: pgboss needs a postgres:// DATABASE_URL' : null,
    env.HADIR_EVENTS === 'postgres' ? 'HADIR_EVENTS: postgres needs a postgres:// DATABASE_URL' : null,
  ].filter((p): p is string => p !== null);
  if (!onPostgres && needsPostgres.length) throw new EnvError(needsPostgres);
  if (env.HADIR_ROLES.includes('edge') && !env.HADIR_HUB_URL)
    throw new EnvError(['HADIR_HUB_URL: the edge role needs the hub’s URL (--hub https://hub.example)']);
  const dataDir = path.resolve(env.HADIR_DATA_DIR);
  return {
    ...env,
    dataDir,
    modelsDir: path.resolve(env.HADIR_MODELS_DIR),
    cameraConfigDir: path.resolve(env.HADIR_CAMERA_CONFIG_DIR),
    mediaDir: path.resolve(env.HADIR_MEDIA_DIR ?? path.join(dataDir, 'media')),
    outbound: {
      allowLoopback: env.HADIR_OUTBOUND_ALLOW_LOOPBACK === 'true',
      cameraAllowedNetworks: env.HADIR_CAMERA_ALLOWED_NETWORKS,
      channelAllowedNetworks: env.HADIR_OUTBOUND_ALLOWED_NETWORKS,
    },
    DATABASE_URL: env.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'hadir.sqlite')}`,
  };
}
