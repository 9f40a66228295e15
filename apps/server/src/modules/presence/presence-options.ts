import type { Env } from '../../platform/config/env.js';
import type { PresenceOptions } from './presence.service.js';

/**
 * Presence tuning from the boot-time environment. HADIR_ABSENT_AFTER_SECONDS exists so end-to-end tests
 * can watch a whole absence → alert cycle in seconds; production uses the organization's absentAfterMinutes.
 */
export function presenceOptionsFromEnv(env: Env): PresenceOptions {
  return {
    absentAfterSecondsOverride: env.HADIR_ABSENT_AFTER_SECONDS ?? null,
    cameraDownAfterMs: env.HADIR_CAMERA_DOWN_AFTER_SECONDS * 1000,
    cameraStaleMs: env.HADIR_CAMERA_STALE_SECONDS * 1000,
  };
}
