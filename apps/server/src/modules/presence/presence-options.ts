import { z } from 'zod';
import type { PresenceOptions } from './presence.service.js';

const Schema = z.object({
  HADIR_ABSENT_AFTER_SECONDS: z.coerce
    .number()
    .min(1)
    .max(86_400)
    .optional()
    .describe('TEST ONLY: absence window in seconds for every organization (overrides absentAfterMinutes)'),
  HADIR_CAMERA_DOWN_AFTER_SECONDS: z.coerce
    .number()
    .min(1)
    .max(86_400)
    .default(60)
    .describe('A camera without frames this long raises one camera_down alert'),
});

/**
 * Presence tuning read once at boot. HADIR_ABSENT_AFTER_SECONDS exists so end-to-end tests can watch a
 * whole absence → alert cycle in seconds; production uses the organization's absentAfterMinutes.
 */
export function presenceOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PresenceOptions {
  const parsed = Schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid presence environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return {
    absentAfterSecondsOverride: parsed.data.HADIR_ABSENT_AFTER_SECONDS ?? null,
    cameraDownAfterMs: parsed.data.HADIR_CAMERA_DOWN_AFTER_SECONDS * 1000,
  };
}
