import type { CameraConfig, CameraStatus, CameraUpdate, CameraView } from '@hadir/contracts';
import { toIso } from '../../platform/clock/clock.js';

/** What a camera looks like to the API and the live socket (split from the registry, which keeps files). */

export interface StoredStatus extends CameraStatus {
  issues: string[];
}

export function initialStatus(id: string, config: CameraConfig | null, issues: string[]): CameraStatus {
  const disabled = config !== null && !config.enabled;
  return {
    cameraId: id,
    state: config === null ? 'offline' : disabled ? 'disabled' : 'starting',
    targetFps: config?.analysisFps ?? 0,
    measuredFps: 0,
    framesAnalyzed: 0,
    framesDropped: 0,
    lastFrameAt: null,
    lastError: issues.length > 0 ? `Invalid config: ${issues.join('; ')}` : null,
    restarts: 0,
  };
}

/** rtsp://user:secret@host → rtsp://user:***@host: the password never leaves the server. */
export function redactSource(source: string): string {
  return source.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@:\s]*):([^/@\s]*)@/i, '$1$2:***@');
}

export function nameFromRaw(raw: unknown): string | null {
  if (raw !== null && typeof raw === 'object' && 'name' in raw && typeof raw.name === 'string')
    return raw.name;
  return null;
}

/**
 * A disabled camera is "disabled", whatever its last pipeline report said: not a red "offline" with the
 * frame rate it had before it was turned off.
 */
export function presentStatus(status: CameraStatus, enabled: boolean): CameraStatus {
  if (enabled || status.state === 'disabled') return status;
  return { ...status, state: 'disabled', measuredFps: 0, lastError: null };
}

/** What leaves the server about a camera: never the source password. */
export function presentCamera(row: {
  id: string;
  name: string;
  areaId: string | null;
  enabled: number;
  config: string;
  status: string;
  updatedAt: number;
}): CameraView {
  const cfg = (JSON.parse(row.config) ?? {}) as Partial<CameraConfig>;
  const stored = JSON.parse(row.status) as StoredStatus;
  const { issues, ...status } = stored;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    id: row.id,
    name: row.name,
    area: typeof cfg.area === 'string' ? cfg.area : null,
    areaId: row.areaId,
    source: typeof cfg.source === 'string' ? redactSource(cfg.source) : '',
    enabled: row.enabled === 1,
    analysisFps: num(cfg.analysisFps),
    minFacePx: num(cfg.minFacePx),
    absentAfterMinutes: num(cfg.absentAfterMinutes),
    maxWidth: num(cfg.maxWidth),
    valid: (issues ?? []).length === 0,
    issues: issues ?? [],
    // An invalid file is "offline" with its issues (it never ran), not "disabled" by the operator.
    status: presentStatus({ ...status, cameraId: row.id }, row.enabled === 1 || (issues ?? []).length > 0),
    updatedAt: toIso(row.updatedAt),
  };
}

/** The audit line of a camera change: "Disabled camera" / "Enabled camera" say which way it went. */
export function updateSummary(id: string, patch: CameraUpdate): string {
  const fields = Object.keys(patch).filter((k) => patch[k as keyof CameraUpdate] !== undefined);
  if (fields.length === 1 && fields[0] === 'enabled') {
    return `${patch.enabled ? 'Enabled' : 'Disabled'} camera "${id}"`;
  }
  const toggled = patch.enabled === undefined ? '' : patch.enabled ? ' (enabled)' : ' (disabled)';
  return `Changed camera "${id}": ${fields.join(', ')}${toggled}`;
}
