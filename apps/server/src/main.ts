import { EnvError, parseEnv, type Env } from './platform/config/env.js';
import { composeServer } from './roles/compose.js';
import { composeEdge } from './roles/edge.js';

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (env.HADIR_ROLES.includes('edge')) return runEdge(env);
  const server = await composeServer(env);
  const address = await server.start();
  if (address) server.ctx.log.info(`Hadir is running on ${address.replace('0.0.0.0', 'localhost')}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.ctx.log.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.ctx.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** An edge box: no HTTP server, no database of the hub; runs until SIGTERM. */
async function runEdge(env: Env): Promise<void> {
  const edge = composeEdge(env);
  await edge.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    edge.log.info({ signal }, 'edge shutting down');
    edge.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        edge.log.error({ err }, 'edge shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
