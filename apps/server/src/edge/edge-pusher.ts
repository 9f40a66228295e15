import type { Clock } from '../platform/clock/clock.js';
import type { Logger } from '../platform/logging/logger.js';
import type { EdgeStore } from './edge-store.js';
import { HubRefused, HubUnreachable, type HubClient } from './hub-client.js';

/** Items per push (the hub accepts up to 1,000). */
const BATCH_ITEMS = 200;
/** Longest wait between tries while the hub is away: a returning link is used within this. */
const MAX_BACKOFF_MS = 15_000;

/** A sleep that stop() cuts short. */
class Waiter {
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
  interrupt(): void {
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }
}

/**
 * Drains the edge's queue to the hub in seq order. An item is deleted only after the hub acknowledged
 * its batch (the hub skips seqs it already applied, so a batch whose answer was lost is simply sent
 * again). While the hub cannot be reached the queue grows and the pusher backs off (1 s doubling to 15
 * s); an empty queue still sends a heartbeat every poll, which is the hub's "last contact".
 */
export class EdgePusher {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly waiter = new Waiter();
  /** Why the last push failed (null after a success): refused credentials are logged once per change. */
  lastError: string | null = null;
  pushed = 0;

  constructor(
    private readonly store: EdgeStore,
    private readonly hub: HubClient,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let backoffMs = 0;
    while (this.running) {
      const items = this.store.peek(BATCH_ITEMS);
      try {
        const result = await this.hub.ingest({
          sentAt: new Date(this.clock.nowMs()).toISOString(),
          queueDepth: Math.max(0, this.store.depth() - items.length),
          items,
        });
        this.store.acknowledge(items.map((i) => i.seq));
        this.pushed += items.length;
        if (this.lastError) this.log.info({ pushed: items.length }, 'edge: hub reachable again');
        this.lastError = null;
        backoffMs = 0;
        if (result.refused > 0) this.log.warn({ refused: result.refused }, 'edge: hub refused items');
        if (items.length === BATCH_ITEMS) continue;
        await this.waiter.sleep(this.pollMs);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (message !== this.lastError) {
          if (error instanceof HubRefused)
            this.log.error({ status: error.status, message }, 'edge: hub refused this edge');
          else this.log.warn({ message, queued: this.store.depth() }, 'edge: hub unreachable; queueing');
        }
        this.lastError = message;
        if (!(error instanceof HubRefused) && !(error instanceof HubUnreachable)) throw error;
        backoffMs =
          error instanceof HubRefused
            ? MAX_BACKOFF_MS
            : Math.min(MAX_BACKOFF_MS, Math.max(1000, backoffMs * 2));
        await this.waiter.sleep(backoffMs);
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waiter.interrupt();
    await this.loop?.catch(() => undefined);
  }
}
