import { createHash } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullPack, readZip, validateUserManifest, type PackManifest } from '../src/index.js';

/** A zip with deflated entries, as InsightFace's release zips are. */
function makeZip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const comp = zlib.deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(zlib.crc32(data), 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(zlib.crc32(data), 16);
    central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, comp);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Object.keys(files).length, 8);
  eocd.writeUInt16LE(Object.keys(files).length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const modelBytes = Buffer.from('pretend this is an ONNX file');
const sha = createHash('sha256').update(modelBytes).digest('hex');
const zip = makeZip({ 'testpack/rec.onnx': modelBytes, 'testpack/other.txt': Buffer.from('x') });
let server: http.Server;
let baseUrl: string;
let dir: string;

function manifest(sha256: string, url: string): PackManifest {
  return validateUserManifest(
    {
      name: 'testpack',
      detector: { kind: 'faceapi-ssd', name: 'faceapi_ssd_mobilenetv1' },
      recognizer: {
        kind: 'onnx',
        name: 'rec',
        file: { path: 'testpack/rec.onnx', sha256 },
        inputSizePx: 112,
        embeddingSize: 512,
        normalization: 'arcface',
      },
      download: { url, installDir: 'testpack' },
    },
    'test',
  );
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hadir-pull-'));
  server = http.createServer((req, res) => {
    if (req.url === '/testpack.zip') res.end(zip);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('pullPack', () => {
  it('reads a deflated zip', () => {
    expect(readZip(zip).map((e) => e.name)).toEqual(['testpack/rec.onnx', 'testpack/other.txt']);
    expect(readZip(zip)[0]!.data().equals(modelBytes)).toBe(true);
  });

  it('downloads, checks sha256 and installs', async () => {
    const installed = await pullPack(manifest(sha, `${baseUrl}/testpack.zip`), { modelsDir: dir });
    expect(installed).toEqual([path.join(dir, 'testpack', 'rec.onnx')]);
    expect((await readFile(installed[0]!)).equals(modelBytes)).toBe(true);
  });

  it('refuses a download whose checksum is wrong', async () => {
    await expect(
      pullPack(manifest('0'.repeat(64), `${baseUrl}/testpack.zip`), { modelsDir: dir }),
    ).rejects.toMatchObject({ code: 'checksum' });
  });

  it('fails with a clear offline message when the host cannot be reached', async () => {
    const err = await pullPack(manifest(sha, 'http://127.0.0.1:1/testpack.zip'), { modelsDir: dir }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'offline' });
    expect(String((err as Error).message)).toMatch(/--from-file/);
    await expect(pullPack(manifest(sha, `${baseUrl}/missing.zip`), { modelsDir: dir })).rejects.toMatchObject(
      { code: 'offline' },
    );
  });
});
