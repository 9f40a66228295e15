// Resumable (chunked) video uploads on real ffmpeg/ffprobe, on SQLite and PostgreSQL: a file sent in
// chunks, a connection that breaks mid-chunk and resumes from the server's offset, wrong offsets, oversize
// chunks and files, a corrupt file refused at completion with nothing left behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoSummary, VideoUploadSession } from '@hadir/contracts';
import { type Client, dialects, setupOrganization, startTestServer, type TestServer } from './support.js';

type Err = { error: { code: string; message: string; details?: { offset?: number } } };
const CHUNK = { 'content-type': 'application/offset+octet-stream' };

describe.each(await dialects())('resumable video upload (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let mp4: Buffer;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-upload-'));
  const sessions = () => {
    const dir = path.join(t.dataDir, 'video-uploads', orgId);
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };
  const put = (id: string, offset: number, bytes: Buffer) =>
    admin.request('PUT', `/api/videos/uploads/${id}?offset=${offset}`, bytes, CHUNK);

  beforeAll(async () => {
    // A real 4-second H.264 clip made by ffmpeg (about 100 KB, so it is sent in several chunks below).
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=640x360:rate=15:duration=4',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      path.join(tmp, 'clip.mp4'),
    ]);
    mp4 = fs.readFileSync(path.join(tmp, 'clip.mp4'));
    t = await startTestServer(dialect, { HADIR_VIDEO_MAX_BYTES: String(mp4.length + 10) });
    ({ client: admin, orgId } = await setupOrganization(t.app));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('takes a file in chunks, resumes after a wrong offset, and adds it to the library', async () => {
    const created = await admin.post('/api/videos/uploads', { fileName: 'lobby.mp4', sizeBytes: mp4.length });
    expect(created.statusCode).toBe(200);
    const s = created.json<VideoUploadSession>();
    expect(s).toMatchObject({ fileName: 'lobby.mp4', sizeBytes: mp4.length, offset: 0 });
    expect(s.chunkBytes).toBeGreaterThan(0);

    const third = Math.ceil(mp4.length / 3);
    expect((await put(s.id, 0, mp4.subarray(0, third))).json<VideoUploadSession>().offset).toBe(third);
    // The client lost the answer and sends the first chunk again: refused, with the offset to resume from.
    const again = await put(s.id, 0, mp4.subarray(0, third));
    expect(again.statusCode).toBe(409);
    expect(again.json<Err>().error).toMatchObject({ code: 'offset_mismatch', details: { offset: third } });
    // Completing early is refused and loses nothing.
    const early = await admin.post(`/api/videos/uploads/${s.id}/complete`);
    expect(early.statusCode).toBe(409);
    expect(early.json<Err>().error.code).toBe('upload_incomplete');
    // After a "restart" the client asks where it stands and goes on from there.
    const status = (await admin.get(`/api/videos/uploads/${s.id}`)).json<VideoUploadSession>();
    expect(status.offset).toBe(third);
    await put(s.id, third, mp4.subarray(third, 2 * third));
    // A chunk that would pass the declared size is refused and cut back; the bytes before it stay.
    const over = await put(s.id, 2 * third, Buffer.concat([mp4.subarray(2 * third), Buffer.alloc(50, 1)]));
    expect(over.statusCode).toBe(413);
    expect(over.json<Err>().error.code).toBe('chunk_too_large');
    expect((await admin.get(`/api/videos/uploads/${s.id}`)).json<VideoUploadSession>().offset).toBe(
      2 * third,
    );
    expect((await put(s.id, 2 * third, mp4.subarray(2 * third))).json<VideoUploadSession>().offset).toBe(
      mp4.length,
    );

    const done = await admin.post(`/api/videos/uploads/${s.id}/complete`);
    expect(done.statusCode).toBe(200);
    const video = done.json<VideoSummary>();
    expect(video).toMatchObject({ title: 'lobby', status: 'queued', width: 640, height: 360 });
    expect(video.durationSec).toBeCloseTo(4, 0);
    expect(video.sizeBytes).toBe(mp4.length);
    // The stored original is byte-for-byte the file that was sent.
    const stored = fs.readFileSync(path.join(t.dataDir, 'videos', orgId, video.id, 'original.mp4'));
    expect(stored.equals(mp4)).toBe(true);
    expect(sessions()).toEqual([]);
    expect((await admin.get(`/api/videos/uploads/${s.id}`)).statusCode).toBe(404);
  });

  it('takes a chunk over a real HTTP connection (a streamed body, not only injected requests)', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const s = (
      await admin.post('/api/videos/uploads', { fileName: 'net.mp4', sizeBytes: 1000 })
    ).json<VideoUploadSession>();
    const res = await fetch(`${address}/api/videos/uploads/${s.id}?offset=0`, {
      method: 'PUT',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, ...CHUNK },
      body: new Uint8Array(mp4.subarray(0, 600)),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as VideoUploadSession).offset).toBe(600);
    expect((await admin.delete(`/api/videos/uploads/${s.id}`)).statusCode).toBe(200);
  });

  it('refuses a wrong type, a file over the limit and a wrong media type before taking any bytes', async () => {
    const txt = await admin.post('/api/videos/uploads', { fileName: 'notes.txt', sizeBytes: 10 });
    expect(txt.statusCode).toBe(400);
    expect(txt.json<Err>().error.code).toBe('unsupported_type');
    const big = await admin.post('/api/videos/uploads', { fileName: 'big.mkv', sizeBytes: mp4.length + 11 });
    expect(big.statusCode).toBe(413);
    expect(big.json<Err>().error.code).toBe('too_large');
    const s = (
      await admin.post('/api/videos/uploads', { fileName: 'x.mov', sizeBytes: 10 })
    ).json<VideoUploadSession>();
    const json = await admin.request('PUT', `/api/videos/uploads/${s.id}?offset=0`, { a: 1 });
    expect(json.statusCode).toBe(415);
    expect((await admin.delete(`/api/videos/uploads/${s.id}`)).statusCode).toBe(200);
    expect(sessions()).toEqual([]);
  });

  it('refuses a corrupt file at completion with a clear error and leaves nothing behind', async () => {
    const garbage = Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42'), Buffer.alloc(4096, 7)]);
    const s = (
      await admin.post('/api/videos/uploads', { fileName: 'broken.mp4', sizeBytes: garbage.length })
    ).json<VideoUploadSession>();
    await put(s.id, 0, garbage);
    const res = await admin.post(`/api/videos/uploads/${s.id}/complete`);
    expect(res.statusCode).toBe(400);
    expect(res.json<Err>().error.code).toMatch(/^video_/);
    expect(res.json<Err>().error.message).toContain('broken.mp4');
    expect(sessions()).toEqual([]);
    const folders = fs.readdirSync(path.join(t.dataDir, 'videos', orgId)).filter((d) => d !== 'persons');
    expect(folders).toHaveLength(1); // only the clip of the first test
  });
});
