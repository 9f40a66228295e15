import type { WsServerMessage } from '@hadir/contracts';
import { PresenceIntervalsPage, PresenceIntervalsQuery, PresenceList, PresenceQuery } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { HttpApp } from '../../platform/http/app.js';
import { authOf, orgOf } from '../auth/index.js';
import type { PresenceQueries } from './presence-queries.service.js';

export function registerPresenceRoutes(app: HttpApp, ctx: ServerContext, queries: PresenceQueries): void {
  app.get(
    '/api/presence',
    {
      config: { auth: 'presence:view' },
      schema: {
        tags: ['presence'],
        summary: 'Live state per employee (the dashboard), with counts per state',
        querystring: PresenceQuery,
        response: { 200: PresenceList },
      },
    },
    async (req) => queries.live(orgOf(req), req.query),
  );
  app.get(
    '/api/presence/intervals',
    {
      config: { auth: 'presence:view' },
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
            .send(queries.intervalsCsv(orgOf(req), req.query) as unknown as PresenceIntervalsPage)
        );
      }
      return queries.intervals(orgOf(req), req.query);
    },
  );

  // Live dashboard events for the caller's organization only (session cookie or token).
  app.get('/api/ws', { websocket: true, config: { auth: 'org' }, schema: { hide: true } }, (socket, req) => {
    const orgId = orgOf(req);
    const send = (m: WsServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
    };
    const unsubscribe = [
      ctx.events.subscribe('camera.statusChanged', (e) => {
        if (e.organizationId === orgId) send({ type: 'camera.status', camera: e.camera });
      }),
      ctx.events.subscribe('camera.removed', (e) => {
        if (e.organizationId === orgId) send({ type: 'camera.removed', cameraId: e.cameraId });
      }),
      ctx.events.subscribe('presence.changed', (e) => {
        if (e.organizationId === orgId) send({ type: 'presence.changed', presence: e.presence });
      }),
      ctx.events.subscribe('alert.opened', (e) => {
        if (e.organizationId === orgId) send({ type: 'alert.opened', alert: e.alert });
      }),
      ctx.events.subscribe('alert.updated', (e) => {
        if (e.organizationId === orgId) send({ type: 'alert.updated', alert: e.alert });
      }),
      ctx.events.subscribe('alert.resolved', (e) => {
        if (e.organizationId === orgId) send({ type: 'alert.resolved', alert: e.alert });
      }),
      // Video processing progress only to callers who may see the video library.
      ctx.events.subscribe('video.progress', ({ organizationId, ...progress }) => {
        if (organizationId === orgId && authOf(req).permissions.has('video:view'))
          send({ type: 'video.progress', ...progress });
      }),
    ];
    socket.on('close', () => unsubscribe.forEach((u) => u()));
    send({ type: 'hello', organizationId: orgId, at: toIso(ctx.clock.nowMs()) });
  });
}
