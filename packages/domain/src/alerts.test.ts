import { describe, expect, it } from 'vitest';
import {
  acknowledgeAlert,
  alertChain,
  alertRecipients,
  endAlertEpisode,
  openAlertEpisode,
  planAlertActions,
  setAlertCoverageLost,
  type AlertEpisode,
  type AlertSettings,
} from './alerts.js';
import { orgChartFrom } from './hierarchy.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const jkt = (hh: number, mm = 0) => Date.UTC(2025, 2, 3, hh - 7, mm); // Monday 2025-03-03, Jakarta

const settings: AlertSettings = {
  escalateAfterMinutes: 15,
  cooldownMinutes: 10,
  quietHours: null,
  quietHoursMode: 'queue',
  timeZone: 'Asia/Jakarta',
};

function episode(
  overrides: Partial<Parameters<typeof openAlertEpisode>[0]> = {},
  s = settings,
): AlertEpisode {
  return openAlertEpisode(
    {
      employeeId: 'budi',
      awaySinceMs: jkt(10),
      openedMs: jkt(10, 6),
      chain: ['lead', 'ops', 'ceo'],
      previousResolvedMs: null,
      ...overrides,
    },
    s,
  );
}

describe('routing', () => {
  const chart = orgChartFrom([
    { id: 'ceo', supervisorId: null },
    { id: 'ops', supervisorId: 'ceo' },
    { id: 'lead', supervisorId: 'ops' },
    { id: 'budi', supervisorId: 'lead' },
  ]);
  it('routes up the hierarchy, skipping unreachable supervisors', () => {
    expect(alertChain(chart, 'budi')).toEqual(['lead', 'ops', 'ceo']);
    expect(alertChain(chart, 'budi', (id) => id !== 'ops')).toEqual(['lead', 'ceo']);
    expect(alertChain(chart, 'ceo')).toEqual([]);
  });
  it('alertRecipients is everyone up to the level, capped at the top', () => {
    expect(alertRecipients(['lead', 'ops', 'ceo'], 0)).toEqual(['lead']);
    expect(alertRecipients(['lead', 'ops', 'ceo'], 1)).toEqual(['lead', 'ops']);
    expect(alertRecipients(['lead', 'ops', 'ceo'], 7)).toEqual(['lead', 'ops', 'ceo']);
    expect(alertRecipients(['lead'], -1)).toEqual([]);
    expect(alertRecipients([], 2)).toEqual([]);
  });
});

describe('planAlertActions', () => {
  it('notifies the direct supervisor once, with the away time', () => {
    const first = planAlertActions(episode(), jkt(10, 6), settings);
    expect(first.actions).toEqual([{ type: 'notify', recipientId: 'lead', level: 0, awayMs: 6 * MIN }]);
    expect(planAlertActions(first.episode, jkt(10, 7), settings).actions).toEqual([]);
  });

  it('escalates one level per unacknowledged period and stops at the top', () => {
    let e = planAlertActions(episode(), jkt(10, 6), settings).episode;
    expect(planAlertActions(e, jkt(10, 20), settings).actions).toEqual([]);
    const second = planAlertActions(e, jkt(10, 21), settings);
    expect(second.actions).toEqual([
      { type: 'escalate', recipientId: 'ops', level: 1, previousRecipientId: 'lead', awayMs: 21 * MIN },
    ]);
    e = second.episode;
    e = planAlertActions(e, jkt(10, 36), settings).episode;
    expect(e.level).toBe(2);
    expect(planAlertActions(e, jkt(12), settings).actions).toEqual([]);
    expect(e.notifiedIds).toEqual(['lead', 'ops', 'ceo']);
  });

  it('does not escalate once acknowledged, nor when escalation is off', () => {
    const notified = planAlertActions(episode(), jkt(10, 6), settings).episode;
    const acked = acknowledgeAlert(notified, 'lead', jkt(10, 8));
    expect(planAlertActions(acked, jkt(11), settings).actions).toEqual([]);
    expect(acknowledgeAlert(acked, 'ops', jkt(10, 9)).acknowledgedById).toBe('lead');
    expect(planAlertActions(notified, jkt(11), { ...settings, escalateAfterMinutes: null }).actions).toEqual(
      [],
    );
  });

  it('resolves with a "returned" notice to everyone who was alerted', () => {
    let e = planAlertActions(episode(), jkt(10, 6), settings).episode;
    e = planAlertActions(e, jkt(10, 21), settings).episode;
    e = endAlertEpisode(e, { atMs: jkt(10, 25), awayMs: 25 * MIN, endedBy: 'returned' });
    const plan = planAlertActions(e, jkt(10, 25), settings);
    expect(plan.actions).toEqual([
      { type: 'resolve', outcome: 'returned', awayMs: 25 * MIN, notifyRecipientIds: ['lead', 'ops'] },
    ]);
    expect(plan.episode).toMatchObject({ status: 'resolved', resolvedMs: jkt(10, 25) });
    expect(planAlertActions(plan.episode, jkt(11), settings).actions).toEqual([]);
  });

  it('ends silently when working hours end', () => {
    const e = endAlertEpisode(planAlertActions(episode(), jkt(16, 50), settings).episode, {
      atMs: jkt(17),
      awayMs: 7 * HOUR,
      endedBy: 'working_hours_ended',
    });
    expect(planAlertActions(e, jkt(17), settings).actions).toEqual([
      { type: 'resolve', outcome: 'working_hours_ended', awayMs: 7 * HOUR, notifyRecipientIds: [] },
    ]);
  });

  it('holds a new episode during cooldown and records it as suppressed if it ends inside', () => {
    const held = episode({ previousResolvedMs: jkt(10, 3), openedMs: jkt(10, 9) });
    expect(held.holdUntilMs).toBe(jkt(10, 13));
    expect(planAlertActions(held, jkt(10, 9), settings).actions).toEqual([
      { type: 'defer', untilMs: jkt(10, 13), reason: 'cooldown' },
    ]);
    const ended = endAlertEpisode(held, { atMs: jkt(10, 11), awayMs: 3 * MIN, endedBy: 'returned' });
    const plan = planAlertActions(ended, jkt(10, 11), settings);
    expect(plan.actions).toEqual([
      { type: 'resolve', outcome: 'suppressed', awayMs: 3 * MIN, notifyRecipientIds: [] },
    ]);
    expect(plan.episode.status).toBe('suppressed');
  });

  it('alerts after the cooldown if the person is still away', () => {
    const held = episode({ previousResolvedMs: jkt(10, 3), openedMs: jkt(10, 9) });
    expect(planAlertActions(held, jkt(10, 13), settings).actions[0]).toMatchObject({ type: 'notify' });
  });

  it('does not hold an episode opened after the cooldown', () => {
    expect(episode({ previousResolvedMs: jkt(9), openedMs: jkt(10, 6) }).holdUntilMs).toBeNull();
  });

  it('pauses escalation while covering cameras are down', () => {
    const notified = planAlertActions(episode(), jkt(10, 6), settings).episode;
    const blind = setAlertCoverageLost(notified, true);
    expect(planAlertActions(blind, jkt(11), settings).actions).toEqual([]);
    expect(planAlertActions(setAlertCoverageLost(blind, false), jkt(11), settings).actions[0]).toMatchObject({
      type: 'escalate',
    });
  });

  it('reports an employee without a supervisor once', () => {
    const lonely = episode({ chain: [] });
    const plan = planAlertActions(lonely, jkt(10, 6), settings);
    expect(plan.actions).toEqual([{ type: 'unroutable', reason: 'no_supervisor' }]);
    expect(planAlertActions(plan.episode, jkt(11), settings).actions).toEqual([]);
  });

  describe('quiet hours 22:00–06:00', () => {
    const quiet = { ...settings, quietHours: { start: '22:00', end: '06:00' } };
    const night = () => episode({ awaySinceMs: jkt(23), openedMs: jkt(23, 6) });

    it('queues until quiet hours end, then sends with the then-current away time', () => {
      expect(planAlertActions(night(), jkt(23, 6), quiet).actions).toEqual([
        { type: 'defer', untilMs: jkt(30), reason: 'quiet_hours' },
      ]);
      expect(planAlertActions(night(), jkt(30), quiet).actions).toEqual([
        { type: 'notify', recipientId: 'lead', level: 0, awayMs: 7 * HOUR },
      ]);
    });

    it('drops and mutes the episode in drop mode', () => {
      const plan = planAlertActions(night(), jkt(23, 6), { ...quiet, quietHoursMode: 'drop' });
      expect(plan.actions).toEqual([{ type: 'drop', recipientId: 'lead', level: 0, reason: 'quiet_hours' }]);
      expect(plan.episode.muted).toBe(true);
      expect(planAlertActions(plan.episode, jkt(30), quiet).actions).toEqual([]);
    });

    it('does not send a return notice at night', () => {
      const notified = planAlertActions(episode(), jkt(10, 6), quiet).episode;
      const ended = endAlertEpisode(notified, { atMs: jkt(22, 30), awayMs: 12 * HOUR, endedBy: 'returned' });
      expect(planAlertActions(ended, jkt(22, 30), quiet).actions).toEqual([
        { type: 'resolve', outcome: 'returned', awayMs: 12 * HOUR, notifyRecipientIds: [] },
      ]);
    });
  });
});
