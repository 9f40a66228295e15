import type { ServerContext } from '../../context.js';
import type { ReportsService } from './reports.service.js';

/**
 * Worker role: a once-a-minute tick sends the reports that are due. The tick is stateless; report_runs
 * makes it exactly-once per supervisor and day, whatever the number of workers or restarts.
 */
export function startReportWorker(
  ctx: ServerContext,
  reports: ReportsService,
  tickMs = 60_000,
): () => Promise<void> {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await reports.sendDueReports();
    } catch (err) {
      ctx.log.error({ err }, 'daily report tick failed');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), tickMs);
  timer.unref();
  return async () => clearInterval(timer);
}
