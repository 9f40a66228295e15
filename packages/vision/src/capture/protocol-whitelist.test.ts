// Issue 9 #1: a source such as "async:gopher://127.0.0.1:6379/…" made ffmpeg send its lines to Redis.
// Real ffmpeg, a real TCP listener on loopback: not one byte may arrive, whatever prefix the source uses.
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { firstSkipReason, hasBinary, titleWithSkip } from '@hadir/testing';
import { probeSource } from './probe-source.js';

const skip = firstSkipReason(hasBinary('ffmpeg'));
const servers: net.Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function listener(): Promise<{ port: number; received: () => number; connections: () => number }> {
  let bytes = 0;
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('data', (d) => (bytes += d.length));
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, received: () => bytes, connections: () => connections };
}

describe.skipIf(skip !== null)(titleWithSkip('ffmpeg protocol whitelist (real ffmpeg)', skip), () => {
  it.each(['async:gopher', 'cache:gopher', 'gopher', 'async:tcp'])(
    'a "%s://" source never reaches a loopback service',
    async (prefix) => {
      const l = await listener();
      const result = await probeSource(
        `${prefix}://127.0.0.1:${l.port}/9/x%0D%0AECHO%20probe%0D%0AQUIT`,
        5000,
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(result.ok).toBe(false);
      expect(l.connections()).toBe(0);
      expect(l.received()).toBe(0);
    },
  );
});
