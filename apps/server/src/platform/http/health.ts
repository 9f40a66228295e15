import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { HttpApp } from './app.js';
import type { Metrics } from './metrics.js';

/** Fixed-length digests, so comparing tokens of different lengths is constant-time too. */
const digest = (s: string) => createHash('sha256').update(s).digest();

export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: unknown }>;

/** Named readiness checks: /readyz is 200 only when every one passes, and shows each one's detail. */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }
  async run(): Promise<{ ok: boolean; checks: Record<string, { ok: boolean; detail?: unknown }> }> {
    const out: Record<string, { ok: boolean; detail?: unknown }> = {};
    for (const [name, check] of this.checks) {
      try {
        out[name] = await check();
      } catch (error) {
        out[name] = { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    }
    return { ok: Object.values(out).every((c) => c.ok), checks: out };
  }
}

export function registerHealthRoutes(
  app: HttpApp,
  readiness: Readiness,
  metrics: Metrics,
  version: string,
  metricsToken: string | null = null,
): void {
  app.get(
    '/healthz',
    { schema: { hide: true, response: { 200: z.object({ status: z.literal('ok'), version: z.string() }) } } },
    async () => ({ status: 'ok' as const, version }),
  );
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const result = await readiness.run();
    return reply.code(result.ok ? 200 : 503).send({ status: result.ok ? 'ready' : 'not_ready', ...result });
  });
  // Metrics describe the deployment (routes, load, memory): opt-in, and only for the scraper's token.
  if (!metricsToken) return;
  const expected = digest(metricsToken);
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    const header = req.headers.authorization ?? '';
    const sent = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!sent || !timingSafeEqual(digest(sent), expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: { code: 'unauthorized', message: 'Metrics need the metrics token' } });
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
