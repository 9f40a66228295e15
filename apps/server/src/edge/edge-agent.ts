import os from 'node:os';
import type { Env } from '../platform/config/env.js';
import type { Clock } from '../platform/clock/clock.js';
import type { Logger } from '../platform/logging/logger.js';
import { EdgePipeline } from './edge-pipeline.js';
import { EdgePusher } from './edge-pusher.js';
import type { EdgeStore } from './edge-store.js';
import { HubClient, HubRefused } from './hub-client.js';

/**
 * The `edge` role: enrols once with the one-time code, then keeps three things going — the config
 * poll (cameras and gallery from the hub, applied within a poll of a change), the local pipeline, and
 * the pusher. Without the hub it starts from the config it pulled last and queues what it sees.
 */
export class EdgeAgent {
  readonly hub: HubClient;
  readonly pipeline: EdgePipeline;
  readonly pusher: EdgePusher;
  private version: string | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private lastPollError: string | null = null;

  constructor(
    private readonly env: Env,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly store: EdgeStore,
  ) {
    this.hub = new HubClient(env.HADIR_HUB_URL as string);
    this.pipeline = new EdgePipeline(env, clock, log, store);
    this.pusher = new EdgePusher(store, this.hub, clock, log, env.HADIR_EDGE_POLL_MS);
  }

  async start(): Promise<void> {
    let enrolment = this.store.enrolment();
    if (!enrolment) {
      const code = this.env.HADIR_ENROL_CODE;
      if (!code)
        throw new Error('This edge is not enrolled: start it once with --enrol-code CODE (HADIR_ENROL_CODE)');
      const enrolled = await this.hub.enrol(code, os.hostname());
      enrolment = {
        edgeId: enrolled.edgeId,
        organizationId: enrolled.organizationId,
        credential: enrolled.credential,
      };
      this.store.saveEnrolment(enrolment);
      this.log.info({ edgeId: enrolment.edgeId, organizationId: enrolment.organizationId }, 'edge: enrolled');
    } else if (this.env.HADIR_ENROL_CODE) {
      this.log.info({ edgeId: enrolment.edgeId }, 'edge: already enrolled; the enrol code is not used again');
    }
    this.hub.credential = enrolment.credential;
    this.pipeline.start();
    const stored = this.store.config();
    if (stored) {
      this.version = stored.version;
      await this.pipeline.apply(stored);
    }
    this.pusher.start();
    await this.poll();
    this.pollTimer = setInterval(() => void this.poll(), this.env.HADIR_EDGE_POLL_MS);
    this.pollTimer.unref();
  }

  private poll(): Promise<void> {
    this.polling ??= this.pollNow().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollNow(): Promise<void> {
    try {
      const config = await this.hub.config(this.version);
      this.lastPollError = null;
      if (!config) return;
      this.store.saveConfig(config);
      this.version = config.version;
      await this.pipeline.apply(config);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastPollError) {
        if (error instanceof HubRefused) this.log.error({ message }, 'edge: hub refused the config pull');
        else this.log.warn({ message }, 'edge: config pull failed; running on the stored config');
      }
      this.lastPollError = message;
    }
  }

  async stop(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.polling;
    await this.pipeline.stop();
    // The last sightings were queued by pipeline.stop(); one more push tries to deliver them.
    await this.pusher.stop();
  }
}
