import { PresenceIntervalsPage, PresenceIntervalsQuery, PresenceList, PresenceQuery } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import { assertSameOrigin, serveLiveSocket, type LiveSocketOptions } from './live-socket.js';
import type { PresenceQueries } from './presence-queries.service.js';

export function registerPresenceRoutes(
  app: HttpApp,
  ctx: ServerContext,
  queries: PresenceQueries,
  live: LiveSocketOptions,
): void {
  app.get(
    '/api/presence',
    {
      config: { auth: 'presence:view', limit: 'query' },
      schema: {
        tags: ['presence'],
        summary:
          'Live state per employee (the dashboard), with counts per state; managers see their team (presence:view:all: everyone)',
        querystring: PresenceQuery,
        response: { 200: PresenceList },
      },
    },
    async (req) => queries.live(authOf(req), orgOf(req), req.query),
  );
  app.get(
    '/api/presence/intervals',
    {
      config: { auth: 'presence:view', limit: 'query' },
      schema: {
        tags: ['presence'],
        summary: 'Presence log: one row per stay at a camera (cursor pagination; format=csv exports all)',
        querystring: PresenceIntervalsQuery,
        response: { 200: PresenceIntervalsPage },
      },
    },
    async (req, reply) => {
      if (req.query.format === 'csv') {
        return (
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', 'attachment; filename="presence-log.csv"')
            // A stream bypasses the JSON serializer; the declared schema describes the JSON form.
            .send(
              (await queries.intervalsCsv(
                authOf(req),
                orgOf(req),
                req.query,
              )) as unknown as PresenceIntervalsPage,
            )
        );
      }
      return queries.intervals(authOf(req), orgOf(req), req.query);
    },
  );

  // Live events for the caller's organization, filtered by the caller's permissions (live-socket.ts).
  app.get(
    '/api/ws',
    {
      websocket: true,
      config: { auth: 'org' },
      schema: { hide: true },
      preValidation: async (req) => assertSameOrigin(req, ctx.env.HADIR_PUBLIC_URL),
    },
    (socket, req) => serveLiveSocket(ctx, live, socket, req, authOf(req)),
  );
}
