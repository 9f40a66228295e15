// Every process a test helper starts is registered here and killed when the test process exits, even if
// the test forgot to call stop(). (The RTSP script also dies with its parent via PR_SET_PDEATHSIG.)
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function trackChild(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    // Only 'exit': signal handlers here would override the test runner's own.
    process.once('exit', killAll);
  }
  return child;
}

/** Ends a child: SIGTERM, then SIGKILL after graceMs. Resolves when it has exited. */
export function endChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
