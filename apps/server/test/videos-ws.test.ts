// Video processing progress on the live WebSocket goes only to callers who may see the library.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hadir/testing';
import type { WsServerMessage } from '@hadir/contracts';
import {
  type Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';

async function listen(
  url: string,
  cookie: string,
): Promise<{ socket: WebSocket; messages: WsServerMessage[] }> {
  const socket = new WebSocket(url, { headers: { cookie } });
  const messages: WsServerMessage[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as WsServerMessage));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  await waitFor(() => messages.some((m) => m.type === 'hello'), { timeoutMs: 5000, message: 'hello' });
  return { socket, messages };
}

describe.each(await dialects())('video progress over /api/ws (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let wsUrl: string;
  const open: WebSocket[] = [];

  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    wsUrl = `${address.replace(/^http/, 'ws')}/api/ws`;
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await t?.close();
  });

  it('reaches admin and support (video:view), never an officer, never another organization', async () => {
    const support = await userWithRole(t.app, admin, 'support');
    const officer = await userWithRole(t.app, admin, 'officer');
    const [a, s, o] = await Promise.all([admin, support, officer].map((c) => listen(wsUrl, c.cookie)));
    open.push(a!.socket, s!.socket, o!.socket);
    const base = { status: 'processing', stage: 'detecting', progress: 0.5 } as const;
    t.server.ctx.events.publish('video.progress', {
      organizationId: 'another-org',
      videoId: 'vid-foreign',
      ...base,
    });
    t.server.ctx.events.publish('video.progress', { organizationId: orgId, videoId: 'vid-own', ...base });
    const got = (l: { messages: WsServerMessage[] }) =>
      l.messages
        .filter((m) => m.type === 'video.progress')
        .map((m) => (m.type === 'video.progress' ? m.videoId : ''));
    await waitFor(() => got(a!).length > 0 && got(s!).length > 0, { timeoutMs: 5000, message: 'progress' });
    await new Promise((r) => setTimeout(r, 300));
    expect(got(a!)).toEqual(['vid-own']);
    expect(got(s!)).toEqual(['vid-own']);
    expect(got(o!)).toEqual([]);
    expect(a!.messages.find((m) => m.type === 'video.progress')).toEqual({
      type: 'video.progress',
      videoId: 'vid-own',
      ...base,
    });
  });
});
