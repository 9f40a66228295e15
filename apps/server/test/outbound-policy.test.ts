// Issue 9 #1, #3, #8, #13: server-side request forgery through camera sources and notification channels.
// Real listeners on loopback prove that not one byte reaches them while the loopback opt-in is off.
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasBinary } from '@hadir/testing';
import { parseEnv } from '../src/platform/config/env.js';
import { guardedFetch } from '../src/platform/net/guarded-fetch.js';
import { AddressPolicy, PRIVATE_NETWORKS, embeddedIpv4 } from '../src/platform/net/outbound-policy.js';
import { dialects, setupOrganization, startTestServer, type Client, type TestServer } from './support.js';

const ffmpeg = hasBinary('ffmpeg');

interface Listener {
  port: number;
  connections: () => number;
  bytes: () => number;
  close: () => Promise<void>;
}

async function tcpListener(): Promise<Listener> {
  let connections = 0;
  let bytes = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('data', (d) => (bytes += d.length));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    bytes: () => bytes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('address policy (pure)', () => {
  const policy = new AddressPolicy({
    allowLoopback: false,
    cameraAllowedNetworks: [...PRIVATE_NETWORKS],
    channelAllowedNetworks: [],
  });

  it('always refuses loopback, link-local/metadata, unspecified, multicast, in every spelling', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:127.0.0.1',
      '::127.0.0.1',
      '64:ff9b::7f00:1',
      '2002:7f00:1::',
      '169.254.169.254',
      '::ffff:169.254.169.254',
      'fe80::1',
      '0.0.0.0',
      '::',
      '224.0.0.1',
      'ff02::1',
      '255.255.255.255',
      '100.100.100.200',
      'fd00:ec2::254',
    ]) {
      expect(policy.refusal(address, 'camera'), address).not.toBeNull();
      expect(policy.refusal(address, 'channel'), address).not.toBeNull();
    }
  });

  it('private ranges: allowed for cameras by default, for channels only when listed', () => {
    for (const address of [
      '10.1.2.3',
      '172.20.0.5',
      '192.168.1.64',
      '100.64.0.1',
      'fd12::5',
      '::ffff:10.0.0.1',
    ]) {
      expect(policy.refusal(address, 'camera'), address).toBeNull();
      expect(policy.refusal(address, 'channel'), address).toMatch(/HADIR_OUTBOUND_ALLOWED_NETWORKS/);
    }
    const narrow = new AddressPolicy({
      allowLoopback: false,
      cameraAllowedNetworks: ['192.168.10.0/24'],
      channelAllowedNetworks: ['10.9.0.0/16'],
    });
    expect(narrow.refusal('192.168.10.7', 'camera')).toBeNull();
    expect(narrow.refusal('192.168.11.7', 'camera')).toMatch(/HADIR_CAMERA_ALLOWED_NETWORKS/);
    expect(narrow.refusal('10.9.3.3', 'channel')).toBeNull();
    expect(narrow.refusal('8.8.8.8', 'channel')).toBeNull();
  });

  it('loopback only with the explicit opt-in, and never link-local', () => {
    const dev = new AddressPolicy({
      allowLoopback: true,
      cameraAllowedNetworks: [],
      channelAllowedNetworks: [],
    });
    expect(dev.refusal('127.0.0.1', 'channel')).toBeNull();
    expect(dev.refusal('::1', 'camera')).toBeNull();
    expect(dev.refusal('169.254.169.254', 'camera')).not.toBeNull();
    expect(embeddedIpv4('::ffff:c0a8:101')).toBe('192.168.1.1');
    expect(embeddedIpv4('2001:db8::1')).toBeNull();
  });
});

describe('outbound settings (environment)', () => {
  const base = { HADIR_DATA_DIR: '/tmp/hadir-env-test' };
  it('defaults: private ranges for cameras, none for channels, no loopback, media under the data dir', () => {
    const env = parseEnv(base, []);
    expect(env.outbound).toEqual({
      allowLoopback: false,
      cameraAllowedNetworks: [...PRIVATE_NETWORKS],
      channelAllowedNetworks: [],
    });
    expect(env.mediaDir).toBe(path.resolve('/tmp/hadir-env-test/media'));
  });
  it('a bad network list stops boot naming the bad entries', () => {
    expect(() =>
      parseEnv({ ...base, HADIR_CAMERA_ALLOWED_NETWORKS: '10.0.0.0/8,10.0.0.0/33,cams' }, []),
    ).toThrow(/HADIR_CAMERA_ALLOWED_NETWORKS: .*10\.0\.0\.0\/33, cams/);
    expect(
      parseEnv({ ...base, HADIR_CAMERA_ALLOWED_NETWORKS: 'none' }, []).outbound.cameraAllowedNetworks,
    ).toEqual([]);
  });
});

describe('guardedFetch (channels)', () => {
  const servers: http.Server[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));
  async function httpServer(handler: http.RequestListener) {
    let hits = 0;
    const server = http.createServer((req, res) => {
      hits++;
      handler(req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
  }

  it('checks the address at connect time: a name that resolves to loopback (DNS rebinding) gets no byte', async () => {
    const l = await tcpListener();
    const policy = new AddressPolicy({
      allowLoopback: false,
      cameraAllowedNetworks: [],
      channelAllowedNetworks: [],
    });
    const rebinding = async () => [{ address: '127.0.0.1', family: 4 }];
    const f = guardedFetch(policy, 'channel', rebinding);
    await expect(f(`http://gateway.example:${l.port}/send`, { method: 'POST', body: 'x' })).rejects.toThrow(
      /loopback/,
    );
    await expect(f(`http://127.0.0.1:${l.port}/`)).rejects.toThrow(/loopback/);
    await expect(f(`http://[::ffff:127.0.0.1]:${l.port}/`)).rejects.toThrow(/loopback/);
    await settle();
    expect([l.connections(), l.bytes()]).toEqual([0, 0]);
    await l.close();
  });

  it('never follows a redirect (a 3xx is the answer)', async () => {
    const target = await httpServer((_req, res) => res.end('internal'));
    const redirector = await httpServer((_req, res) => {
      res.writeHead(302, { location: `${target.url}/metrics` });
      res.end();
    });
    const policy = new AddressPolicy({
      allowLoopback: true,
      cameraAllowedNetworks: [],
      channelAllowedNetworks: [],
    });
    const res = await guardedFetch(policy, 'channel')(`${redirector.url}/send`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(302);
    expect(redirector.hits()).toBe(1);
    expect(target.hits()).toBe(0);
  });
});

describe.each(await dialects())('outbound-target policy over the API (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let l: Listener;

  beforeAll(async () => {
    // The loopback opt-in the other tests use is OFF here: this is production behaviour.
    t = await startTestServer(dialect, { HADIR_OUTBOUND_ALLOW_LOOPBACK: 'false' });
    ({ client: admin, orgId } = await setupOrganization(t.app));
    l = await tcpListener();
  });
  afterAll(async () => {
    await l.close();
    await t.server.modules.cameras.stop();
    await t.close();
  });

  it.skipIf(!ffmpeg.ok)(
    'test-source refuses protocol prefixes, loopback and metadata addresses: no byte sent',
    async () => {
      const p = l.port;
      for (const source of [
        `async:gopher://127.0.0.1:${p}/9/x%0D%0AECHO%20probe%0D%0AQUIT`,
        `cache:gopher://127.0.0.1:${p}/9/x`,
        `gopher://127.0.0.1:${p}/x`,
        `rtsp://127.0.0.1:${p}/cam`,
        `rtsp://localhost:${p}/cam`,
        `rtsp://2130706433:${p}/cam`,
        `rtsp://[::ffff:127.0.0.1]:${p}/cam`,
        `http://127.0.0.1:${p}/mjpg`,
        `rtsp://127.0.0.1:${p}/x\r\nECHO probe`,
        `rtsp://10.0.0.5/cam?http`,
        'http://169.254.169.254/latest/meta-data/',
      ]) {
        const res = await admin.post('/api/cameras/test-source', { source });
        expect(res.statusCode, `${source}: ${res.body}`).toBe(400);
      }
      const create = await admin.post('/api/cameras', {
        id: 'evil',
        name: 'Evil',
        source: `rtsp://127.0.0.1:${p}/x`,
      });
      expect(create.statusCode).toBe(400);
      expect(create.json<{ error: { message: string } }>().error.message).toMatch(/loopback/);
      await settle();
      expect([l.connections(), l.bytes()]).toEqual([0, 0]);
    },
  );

  it('a camera file on disk with a refused source is reported invalid and never started', async () => {
    const dir = path.join(t.server.ctx.env.cameraConfigDir, 'sneaky');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ name: 'Sneaky', source: `rtsp://127.0.0.1:${l.port}/x` }),
    );
    await t.server.modules.cameras.start();
    const cam = (await admin.get('/api/cameras/sneaky')).json<{ valid: boolean; issues: string[] }>();
    expect(cam.valid).toBe(false);
    expect(cam.issues[0]).toMatch(/source: .*loopback/);
    const stop = await t.server.modules.pipeline.start(new Set(['pipeline']));
    try {
      await settle();
      expect(t.server.modules.pipeline.runningCameras).not.toContain('sneaky');
    } finally {
      await stop();
    }
    expect([l.connections(), l.bytes()]).toEqual([0, 0]);
  });

  it('file sources play only from the organization media folder; errors do not reveal other paths', async () => {
    const media = t.server.modules.cameras.mediaDirOf(orgId);
    fs.mkdirSync(media, { recursive: true });
    fs.writeFileSync(path.join(media, 'lobby.mp4'), 'not really a video');
    const other = path.join(t.server.ctx.env.mediaDir, 'another-org');
    fs.mkdirSync(other, { recursive: true });
    fs.writeFileSync(path.join(other, 'secret.mp4'), 'x');
    fs.symlinkSync(path.join(other, 'secret.mp4'), path.join(media, 'link.mp4'));
    const messageFor = async (source: string) => {
      const res = await admin.post('/api/cameras', { id: 'file-cam', name: 'File', source });
      expect(res.statusCode, source).toBe(400);
      return res.json<{ error: { message: string } }>().error.message;
    };
    const existing = await messageFor(path.join(other, 'secret.mp4'));
    expect(await messageFor('/nonexistent/x.mp4')).toBe(existing);
    expect(await messageFor('/etc/passwd')).toBe(existing);
    expect(await messageFor('../another-org/secret.mp4')).toBe(existing);
    expect(await messageFor('link.mp4')).toBe(existing);
    expect(await messageFor(`file://${path.join(other, 'secret.mp4')}`)).toBe(existing);
    const ok = await admin.post('/api/cameras', { id: 'file-cam', name: 'File', source: 'lobby.mp4' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await admin.delete('/api/cameras/file-cam')).statusCode).toBe(200);
  });

  it('an HTTP gateway channel cannot target loopback or metadata (save and send); no byte sent', async () => {
    for (const url of [
      `http://127.0.0.1:${l.port}/metrics`,
      `http://localhost:${l.port}/metrics`,
      `http://[::1]:${l.port}/`,
      'http://169.254.169.254/latest/meta-data/',
      `http://{{to}}.example/send`,
      `gopher://127.0.0.1:${l.port}/x`,
    ]) {
      const res = await admin.post('/api/notification-channels', {
        type: 'http_gateway',
        name: 'Gateway',
        settings: { url, method: 'POST', bodyTemplate: '{"to":{{to}}}' },
      });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
    }
    const wa = await admin.post('/api/notification-channels', {
      type: 'whatsapp_cloud',
      name: 'WhatsApp',
      settings: { baseUrl: `http://127.0.0.1:${l.port}`, phoneNumberId: '1' },
      secrets: { accessToken: 'token' },
    });
    expect(wa.statusCode).toBe(400);
    await settle();
    expect([l.connections(), l.bytes()]).toEqual([0, 0]);
  });
});
