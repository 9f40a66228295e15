import { describe, expect, it } from 'vitest';
import {
  evaluatePresence,
  nextPresence,
  reconcileAfterRestart,
  type PresenceEvent,
  type PresenceInput,
  type PresenceSnapshot,
} from './presence.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 2, 3, 1, 0); // 08:00 in Asia/Jakarta: start of the working window

function input(overrides: Partial<PresenceInput> = {}): PresenceInput {
  return {
    lastSeenMs: T0,
    nowMs: T0,
    withinWorkingHours: true,
    workStartedMs: T0,
    coveringCamerasHealthy: true,
    ...overrides,
  };
}

const types = (events: PresenceEvent[]) => events.map((event) => event.type);

describe('evaluatePresence', () => {
  it('is available while seen within the window, boundary exactly at 5:00 included', () => {
    const r = evaluatePresence(input({ lastSeenMs: T0, nowMs: T0 + 5 * MIN }));
    expect(r).toMatchObject({ state: 'available', absentForMs: 0, notSeenForMs: 5 * MIN });
  });

  it('is off one millisecond past the window, since the last sighting', () => {
    const r = evaluatePresence(input({ lastSeenMs: T0, nowMs: T0 + 5 * MIN + 1 }));
    expect(r).toEqual({
      state: 'off',
      reason: 'left',
      since: T0,
      absentForMs: 5 * MIN + 1,
      notSeenForMs: 5 * MIN + 1,
    });
  });

  it('honours a custom absentAfterMinutes', () => {
    expect(evaluatePresence(input({ nowMs: T0 + 9 * MIN, absentAfterMinutes: 10 })).state).toBe('available');
    expect(evaluatePresence(input({ nowMs: T0 + 11 * MIN, absentAfterMinutes: 10 })).state).toBe('off');
  });

  it('is outside_hours outside working hours whatever the sightings', () => {
    expect(evaluatePresence(input({ withinWorkingHours: false, lastSeenMs: null })).state).toBe(
      'outside_hours',
    );
  });

  it('never calls a person absent when all covering cameras are down', () => {
    const r = evaluatePresence(
      input({ nowMs: T0 + 30 * MIN, coveringCamerasHealthy: false, camerasDownSinceMs: T0 + 2 * MIN }),
    );
    expect(r).toMatchObject({
      state: 'unknown',
      reason: 'cameras_down',
      since: T0 + 2 * MIN,
      absentForMs: 0,
    });
  });

  it('is unknown when no camera covers the person', () => {
    expect(evaluatePresence(input({ nowMs: T0 + 30 * MIN, coveringCamerasHealthy: 'none' }))).toMatchObject({
      state: 'unknown',
      reason: 'no_coverage',
    });
  });

  it('a fresh sighting still means available while the cameras are down', () => {
    expect(evaluatePresence(input({ nowMs: T0 + MIN, coveringCamerasHealthy: false })).state).toBe(
      'available',
    );
  });

  it('gives restored cameras a full window before calling anyone off', () => {
    const restored = T0 + 20 * MIN;
    const during = evaluatePresence(input({ nowMs: restored + 5 * MIN, coverageRestoredMs: restored }));
    expect(during).toMatchObject({ state: 'unknown', reason: 'coverage_recovering' });
    const after = evaluatePresence(input({ nowMs: restored + 5 * MIN + 1, coverageRestoredMs: restored }));
    expect(after).toMatchObject({ state: 'off', reason: 'left', since: T0 });
  });

  it('never seen in this window is off / not_arrived from the window start', () => {
    const r = evaluatePresence(input({ lastSeenMs: null, nowMs: T0 + 20 * MIN }));
    expect(r).toMatchObject({
      state: 'off',
      reason: 'not_arrived',
      since: T0,
      absentForMs: 20 * MIN,
      notSeenForMs: null,
    });
  });

  it('a sighting from yesterday does not count as arrived; one just before start does', () => {
    const yesterday = T0 - 15 * 60 * MIN;
    expect(evaluatePresence(input({ lastSeenMs: yesterday, nowMs: T0 + MIN })).reason).toBe('not_arrived');
    expect(evaluatePresence(input({ lastSeenMs: T0 - 3 * MIN, nowMs: T0 + MIN })).state).toBe('available');
    expect(evaluatePresence(input({ lastSeenMs: T0 - 30 * MIN, nowMs: T0 + MIN })).reason).toBe('left');
  });

  it('treats a sighting stamped in the future (clock skew) as now', () => {
    expect(evaluatePresence(input({ lastSeenMs: T0 + 2_000, nowMs: T0 })).notSeenForMs).toBe(0);
  });
});

/** Drive the machine through a scripted day. */
function run(steps: Partial<PresenceInput>[], start: PresenceSnapshot | null = null) {
  let snapshot = start;
  const all: PresenceEvent[][] = [];
  for (const step of steps) {
    const t = nextPresence(snapshot, input(step));
    snapshot = t.snapshot;
    all.push(t.events);
  }
  return { snapshot: snapshot as PresenceSnapshot, events: all };
}

describe('nextPresence', () => {
  it('opens one episode per absence and closes it with the away duration on return', () => {
    const { events, snapshot } = run([
      { lastSeenMs: T0, nowMs: T0 },
      { lastSeenMs: T0, nowMs: T0 + 5 * MIN },
      { lastSeenMs: T0, nowMs: T0 + 6 * MIN },
      { lastSeenMs: T0, nowMs: T0 + 10 * MIN },
      { lastSeenMs: T0 + 12 * MIN, nowMs: T0 + 12 * MIN + 500 },
    ]);
    expect(types(events[0]!)).toEqual(['presence.changed', 'presence.checkedIn']);
    expect(events[1]).toEqual([]);
    expect(events[2]).toEqual([
      { type: 'presence.changed', from: 'available', to: 'off', reason: 'left', atMs: T0 + 6 * MIN },
      { type: 'absence.started', awaySinceMs: T0, atMs: T0 + 6 * MIN },
    ]);
    expect(events[3]).toEqual([]);
    expect(events[4]).toEqual([
      {
        type: 'absence.ended',
        awaySinceMs: T0,
        awayMs: 12 * MIN,
        endedBy: 'returned',
        atMs: T0 + 12 * MIN + 500,
      },
      { type: 'presence.changed', from: 'off', to: 'available', reason: null, atMs: T0 + 12 * MIN + 500 },
    ]);
    expect(snapshot.absence).toBeNull();
  });

  it('checks in once per working window at the first sighting, without an absence alert before it', () => {
    const { events } = run([
      { lastSeenMs: null, nowMs: T0 },
      { lastSeenMs: null, nowMs: T0 + 30 * MIN },
      { lastSeenMs: T0 + 40 * MIN, nowMs: T0 + 40 * MIN },
      { lastSeenMs: T0 + 41 * MIN, nowMs: T0 + 41 * MIN },
    ]);
    expect(events[0]).toEqual([
      { type: 'presence.changed', from: null, to: 'off', reason: 'not_arrived', atMs: T0 },
    ]);
    expect(events[1]).toEqual([]);
    expect(types(events[2]!)).toEqual(['presence.changed', 'presence.checkedIn']);
    expect(events[2]![1]).toMatchObject({ seenAtMs: T0 + 40 * MIN, workStartedMs: T0 });
    expect(events[3]).toEqual([]);
  });

  it('ends an open episode silently when working hours end, and opens nothing outside hours', () => {
    const { events, snapshot } = run([
      { lastSeenMs: T0, nowMs: T0 },
      { lastSeenMs: T0, nowMs: T0 + 6 * MIN },
      { lastSeenMs: T0, nowMs: T0 + 9 * 60 * MIN, withinWorkingHours: false },
      { lastSeenMs: T0, nowMs: T0 + 10 * 60 * MIN, withinWorkingHours: false },
    ]);
    expect(events[2]).toEqual([
      {
        type: 'absence.ended',
        awaySinceMs: T0,
        awayMs: 9 * 60 * MIN,
        endedBy: 'working_hours_ended',
        atMs: T0 + 9 * 60 * MIN,
      },
      { type: 'presence.changed', from: 'off', to: 'outside_hours', reason: null, atMs: T0 + 9 * 60 * MIN },
    ]);
    expect(events[3]).toEqual([]);
    expect(snapshot.absence).toBeNull();
  });

  it('keeps the episode open through a camera outage and does not re-alert when coverage returns', () => {
    const { events, snapshot } = run([
      { lastSeenMs: T0, nowMs: T0 },
      { lastSeenMs: T0, nowMs: T0 + 6 * MIN },
      {
        lastSeenMs: T0,
        nowMs: T0 + 8 * MIN,
        coveringCamerasHealthy: false,
        camerasDownSinceMs: T0 + 7 * MIN,
      },
      { lastSeenMs: T0, nowMs: T0 + 20 * MIN, coverageRestoredMs: T0 + 19 * MIN },
      { lastSeenMs: T0, nowMs: T0 + 30 * MIN, coverageRestoredMs: T0 + 19 * MIN },
    ]);
    expect(events[2]).toEqual([
      { type: 'presence.changed', from: 'off', to: 'unknown', reason: 'cameras_down', atMs: T0 + 8 * MIN },
      { type: 'coverage.lost', reason: 'cameras_down', duringAbsence: true, atMs: T0 + 8 * MIN },
    ]);
    expect(types(events[3]!)).toEqual(['presence.changed', 'coverage.restored']);
    expect(types(events[4]!)).toEqual(['presence.changed']);
    expect(snapshot.absence).toEqual({ awaySinceMs: T0, startedMs: T0 + 6 * MIN });
  });

  it('a person available when the cameras die is unknown, not off, and gets no episode', () => {
    const { events, snapshot } = run([
      { lastSeenMs: T0, nowMs: T0 },
      { lastSeenMs: T0, nowMs: T0 + 30 * MIN, coveringCamerasHealthy: false },
    ]);
    expect(types(events[1]!)).toEqual(['presence.changed', 'coverage.lost']);
    expect(events[1]![1]).toMatchObject({ duringAbsence: false });
    expect(snapshot).toMatchObject({ state: 'unknown', absence: null });
  });

  it('closes the old episode and opens a new one when seen and gone again between ticks', () => {
    const { events } = run([
      { lastSeenMs: T0, nowMs: T0 },
      { lastSeenMs: T0, nowMs: T0 + 6 * MIN },
      { lastSeenMs: T0 + 20 * MIN, nowMs: T0 + 40 * MIN },
    ]);
    expect(events[2]).toEqual([
      { type: 'absence.ended', awaySinceMs: T0, awayMs: 20 * MIN, endedBy: 'returned', atMs: T0 + 40 * MIN },
      { type: 'absence.started', awaySinceMs: T0 + 20 * MIN, atMs: T0 + 40 * MIN },
    ]);
  });

  it('keeps changedAtMs while the state holds', () => {
    const { snapshot } = run([
      { lastSeenMs: T0, nowMs: T0 },
      { lastSeenMs: T0 + MIN, nowMs: T0 + 2 * MIN },
    ]);
    expect(snapshot.changedAtMs).toBe(T0);
  });
});

describe('reconcileAfterRestart', () => {
  it('continues a still-open episode without a second absence.started', () => {
    const t = reconcileAfterRestart(
      { lastSeenMs: T0, openAbsence: { awaySinceMs: T0, startedMs: T0 + 6 * MIN }, checkedInForWindowMs: T0 },
      input({ nowMs: T0 + 30 * MIN }),
    );
    expect(t.events).toEqual([
      { type: 'presence.changed', from: null, to: 'off', reason: 'left', atMs: T0 + 30 * MIN },
    ]);
    expect(t.snapshot.absence).toEqual({ awaySinceMs: T0, startedMs: T0 + 6 * MIN });
  });

  it('closes an episode when the person was seen while the server was down', () => {
    const t = reconcileAfterRestart(
      {
        lastSeenMs: T0 + 29 * MIN,
        openAbsence: { awaySinceMs: T0, startedMs: T0 + 6 * MIN },
        checkedInForWindowMs: T0,
      },
      input({ lastSeenMs: T0 + 29 * MIN, nowMs: T0 + 30 * MIN }),
    );
    expect(types(t.events)).toEqual(['absence.ended', 'presence.changed']);
    expect(t.events[0]).toMatchObject({ awayMs: 29 * MIN, endedBy: 'returned' });
  });

  it('opens an absence that began while the server was down', () => {
    const t = reconcileAfterRestart(
      { lastSeenMs: T0, openAbsence: null, checkedInForWindowMs: T0 },
      input({ nowMs: T0 + 30 * MIN }),
    );
    expect(types(t.events)).toEqual(['presence.changed', 'absence.started']);
    expect(t.snapshot.absence).toEqual({ awaySinceMs: T0, startedMs: T0 + 30 * MIN });
  });

  it('ends an episode silently when the restart lands after working hours', () => {
    const t = reconcileAfterRestart(
      { lastSeenMs: T0, openAbsence: { awaySinceMs: T0, startedMs: T0 + 6 * MIN } },
      input({ nowMs: T0 + 12 * 60 * MIN, withinWorkingHours: false }),
    );
    expect(t.events[0]).toMatchObject({ type: 'absence.ended', endedBy: 'working_hours_ended' });
    expect(t.snapshot).toMatchObject({ state: 'outside_hours', absence: null });
  });
});
