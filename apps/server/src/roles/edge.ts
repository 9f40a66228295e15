import fs from 'node:fs';
import path from 'node:path';
import type { Env } from '../platform/config/env.js';
import { systemClock, type Clock } from '../platform/clock/clock.js';
import { SecretBox } from '../platform/crypto/secret-box.js';
import { randomToken } from '../platform/ids/ids.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import { EdgeAgent } from '../edge/edge-agent.js';
import { EdgeStore } from '../edge/edge-store.js';

export interface HadirEdge {
  agent: EdgeAgent;
  log: Logger;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The composition root of an edge box (`--roles edge --hub URL --enrol-code CODE`): no hub database and
 * no HTTP server; a private data dir with its own secret key, the local store, and the agent.
 */
export function composeEdge(env: Env, opts: { clock?: Clock; logger?: Logger } = {}): HadirEdge {
  const log = opts.logger ?? createLogger(env.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(env.dataDir, 0o700);
  let secret = env.HADIR_SECRET_KEY;
  if (!secret) {
    const file = path.join(env.dataDir, 'secret.key');
    if (!fs.existsSync(file)) fs.writeFileSync(file, randomToken(48), { mode: 0o600 });
    secret = fs.readFileSync(file, 'utf8').trim();
  }
  const store = new EdgeStore(path.join(env.dataDir, 'edge.sqlite'), new SecretBox(secret));
  const agent = new EdgeAgent(env, clock, log, store);
  log.info({ hub: env.HADIR_HUB_URL, dataDir: env.dataDir }, 'hadir edge starting');
  return {
    agent,
    log,
    start: () => agent.start(),
    async stop() {
      await agent.stop();
      store.close();
    },
  };
}
