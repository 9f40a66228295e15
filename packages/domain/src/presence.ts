/**
 * The presence state machine: from "when was this person last seen" to available / off / unknown /
 * outside_hours, and the typed events that open and close absence episodes.
 *
 * Principles:
 * - Never call a person absent because a camera is dead: if every camera covering them is down (or none
 *   covers them) the state is `unknown`, and after coverage returns the cameras get a full absence window
 *   of healthy observation before anyone can become `off` again.
 * - "More than `absentAfterMinutes`": at exactly 5:00 since the last sighting a person is still
 *   available; at 5:00.001 they are off.
 * - A person not yet seen in the current working window is `off` with reason `not_arrived`. That is a
 *   lateness / attendance matter, not an absence alert: only someone who arrived and then left
 *   (`off`/`left`) opens an absence episode. The first sighting of a window emits `presence.checkedIn`.
 * - Everything is reconstructible from persisted facts (last sighting + open episode), see
 *   `reconcileAfterRestart`.
 */
import { minutesToMs } from './duration.js';

export const PRESENCE_STATES = ['available', 'off', 'unknown', 'outside_hours'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** Why a person is `off` or `unknown`. */
export type PresenceReason = 'left' | 'not_arrived' | 'cameras_down' | 'no_coverage' | 'coverage_recovering';

export const DEFAULT_ABSENT_AFTER_MINUTES = 5;
/** Sightings this long before a working window opens count as arriving for it (coming in early). */
export const DEFAULT_EARLY_CHECK_IN_MINUTES = 120;

export interface PresenceInput {
  /** Latest sighting by any camera, or null if never seen. */
  lastSeenMs: number | null;
  nowMs: number;
  /** Not seen for MORE than this → off. Default 5. */
  absentAfterMinutes?: number;
  withinWorkingHours: boolean;
  /** Start of the working window containing `nowMs` (see `currentWorkingWindow`); null if unknown. */
  workStartedMs?: number | null;
  /** Default 120. Sightings before `workStartedMs - earlyCheckInMinutes` belong to an earlier day. */
  earlyCheckInMinutes?: number;
  /**
   * Health of the cameras covering this person's area: true if at least one is up, false if all are
   * down, 'none' if no camera covers them at all.
   */
  coveringCamerasHealthy: boolean | 'none';
  /** When the covering cameras went down (reported as `since` of the unknown state). */
  camerasDownSinceMs?: number | null;
  /** When coverage last came back; an absence needs a full window of healthy observation after it. */
  coverageRestoredMs?: number | null;
}

export interface PresenceEvaluation {
  state: PresenceState;
  reason: PresenceReason | null;
  /**
   * off/left: the last sighting (away since). off/not_arrived: start of the working window.
   * unknown/cameras_down: when the cameras went down. Otherwise null.
   */
  since: number | null;
  /** How long the person has been off (0 unless state is off). */
  absentForMs: number;
  /** now − last sighting, or null when never seen. */
  notSeenForMs: number | null;
}

function hasArrived(input: PresenceInput): boolean {
  if (input.lastSeenMs === null) return false;
  if (input.workStartedMs == null) return true;
  const earlyMs = minutesToMs(input.earlyCheckInMinutes ?? DEFAULT_EARLY_CHECK_IN_MINUTES);
  return input.lastSeenMs >= input.workStartedMs - earlyMs;
}

export function evaluatePresence(input: PresenceInput): PresenceEvaluation {
  const windowMs = minutesToMs(input.absentAfterMinutes ?? DEFAULT_ABSENT_AFTER_MINUTES);
  // A sighting stamped slightly after `nowMs` (clock skew between cameras and server) counts as "now".
  const notSeenForMs = input.lastSeenMs === null ? null : Math.max(0, input.nowMs - input.lastSeenMs);
  const result = (
    state: PresenceState,
    reason: PresenceReason | null,
    since: number | null,
    absentForMs = 0,
  ) => ({
    state,
    reason,
    since,
    absentForMs,
    notSeenForMs,
  });

  if (!input.withinWorkingHours) return result('outside_hours', null, null);

  const arrived = hasArrived(input);
  if (arrived && notSeenForMs !== null && notSeenForMs <= windowMs) return result('available', null, null);

  if (input.coveringCamerasHealthy === 'none') return result('unknown', 'no_coverage', null);
  if (input.coveringCamerasHealthy === false) {
    return result('unknown', 'cameras_down', input.camerasDownSinceMs ?? null);
  }

  const restoredMs = input.coverageRestoredMs ?? null;
  if (restoredMs !== null && input.nowMs - restoredMs <= windowMs) {
    // The cameras have not watched long enough since coming back to say anyone is gone.
    return result('unknown', 'coverage_recovering', restoredMs);
  }

  if (!arrived) {
    const startMs = input.workStartedMs ?? null;
    return result('off', 'not_arrived', startMs, startMs === null ? 0 : Math.max(0, input.nowMs - startMs));
  }
  const lastSeenMs = input.lastSeenMs as number;
  return result('off', 'left', lastSeenMs, notSeenForMs ?? 0);
}

/** An absence episode as presence knows it; the alert module tracks notifications for it. */
export interface OpenAbsence {
  /** Last sighting before the person went away. */
  awaySinceMs: number;
  /** When the episode was opened (awaySince + window, or later if detection lagged). */
  startedMs: number;
}

export interface PresenceSnapshot {
  state: PresenceState;
  reason: PresenceReason | null;
  /** When this state (and reason) was entered. */
  changedAtMs: number;
  lastSeenMs: number | null;
  absence: OpenAbsence | null;
  /** `workStartedMs` of the window for which check-in was already emitted. */
  checkedInForWindowMs: number | null;
}

export type AbsenceEndReason = 'returned' | 'working_hours_ended';

export type PresenceEvent =
  | {
      type: 'presence.changed';
      from: PresenceState | null;
      to: PresenceState;
      reason: PresenceReason | null;
      atMs: number;
    }
  | { type: 'presence.checkedIn'; seenAtMs: number; workStartedMs: number; atMs: number }
  | { type: 'absence.started'; awaySinceMs: number; atMs: number }
  | { type: 'absence.ended'; awaySinceMs: number; awayMs: number; endedBy: AbsenceEndReason; atMs: number }
  | { type: 'coverage.lost'; reason: 'cameras_down' | 'no_coverage'; duringAbsence: boolean; atMs: number }
  | { type: 'coverage.restored'; atMs: number };

export type PresenceEventType = PresenceEvent['type'];

export interface PresenceTransition {
  snapshot: PresenceSnapshot;
  evaluation: PresenceEvaluation;
  events: PresenceEvent[];
}

function isCoverageGap(reason: PresenceReason | null): reason is 'cameras_down' | 'no_coverage' {
  return reason === 'cameras_down' || reason === 'no_coverage';
}

/**
 * Advance one employee's presence. `prev` is null for a person never evaluated. Events come out in
 * causal order: absence.ended before presence.changed before absence.started.
 *
 * Open-episode decisions:
 * - returns (seen again) → `absence.ended` / returned, awayMs = return sighting − awaySince;
 * - working hours end (or a new window starts) while off → `absence.ended` / working_hours_ended: the
 *   alert module closes it silently, no "returned" message and no new alert;
 * - cameras go down while off → the episode STAYS OPEN (`coverage.lost` with duringAbsence): the person
 *   really was away before the outage; closing it would send a false "returned" and reopening later a
 *   duplicate alert. Alerts pause escalation while coverage is lost;
 * - seen and gone again between two evaluations (sparse ticks, restart) → the old episode ends as
 *   returned and a new one starts at the newer sighting.
 */
export function nextPresence(prev: PresenceSnapshot | null, input: PresenceInput): PresenceTransition {
  const evaluation = evaluatePresence(input);
  const { nowMs } = input;
  const events: PresenceEvent[] = [];
  let absence = prev?.absence ?? null;

  if (absence !== null) {
    const seenSinceAway = input.lastSeenMs !== null && input.lastSeenMs > absence.awaySinceMs;
    if (evaluation.state === 'available' || (seenSinceAway && evaluation.reason === 'left')) {
      const returnSeenMs = input.lastSeenMs as number;
      events.push({
        type: 'absence.ended',
        awaySinceMs: absence.awaySinceMs,
        awayMs: returnSeenMs - absence.awaySinceMs,
        endedBy: 'returned',
        atMs: nowMs,
      });
      absence = null;
    } else if (evaluation.state === 'outside_hours' || evaluation.reason === 'not_arrived') {
      events.push({
        type: 'absence.ended',
        awaySinceMs: absence.awaySinceMs,
        awayMs: nowMs - absence.awaySinceMs,
        endedBy: 'working_hours_ended',
        atMs: nowMs,
      });
      absence = null;
    }
  }

  const changed = prev === null || prev.state !== evaluation.state || prev.reason !== evaluation.reason;
  if (changed) {
    events.push({
      type: 'presence.changed',
      from: prev?.state ?? null,
      to: evaluation.state,
      reason: evaluation.reason,
      atMs: nowMs,
    });
  }

  if (isCoverageGap(evaluation.reason) && !isCoverageGap(prev?.reason ?? null)) {
    events.push({
      type: 'coverage.lost',
      reason: evaluation.reason,
      duringAbsence: absence !== null,
      atMs: nowMs,
    });
  } else if (prev !== null && isCoverageGap(prev.reason) && !isCoverageGap(evaluation.reason)) {
    events.push({ type: 'coverage.restored', atMs: nowMs });
  }

  let checkedInForWindowMs = prev?.checkedInForWindowMs ?? null;
  const workStartedMs = input.workStartedMs ?? null;
  if (evaluation.state === 'available' && workStartedMs !== null && checkedInForWindowMs !== workStartedMs) {
    events.push({
      type: 'presence.checkedIn',
      seenAtMs: input.lastSeenMs as number,
      workStartedMs,
      atMs: nowMs,
    });
    checkedInForWindowMs = workStartedMs;
  }

  if (absence === null && evaluation.state === 'off' && evaluation.reason === 'left') {
    const awaySinceMs = input.lastSeenMs as number;
    events.push({ type: 'absence.started', awaySinceMs, atMs: nowMs });
    absence = { awaySinceMs, startedMs: nowMs };
  }

  return {
    evaluation,
    events,
    snapshot: {
      state: evaluation.state,
      reason: evaluation.reason,
      changedAtMs: changed || prev === null ? nowMs : prev.changedAtMs,
      lastSeenMs: input.lastSeenMs,
      absence,
      checkedInForWindowMs,
    },
  };
}

/** What survives a restart: the last sighting and the open absence episode, if any. */
export interface PersistedPresence {
  lastSeenMs: number | null;
  openAbsence: OpenAbsence | null;
  checkedInForWindowMs?: number | null;
}

/**
 * Rebuild the state after a restart without duplicating alerts: an episode still open in storage is
 * continued (no second `absence.started`), closed if the person was seen meanwhile or hours ended, and
 * an absence that began while the process was down is opened now. `presence.changed` is emitted with
 * `from: null` so subscribers can refresh. A `presence.checkedIn` may repeat if the window's check-in
 * was not persisted; consumers treat it idempotently (attendance derives check-in from sightings).
 */
export function reconcileAfterRestart(
  persisted: PersistedPresence,
  input: PresenceInput,
): PresenceTransition {
  const transition = nextPresence(
    {
      state: persisted.openAbsence === null ? 'unknown' : 'off',
      reason: persisted.openAbsence === null ? null : 'left',
      changedAtMs: input.nowMs,
      lastSeenMs: persisted.lastSeenMs,
      absence: persisted.openAbsence,
      checkedInForWindowMs: persisted.checkedInForWindowMs ?? null,
    },
    input,
  );
  const events = transition.events.map((event) =>
    event.type === 'presence.changed' ? { ...event, from: null } : event,
  );
  if (!events.some((event) => event.type === 'presence.changed')) {
    events.unshift({
      type: 'presence.changed',
      from: null,
      to: transition.evaluation.state,
      reason: transition.evaluation.reason,
      atMs: input.nowMs,
    });
  }
  return {
    ...transition,
    events: events.filter((event) => event.type !== 'coverage.restored'),
    snapshot: { ...transition.snapshot, changedAtMs: input.nowMs },
  };
}
