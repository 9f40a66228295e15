import type { WsServerMessage } from '@hadir/contracts';
import type { Permission } from '@hadir/domain';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ServerContext } from '../../context.js';
import { toIso } from '../../platform/clock/clock.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError } from '../../platform/http/errors.js';
import { TeamQueries, inTeamScope, teamScopeOf, type TeamScope } from '../people/index.js';
import { LiveTeamScope } from './live-team-scope.js';

/**
 * The live socket (/api/ws) of one receiver. It sends only what the receiver may read over REST, for as
 * long as the credential that opened it stays valid:
 * - each event needs the permission of its REST twin (cameras: camera:view; presence: presence:view;
 *   alerts: alert:view), and a camera's source is blanked for anyone without camera:manage;
 * - presence and absence alerts go only to those whose team scope holds the employee (a manager: their
 *   reporting subtree; presence:view:all: everyone), as over REST. The scope is kept per socket
 *   (live-team-scope.ts) and dropped on every change of the organization's people or of the caller's
 *   link, so moving someone out of a team stops their events with the next one;
 * - `auth.changed` (sign-out, role change, removal, token revocation) makes the socket re-check its
 *   credential at once, and a timer re-checks it anyway; a credential that lost its organization or any
 *   permission closes the socket (4401): the client reconnects and is judged afresh;
 * - bursts are coalesced per key (the latest state of a camera, an employee, an alert wins) and flushed
 *   every `flushMs`; a client whose queue or socket buffer overflows is closed with 4000 ("resync"), and
 *   the web client reconnects and refetches instead of reading a stale backlog.
 */
export interface LiveSocketOptions {
  reauthenticate: (req: FastifyRequest) => Promise<AuthContext | null>;
  recheckMs: number;
  flushMs: number;
  maxPendingKeys: number;
  maxBufferedBytes: number;
}

export const LIVE_SOCKET_DEFAULTS = {
  recheckMs: 30_000,
  flushMs: 100,
  maxPendingKeys: 2_000,
  maxBufferedBytes: 4 * 1024 * 1024,
} as const;

/** Events that send nothing: they only make a socket forget its team scope (or recheck its credential). */
export const LIVE_SOCKET_CONTROL_EVENTS = [
  'auth.changed',
  'employee.created',
  'employee.updated',
  'employee.deleted',
  'employees.imported',
] as const;

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_RESYNC = 4000;

/** Origins a browser may open the socket from: the server's own and HADIR_PUBLIC_URL's. */
export function assertSameOrigin(req: FastifyRequest, publicUrl: string | undefined): void {
  const origin = req.headers.origin;
  if (origin === undefined) return; // not a browser (a script with a token): Origin protects browsers
  const allowed = new Set<string>();
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  const host = req.headers.host;
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  if (!allowed.has(origin)) {
    throw new AppError(403, 'origin_refused', 'The live socket only accepts this server’s own origin');
  }
}

function samePermissions(a: ReadonlySet<Permission>, b: ReadonlySet<Permission>): boolean {
  return a.size === b.size && [...a].every((p) => b.has(p));
}

export function serveLiveSocket(
  ctx: ServerContext,
  opts: LiveSocketOptions,
  socket: WebSocket,
  req: FastifyRequest,
  initial: AuthContext,
): void {
  const orgId = initial.organizationId;
  if (!orgId) {
    socket.close(CLOSE_UNAUTHORIZED, 'no organization');
    return;
  }
  const can = (p: Permission) => initial.permissions.has(p);
  const pending = new Map<string, WsServerMessage>();
  let flushTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const close = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    cleanup();
    socket.close(code, reason);
  };
  const flush = () => {
    flushTimer = null;
    if (closed || socket.readyState !== socket.OPEN) return;
    for (const m of pending.values()) socket.send(JSON.stringify(m));
    pending.clear();
  };
  const enqueue = (key: string, m: WsServerMessage) => {
    if (closed) return;
    pending.delete(key); // re-insert: the latest state goes out in the order it last changed
    pending.set(key, m);
    if (pending.size > opts.maxPendingKeys || socket.bufferedAmount > opts.maxBufferedBytes) {
      close(CLOSE_RESYNC, 'resync: fell behind');
      return;
    }
    flushTimer ??= setTimeout(flush, opts.flushMs);
  };

  let checking: Promise<void> | null = null;
  const recheck = () => {
    checking ??= opts
      .reauthenticate(req)
      .then((now) => {
        if (
          !now ||
          now.organizationId !== orgId ||
          now.userId !== initial.userId ||
          !samePermissions(now.permissions, initial.permissions)
        ) {
          close(CLOSE_UNAUTHORIZED, 'credentials changed; reconnect');
        }
      })
      .catch(() => close(CLOSE_UNAUTHORIZED, 'credentials could not be checked'))
      .finally(() => {
        checking = null;
      });
  };
  const recheckTimer = setInterval(recheck, opts.recheckMs);

  const team = new LiveTeamScope(
    () => teamScopeOf(new TeamQueries(ctx.db), orgId, initial),
    () => close(CLOSE_RESYNC, 'resync: team could not be loaded'),
  );
  /** Sends `m` when `employeeId` (null: no person, e.g. a camera alert) is in the caller's team scope. */
  const enqueueInTeam = (key: string, employeeId: string | null | undefined, m: WsServerMessage) => {
    if (team.pending > opts.maxPendingKeys) {
      close(CLOSE_RESYNC, 'resync: fell behind');
      return;
    }
    team.with((scope: TeamScope) => {
      if (inTeamScope(scope, employeeId)) enqueue(key, m);
    });
  };
  const forgetTeam = (e: { organizationId: string }) => {
    if (e.organizationId === orgId) team.invalidate();
  };
  if (can('presence:view') || can('alert:view')) team.preload();

  const unsubscribe = [
    ctx.events.subscribeLive('auth.changed', (e) => {
      const mine =
        (e.userId !== null && e.userId === initial.userId) ||
        (e.tokenId !== null && e.tokenId === initial.tokenId);
      if (mine) {
        team.invalidate(); // the caller's own employee link may have moved
        recheck();
      }
    }),
    // Who is in whose team: any change of the people of the organization may move someone.
    ...(['employee.created', 'employee.updated', 'employee.deleted', 'employees.imported'] as const).map(
      (name) => ctx.events.subscribeLive(name, forgetTeam),
    ),
    ctx.events.subscribeLive('camera.statusChanged', (e) => {
      if (e.organizationId !== orgId || !can('camera:view')) return;
      const camera = can('camera:manage') ? e.camera : { ...e.camera, source: '' };
      enqueue(`camera:${e.camera.id}`, { type: 'camera.status', camera });
    }),
    ctx.events.subscribeLive('camera.removed', (e) => {
      if (e.organizationId !== orgId || !can('camera:view')) return;
      enqueue(`camera:${e.cameraId}`, { type: 'camera.removed', cameraId: e.cameraId });
    }),
    ctx.events.subscribeLive('presence.changed', (e) => {
      if (e.organizationId !== orgId || !can('presence:view')) return;
      enqueueInTeam(`presence:${e.presence.employeeId}`, e.presence.employeeId, {
        type: 'presence.changed',
        presence: e.presence,
      });
    }),
    ctx.events.subscribeLive('alert.opened', (e) => {
      if (e.organizationId !== orgId || !can('alert:view')) return;
      enqueueInTeam(`alert-opened:${e.alert.id}`, e.alert.employeeId, {
        type: 'alert.opened',
        alert: e.alert,
      });
    }),
    ctx.events.subscribeLive('alert.updated', (e) => {
      if (e.organizationId !== orgId || !can('alert:view')) return;
      enqueueInTeam(`alert:${e.alert.id}`, e.alert.employeeId, { type: 'alert.updated', alert: e.alert });
    }),
    ctx.events.subscribeLive('alert.resolved', (e) => {
      if (e.organizationId !== orgId || !can('alert:view')) return;
      enqueueInTeam(`alert:${e.alert.id}`, e.alert.employeeId, { type: 'alert.resolved', alert: e.alert });
    }),
    // Attendance captured on phones, with who recorded it and the flags, to attendance viewers.
    ctx.events.subscribeLive('attendance.mobileRecorded', ({ organizationId, record }) => {
      if (organizationId !== orgId || !can('attendance:record:view')) return;
      enqueue(`attendance-mobile:${record.id}`, { type: 'attendance.mobile', record });
    }),
    // Video processing progress only to callers who may see the video library.
    ctx.events.subscribeLive('video.progress', ({ organizationId, ...progress }) => {
      if (organizationId !== orgId || !can('video:view')) return;
      enqueue(`video:${progress.videoId}`, { type: 'video.progress', ...progress });
    }),
    // Dataset extraction and training progress (epoch, loss, validation accuracy), same audience.
    ctx.events.subscribeLive('dataset.progress', ({ organizationId, ...progress }) => {
      if (organizationId !== orgId || !can('video:view')) return;
      enqueue(`dataset:${progress.kind}:${progress.id}:${progress.point?.epoch ?? progress.status}`, {
        type: 'dataset.progress',
        ...progress,
      });
    }),
  ];
  function cleanup() {
    unsubscribe.forEach((u) => u());
    clearInterval(recheckTimer);
    if (flushTimer) clearTimeout(flushTimer);
    pending.clear();
    team.clear();
  }
  socket.on('close', () => {
    closed = true;
    cleanup();
  });
  socket.send(JSON.stringify({ type: 'hello', organizationId: orgId, at: toIso(ctx.clock.nowMs()) }));
}
