/**
 * CPU and memory of a set of processes, read from /proc (Linux). A bench names the processes it charges
 * (a server, the PostgreSQL backends serving it) and samples them; a window's CPU is what those processes
 * spent inside it, counting a process that started inside the window from zero, so short-lived backends
 * are not lost and long-lived ones are not charged for their past.
 */
import fs from 'node:fs';

/** Linux reports utime/stime/starttime in clock ticks; 100 per second on every kernel we run on. */
const CLOCK_TICKS_PER_S = 100;

export interface ProcReading {
  /** utime + stime, ms. */
  cpuMs: number;
  /** Start time, ms after boot. */
  startMs: number;
  /** Resident set, bytes. */
  rssBytes: number;
}

export function readProc(pid: number): ProcReading | null {
  let stat: string;
  let status: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null; // exited
  }
  // Fields after the command name, which may hold spaces and parentheses: state is f[0], utime f[11].
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return {
    cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS_PER_S,
    startMs: (Number(f[19]) * 1000) / CLOCK_TICKS_PER_S,
    rssBytes: rssKb * 1024,
  };
}

/** Milliseconds since boot, on the clock /proc's start times use. */
export function uptimeMs(): number {
  return Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
}

/** Busy and total jiffies of the whole machine (every user), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

interface Tracked {
  group: string;
  baseMs: number;
  lastMs: number;
  rssBytes: number;
}

/**
 * One measuring window over groups of processes (e.g. "hub", "postgres"). Call `sample` with the pids
 * each group has now, as often as processes may come and go (once a second is plenty); `result` gives
 * each group's CPU ms in the window and its resident memory at the last sample (peak over samples).
 */
export class CpuWindow {
  private readonly startedUptimeMs = uptimeMs();
  private readonly startedAt = Date.now();
  private readonly startedMachine = machineCpu();
  private readonly procs = new Map<number, Tracked>();
  private readonly peakRss = new Map<string, number>();

  constructor(groups: Record<string, readonly number[]>) {
    this.sample(groups);
  }

  sample(groups: Record<string, readonly number[]>): void {
    const rssNow = new Map<string, number>();
    for (const [group, pids] of Object.entries(groups)) {
      for (const pid of pids) {
        const r = readProc(pid);
        if (!r) continue;
        const known = this.procs.get(pid);
        if (known) {
          known.lastMs = r.cpuMs;
          known.rssBytes = r.rssBytes;
        } else {
          // Started inside the window: all of its CPU belongs here; older: only what follows.
          const baseMs = r.startMs >= this.startedUptimeMs ? 0 : r.cpuMs;
          this.procs.set(pid, { group, baseMs, lastMs: r.cpuMs, rssBytes: r.rssBytes });
        }
        rssNow.set(group, (rssNow.get(group) ?? 0) + r.rssBytes);
      }
    }
    for (const [group, rss] of rssNow) this.peakRss.set(group, Math.max(this.peakRss.get(group) ?? 0, rss));
  }

  result(): {
    seconds: number;
    cpuMs: Record<string, number>;
    peakRssBytes: Record<string, number>;
    /** Share of the whole machine that was busy (every user), 0–100 × cores. */
    machineBusyPercent: number;
  } {
    const cpuMs: Record<string, number> = {};
    for (const p of this.procs.values()) cpuMs[p.group] = (cpuMs[p.group] ?? 0) + (p.lastMs - p.baseMs);
    const m = machineCpu();
    const busyShare = (m.busy - this.startedMachine.busy) / Math.max(1, m.total - this.startedMachine.total);
    return {
      seconds: (Date.now() - this.startedAt) / 1000,
      cpuMs,
      peakRssBytes: Object.fromEntries(this.peakRss),
      machineBusyPercent: busyShare * 100 * coresOnline(),
    };
  }
}

function coresOnline(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8');
  return (line.match(/^cpu\d+ /gm) ?? []).length || 1;
}
