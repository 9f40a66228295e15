import type { Kysely } from 'kysely';
import type { Env } from './platform/config/env.js';
import type { Clock } from './platform/clock/clock.js';
import type { SecretBox } from './platform/crypto/secret-box.js';
import type { DB } from './platform/db/schema.js';
import type { EventBus } from './platform/events/event-bus.js';
import type { Metrics } from './platform/http/metrics.js';
import type { JobQueue } from './platform/jobs/job-queue.js';
import type { Logger } from './platform/logging/logger.js';

/** The technical adapters every module may use; composition roots build it once. */
export interface ServerContext {
  env: Env;
  db: Kysely<DB>;
  dialect: 'sqlite' | 'postgres';
  clock: Clock;
  log: Logger;
  events: EventBus;
  jobs: JobQueue;
  metrics: Metrics;
  secrets: SecretBox;
}
