/**
 * The people the simulated edges see (bench-ingest.ts). Each active camera has `peoplePerCamera`
 * residents, each sighted once every `sightingIntervalMs` at their own phase; people leave and fresh
 * ones arrive at `arrivalsPerSecond` (churn), so the hub sees first sightings — arrivals, which turn a
 * person `available` and so reach the dashboard as `presence.changed` — all through the run, not only
 * when cameras are added. Residents of cameras added by a step arrive spread over `spreadMs`, as a
 * morning would bring them, not in one burst. Pure bookkeeping: no I/O, time comes in as arguments.
 */

export interface SimCamera {
  id: string;
  edge: number;
}

interface Resident {
  employeeId: string;
  cameraIndex: number;
  /** The next sighting's time (ms); a resident is sighted at startsAtMs, +interval, … */
  nextMs: number;
  firstPushed: boolean;
}

export interface DueSighting {
  employeeId: string;
  cameraId: string;
  atMs: number;
  /** The person's first sighting in this run: the dashboard should show them arrive. */
  arrival: boolean;
}

export class PeopleOnCameras {
  private readonly residents: Resident[] = [];
  private readonly free: string[];
  private active = 0;
  private churnCarry = 0;
  /** Arrivals the churn could not make because every employee had been used. */
  exhausted = 0;

  constructor(
    private readonly cameras: readonly SimCamera[],
    employeeIds: readonly string[],
    private readonly opts: { peoplePerCamera: number; sightingIntervalMs: number; random: () => number },
  ) {
    this.free = [...employeeIds];
  }

  get activeCameras(): number {
    return this.active;
  }

  get residentCount(): number {
    return this.residents.length;
  }

  /** Turns on cameras up to `count` (in list order); their residents arrive over [nowMs, nowMs+spreadMs). */
  activate(count: number, nowMs: number, spreadMs: number): void {
    if (count > this.cameras.length) throw new Error(`only ${this.cameras.length} cameras exist`);
    for (let c = this.active; c < count; c++) {
      for (let k = 0; k < this.opts.peoplePerCamera; k++) {
        const employeeId = this.free.pop();
        if (!employeeId) throw new Error('not enough employees for the cameras: raise --employees');
        this.residents.push({
          employeeId,
          cameraIndex: c,
          nextMs: nowMs + Math.floor(this.opts.random() * spreadMs),
          firstPushed: false,
        });
      }
    }
    this.active = Math.max(this.active, count);
  }

  /** `elapsedMs` of churn at `perSecond`: that many residents leave, fresh employees take their place. */
  churn(perSecond: number, elapsedMs: number, nowMs: number): void {
    this.churnCarry += (perSecond * elapsedMs) / 1000;
    while (this.churnCarry >= 1 && this.residents.length > 0) {
      this.churnCarry -= 1;
      const employeeId = this.free.pop();
      if (!employeeId) {
        this.exhausted++;
        continue;
      }
      const i = Math.floor(this.opts.random() * this.residents.length);
      const leaving = this.residents[i]!;
      // The one who leaves is simply not sighted again (their stay ends by the absence window).
      this.residents[i] = {
        employeeId,
        cameraIndex: leaving.cameraIndex,
        nextMs: nowMs + Math.floor(this.opts.random() * this.opts.sightingIntervalMs),
        firstPushed: false,
      };
    }
  }

  /** Sightings of the cameras on `edge` due by `nowMs`, in time order; advances each resident. */
  takeDue(edge: number, nowMs: number): DueSighting[] {
    const out: DueSighting[] = [];
    for (const r of this.residents) {
      const camera = this.cameras[r.cameraIndex]!;
      if (camera.edge !== edge) continue;
      while (r.nextMs <= nowMs) {
        out.push({ employeeId: r.employeeId, cameraId: camera.id, atMs: r.nextMs, arrival: !r.firstPushed });
        r.firstPushed = true;
        r.nextMs += this.opts.sightingIntervalMs;
      }
    }
    return out.sort((a, b) => a.atMs - b.atMs);
  }

  /** The active cameras of one edge (for its health reports). */
  camerasOf(edge: number): SimCamera[] {
    return this.cameras.slice(0, this.active).filter((c) => c.edge === edge);
  }
}

/** A small seeded generator (mulberry32), so two runs place people alike. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
