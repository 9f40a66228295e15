/**
 * Alert rules for absence episodes: routing up the org hierarchy, escalation, cooldown and quiet hours.
 *
 * One absence (presence `absence.started` … `absence.ended`) is one alert episode. `planAlertActions`
 * is called whenever something changes (episode opened, acknowledged, ended, coverage changed) and on a
 * periodic tick; it returns what to send now and the updated episode to persist. It never sends twice
 * for one level, so calling it often is safe.
 */
import { minutesToMs } from './duration.js';
import { supervisorChain, type OrgChart } from './hierarchy.js';
import type { AbsenceEndReason } from './presence.js';
import { isWithinLocalTimeRange, nextLocalTimeMs, type LocalTimeRange } from './schedule.js';

export interface AlertSettings {
  /** Unacknowledged this long after the last notification → next supervisor up. null = never. */
  escalateAfterMinutes: number | null;
  /** After an episode ends, a new one for the same person is held this long (flapping guard). */
  cooldownMinutes: number;
  /** Local time range with no messages, e.g. 22:00–06:00; null = none. */
  quietHours: LocalTimeRange | null;
  /** `queue`: deliver when quiet hours end. `drop`: record and never send this episode's alerts. */
  quietHoursMode: 'queue' | 'drop';
  /** Zone that quiet hours are expressed in. */
  timeZone: string;
  /** Tell whoever was alerted that the person came back. Default true. */
  notifyOnReturn?: boolean;
}

export const DEFAULT_ALERT_SETTINGS: Omit<AlertSettings, 'timeZone'> = {
  escalateAfterMinutes: 15,
  cooldownMinutes: 10,
  quietHours: null,
  quietHoursMode: 'queue',
  notifyOnReturn: true,
};

export type AlertEpisodeStatus = 'open' | 'resolved' | 'suppressed';

export interface AlertEpisode {
  employeeId: string;
  /** Last sighting before the absence; away durations count from here. */
  awaySinceMs: number;
  openedMs: number;
  /** Recipients, direct supervisor first (see `alertChain`). Fixed when the episode opens. */
  chain: readonly string[];
  /** Cooldown: no message before this instant; if the episode ends first it is recorded as suppressed. */
  holdUntilMs: number | null;
  /** Index into `chain` of the last level notified; -1 before the first notification. */
  level: number;
  lastNotifiedMs: number | null;
  /** Everyone who received the absence message (they get the "returned" message). */
  notifiedIds: string[];
  acknowledgedMs: number | null;
  acknowledgedById: string | null;
  /** Covering cameras are down: escalation pauses, nothing is claimed on evidence we cannot have. */
  coverageLost: boolean;
  /** Quiet hours in `drop` mode hit this episode: it sends nothing more. */
  muted: boolean;
  ended: { atMs: number; awayMs: number; endedBy: AbsenceEndReason } | null;
  status: AlertEpisodeStatus;
  resolvedMs: number | null;
}

export type AlertAction =
  /** First message, to the direct supervisor (level 0). */
  | { type: 'notify'; recipientId: string; level: number; awayMs: number }
  /** Not acknowledged in time: message the next supervisor up. */
  | {
      type: 'escalate';
      recipientId: string;
      level: number;
      previousRecipientId: string | null;
      awayMs: number;
    }
  /** Nothing to send until `untilMs`: plan again then. */
  | { type: 'defer'; untilMs: number; reason: 'quiet_hours' | 'cooldown' }
  /** A message that quiet hours (drop mode) swallowed; recorded for the audit trail. */
  | { type: 'drop'; recipientId: string; level: number; reason: 'quiet_hours' }
  /** Nobody to tell: the employee has no reachable supervisor. */
  | { type: 'unroutable'; reason: 'no_supervisor' }
  /** The episode is over; `notifyRecipientIds` get the "returned after …" message (may be empty). */
  | {
      type: 'resolve';
      outcome: 'returned' | 'working_hours_ended' | 'suppressed';
      awayMs: number;
      notifyRecipientIds: string[];
    };

export type AlertActionType = AlertAction['type'];

export interface AlertPlan {
  actions: AlertAction[];
  /** Persist this after carrying out `actions`. */
  episode: AlertEpisode;
}

/**
 * Who gets alerts for `employeeId`, nearest first: the supervisor chain with unreachable people skipped
 * (no WhatsApp number, deactivated) so escalation jumps over them. Cycle-safe (see supervisorChain).
 */
export function alertChain(
  chart: OrgChart,
  employeeId: string,
  isReachable: (supervisorId: string) => boolean = () => true,
): string[] {
  return supervisorChain(chart, employeeId).filter(isReachable);
}

/**
 * Everyone who should know at `level`: the chain up to and including it, capped at the top. The
 * escalation message itself goes only to `chain[level]`; the "returned" message goes to all of these.
 */
export function alertRecipients(chain: readonly string[], level: number): string[] {
  if (level < 0 || chain.length === 0) return [];
  return chain.slice(0, Math.min(level, chain.length - 1) + 1);
}

export interface OpenAlertEpisodeInput {
  employeeId: string;
  awaySinceMs: number;
  openedMs: number;
  chain: readonly string[];
  /** When this employee's previous episode resolved, if any. */
  previousResolvedMs: number | null;
}

export function openAlertEpisode(input: OpenAlertEpisodeInput, settings: AlertSettings): AlertEpisode {
  const cooldownEndsMs =
    input.previousResolvedMs === null
      ? null
      : input.previousResolvedMs + minutesToMs(settings.cooldownMinutes);
  return {
    employeeId: input.employeeId,
    awaySinceMs: input.awaySinceMs,
    openedMs: input.openedMs,
    chain: [...input.chain],
    holdUntilMs: cooldownEndsMs !== null && input.openedMs < cooldownEndsMs ? cooldownEndsMs : null,
    level: -1,
    lastNotifiedMs: null,
    notifiedIds: [],
    acknowledgedMs: null,
    acknowledgedById: null,
    coverageLost: false,
    muted: false,
    ended: null,
    status: 'open',
    resolvedMs: null,
  };
}

/** A supervisor acknowledged: escalation stops. The first acknowledgement wins. */
export function acknowledgeAlert(episode: AlertEpisode, byId: string, atMs: number): AlertEpisode {
  if (episode.acknowledgedMs !== null || episode.status !== 'open') return episode;
  return { ...episode, acknowledgedMs: atMs, acknowledgedById: byId };
}

/** Presence reported `coverage.lost` (true) or `coverage.restored` (false) during the episode. */
export function setAlertCoverageLost(episode: AlertEpisode, coverageLost: boolean): AlertEpisode {
  return { ...episode, coverageLost };
}

/** Presence reported `absence.ended`. The next plan resolves the episode. */
export function endAlertEpisode(
  episode: AlertEpisode,
  ended: { atMs: number; awayMs: number; endedBy: AbsenceEndReason },
): AlertEpisode {
  if (episode.ended !== null) return episode;
  return { ...episode, ended };
}

function inQuietHours(settings: AlertSettings, nowMs: number): boolean {
  return (
    settings.quietHours !== null && isWithinLocalTimeRange(settings.timeZone, nowMs, settings.quietHours)
  );
}

function resolvePlan(episode: AlertEpisode, nowMs: number, settings: AlertSettings): AlertPlan {
  const ended = episode.ended as NonNullable<AlertEpisode['ended']>;
  const heldByCooldown = episode.holdUntilMs !== null && ended.atMs < episode.holdUntilMs;
  let outcome: 'returned' | 'working_hours_ended' | 'suppressed';
  if (episode.notifiedIds.length === 0 && heldByCooldown) outcome = 'suppressed';
  else {
    switch (ended.endedBy) {
      case 'returned':
        outcome = 'returned';
        break;
      case 'working_hours_ended':
        outcome = 'working_hours_ended';
        break;
      default: {
        const unreachable: never = ended.endedBy;
        throw new Error(`unhandled absence end: ${String(unreachable)}`);
      }
    }
  }
  // A return notice only to people who were alerted, never silently at night, never after hours end.
  const tell =
    outcome === 'returned' && (settings.notifyOnReturn ?? true) && !inQuietHours(settings, nowMs)
      ? [...episode.notifiedIds]
      : [];
  return {
    actions: [{ type: 'resolve', outcome, awayMs: ended.awayMs, notifyRecipientIds: tell }],
    episode: { ...episode, status: outcome === 'suppressed' ? 'suppressed' : 'resolved', resolvedMs: nowMs },
  };
}

/**
 * What to do for an episode at `nowMs`. Order of rules:
 * 1. already closed → nothing; ended → resolve (suppressed if it ended inside its cooldown hold before
 *    anyone was told; "returned" message to everyone notified; silent when working hours ended);
 * 2. cooldown hold → defer; acknowledged, muted or coverage lost → nothing (escalation paused);
 * 3. due: level 0 first, then one level up per `escalateAfterMinutes` without acknowledgement, stopping
 *    at the top of the chain; no chain → `unroutable` once;
 * 4. quiet hours: queue → defer to their end (the message is sent then, with the then-current away
 *    time); drop → record a `drop` and mute the episode.
 */
export function planAlertActions(episode: AlertEpisode, nowMs: number, settings: AlertSettings): AlertPlan {
  if (episode.status !== 'open') return { actions: [], episode };
  if (episode.ended !== null) return resolvePlan(episode, nowMs, settings);

  if (episode.holdUntilMs !== null && nowMs < episode.holdUntilMs) {
    return { actions: [{ type: 'defer', untilMs: episode.holdUntilMs, reason: 'cooldown' }], episode };
  }
  if (episode.acknowledgedMs !== null || episode.muted || episode.coverageLost)
    return { actions: [], episode };

  if (episode.level < 0 && episode.chain.length === 0) {
    return {
      actions: [{ type: 'unroutable', reason: 'no_supervisor' }],
      episode: { ...episode, level: 0 },
    };
  }

  let dueLevel: number | null = null;
  if (episode.level < 0) dueLevel = 0;
  else if (
    settings.escalateAfterMinutes !== null &&
    episode.lastNotifiedMs !== null &&
    nowMs - episode.lastNotifiedMs >= minutesToMs(settings.escalateAfterMinutes) &&
    episode.level + 1 < episode.chain.length
  ) {
    dueLevel = episode.level + 1;
  }
  if (dueLevel === null) return { actions: [], episode };
  const recipientId = episode.chain[dueLevel] as string;

  if (inQuietHours(settings, nowMs)) {
    const quietHours = settings.quietHours as LocalTimeRange;
    switch (settings.quietHoursMode) {
      case 'queue':
        return {
          actions: [
            {
              type: 'defer',
              untilMs: nextLocalTimeMs(settings.timeZone, nowMs, quietHours.end),
              reason: 'quiet_hours',
            },
          ],
          episode,
        };
      case 'drop':
        return {
          actions: [{ type: 'drop', recipientId, level: dueLevel, reason: 'quiet_hours' }],
          episode: { ...episode, muted: true },
        };
      default: {
        const unreachable: never = settings.quietHoursMode;
        throw new Error(`unhandled quiet hours mode: ${String(unreachable)}`);
      }
    }
  }

  const awayMs = nowMs - episode.awaySinceMs;
  const action: AlertAction =
    dueLevel === 0
      ? { type: 'notify', recipientId, level: 0, awayMs }
      : {
          type: 'escalate',
          recipientId,
          level: dueLevel,
          previousRecipientId: episode.chain[dueLevel - 1] ?? null,
          awayMs,
        };
  return {
    actions: [action],
    episode: {
      ...episode,
      level: dueLevel,
      lastNotifiedMs: nowMs,
      notifiedIds: episode.notifiedIds.includes(recipientId)
        ? episode.notifiedIds
        : [...episode.notifiedIds, recipientId],
    },
  };
}
