// The main stream is decoded only while small faces ask for it: started by demand(), stopped after idleMs.
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { ManualFrameSource } from './manual-frame-source.js';
import { OnDemandFrameSource } from './on-demand-source.js';

function harness() {
  const clock = new ManualClock(0);
  const made: ManualFrameSource[] = [];
  const source = new OnDemandFrameSource({
    idleMs: 10_000,
    clock,
    create: () => {
      const s = new ManualFrameSource();
      made.push(s);
      return s;
    },
  });
  const frame = (s: ManualFrameSource, atMs: number) =>
    s.push({ data: new Uint8Array(4 * 2 * 3), width: 4, height: 2, capturedAtMs: atMs });
  return { clock, made, source, frame };
}

describe('OnDemandFrameSource', () => {
  it('starts on demand, hands each frame over once, and stops after idleMs without demand', async () => {
    const { clock, made, source, frame } = harness();
    expect(source.running).toBe(false);
    expect(source.take(0, 1000)).toBeNull();
    source.demand();
    expect(source.running).toBe(true);
    expect(made).toHaveLength(1);
    expect(made[0]?.status().state).toBe('starting');

    frame(made[0]!, 100);
    expect(source.take(5000, 1000)?.capturedAtMs ?? null).toBeNull(); // too far in time
    expect(source.take(300, 1000)?.capturedAtMs).toBe(100);
    expect(source.take(300, 1000)).toBeNull(); // already taken: its buffer may be gone
    frame(made[0]!, 600);
    expect(source.take(700, 1000)?.capturedAtMs).toBe(600);

    // Demand keeps it running; 10 s after the last demand it stops.
    clock.advance(6000);
    source.demand();
    clock.advance(6000);
    expect(source.running).toBe(true);
    clock.advance(4001);
    expect(source.running).toBe(false);
    await Promise.resolve();
    expect(made[0]?.status().state).toBe('stopped');

    // A new demand starts a fresh source, whose frames count from 1 again.
    source.demand();
    expect(made).toHaveLength(2);
    frame(made[1]!, 20_000);
    expect(source.take(20_000, 1000)?.seq).toBe(1);
    expect(source.starts).toBe(2);
    expect(source.framesTaken).toBe(3);
    await source.close();
    expect(source.running).toBe(false);
    source.demand(); // closed: stays stopped
    expect(made).toHaveLength(2);
  });
});
