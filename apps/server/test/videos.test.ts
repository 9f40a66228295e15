// The video library end to end on real ffmpeg, real models and real footage, on SQLite and PostgreSQL.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSharedDir } from '@hadir/testing';
import type { z } from 'zod';
import type {
  VideoCollection,
  VideoDetail,
  VideoLimits,
  VideoPersonSearchResult,
  VideoSummary,
  VideoUploadResponse,
} from '@hadir/contracts';
import {
  type Client,
  dialects,
  setupOrganization,
  startTestServer,
  userWithRole,
  type TestServer,
} from './support.js';

const shared = findSharedDir();
type Upload = z.infer<typeof VideoUploadResponse>;
type Search = z.infer<typeof VideoPersonSearchResult>;
type Err = { error: { code: string; message: string } };
type Res = Awaited<ReturnType<Client['get']>>;
const upl = (r: Res) => r.json<Upload>();
const search = (r: Res) => r.json<Search>();
const GIF = path.join(shared.dataDir, 'videos', 'face-demographics-walking-and-pause.gif');
const READY =
  fs.existsSync(path.join(shared.modelsDir, 'yolox', 'yolox_nano.onnx')) &&
  fs.existsSync(path.join(shared.modelsDir, 'buffalo_sc', 'det_500m.onnx')) &&
  fs.existsSync(GIF);
if (!READY) console.warn(`videos tests skipped: need yolox + face models in ${shared.modelsDir} and ${GIF}`);

/** Several files in one multipart body, as a browser's <input multiple> sends them. */
function multipartFiles(files: { name: string; bytes: Buffer }[], fields: Record<string, string> = {}) {
  const boundary = `----hadir${Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      f.bytes,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe.skipIf(!READY).each(await dialects())('video library (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  let avi: Buffer;
  let mp4: Buffer;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-video-'));

  const upload = (files: { name: string; bytes: Buffer }[], fields?: Record<string, string>) => {
    const m = multipartFiles(files, fields);
    return admin.request('POST', '/api/videos', m.body, m.headers);
  };
  const videoFolders = () => {
    const dir = path.join(t.dataDir, 'videos', orgId);
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => d !== 'persons') : [];
  };

  beforeAll(async () => {
    // A real clip with three known people (all on screen 0–3.4 s): as AVI/MPEG-4 (browsers cannot play
    // it, so a H.264 copy must be made) and as H.264 MP4 (played as it is).
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      GIF,
      '-c:v',
      'mpeg4',
      '-q:v',
      '3',
      path.join(tmp, 'clip.avi'),
    ]);
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-i',
      GIF,
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-movflags',
      '+faststart',
      path.join(tmp, 'clip.mp4'),
    ]);
    avi = fs.readFileSync(path.join(tmp, 'clip.avi'));
    mp4 = fs.readFileSync(path.join(tmp, 'clip.mp4'));
    t = await startTestServer(dialect, { HADIR_MODELS_DIR: shared.modelsDir, HADIR_VIDEO_ANALYSED_FPS: '5' });
    ({ client: admin, orgId } = await setupOrganization(t.app));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the size limit and formats before an upload', async () => {
    const res = await admin.get('/api/videos/limits');
    expect(res.statusCode).toBe(200);
    expect(res.json<unknown>()).toMatchObject({
      maxBytes: 2 * 1024 ** 3,
      extensions: ['mp4', 'avi', 'mov', 'mkv'],
      concurrency: 1,
      personDetector: { name: 'yolox_nano', available: true, commercialUse: true },
    });
  });

  it('refuses a corrupt file and a wrong type with a clear error and leaves nothing behind', async () => {
    const garbage = Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42'), Buffer.alloc(4096, 7)]);
    const bad = await upload([{ name: 'broken.mp4', bytes: garbage }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Err>().error.code).toMatch(/^video_/);
    const txt = await upload([{ name: 'notes.txt', bytes: Buffer.from('hello') }]);
    expect(txt.statusCode).toBe(400);
    expect(txt.json<Err>()).toMatchObject({ error: { code: 'unsupported_type' } });
    // A truncated real video: its header promises frames that are not there.
    const cut = await upload([{ name: 'cut.mp4', bytes: mp4.subarray(0, 600) }]);
    expect(cut.statusCode).toBe(400);
    expect(videoFolders()).toEqual([]);
    expect((await admin.get('/api/videos')).json<{ items: VideoSummary[] }>().items).toEqual([]);
  });

  let aviId = '';
  let mp4Id = '';
  it('accepts several files at once (one bad one reported), probes them and makes posters', async () => {
    const col = await admin.post('/api/video-collections', { name: 'Lobby', retentionDays: 30 });
    expect(col.statusCode).toBe(200);
    const res = await upload(
      [
        { name: 'lobby.avi', bytes: avi },
        { name: 'bad.mkv', bytes: Buffer.alloc(2000, 1) },
        { name: 'lobby.mp4', bytes: mp4 },
      ],
      { collectionId: col.json<z.infer<typeof VideoCollection>>().id },
    );
    expect(res.statusCode).toBe(200);
    const body = upl(res);
    expect(body.rejected).toEqual([expect.objectContaining({ fileName: 'bad.mkv' })]);
    expect(body.videos).toHaveLength(2);
    [aviId, mp4Id] = body.videos.map((v) => v.id) as [string, string];
    expect(body.videos[0]).toMatchObject({
      status: 'queued',
      width: 480,
      height: 270,
      videoCodec: 'mpeg4',
      collectionId: col.json<z.infer<typeof VideoCollection>>().id,
    });
    expect(body.videos[0]!.durationSec).toBeCloseTo(3.4, 0);
    expect(videoFolders().sort()).toEqual([aviId, mp4Id].sort());
    const poster = await admin.get(`/api/videos/${aviId}/poster`);
    expect(poster.statusCode).toBe(200);
    expect(poster.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // Not playable until the H.264 copy exists.
    expect((await admin.get(`/api/videos/${aviId}/media`)).statusCode).toBe(404);
  });

  it('processes: H.264 copy, persons with ranges, the same PERSON codes across both videos', async () => {
    await t.server.ctx.jobs.drain();
    const a = (await admin.get(`/api/videos/${aviId}`)).json<VideoDetail>();
    const b = (await admin.get(`/api/videos/${mp4Id}`)).json<VideoDetail>();
    expect(a).toMatchObject({ status: 'ready', stage: 'done', progress: 1, transcoded: true });
    expect(b).toMatchObject({ status: 'ready', transcoded: false });
    expect(a.framesAnalyzed).toBeGreaterThanOrEqual(15);
    if (b.people.length !== 3 || a.people.some((p) => !b.people.some((q) => q.person.code === p.person.code)))
      console.log(
        JSON.stringify({
          a: a.people.map((p) => [p.person.code, p.faces, p.ranges]),
          b: b.people.map((p) => [p.person.code, p.faces, p.ranges]),
        }),
      );
    expect(a.people).toHaveLength(3);
    for (const p of a.people) {
      expect(p.person.code).toMatch(/^PERSON-\d{4}$/);
      expect(p.ranges).toHaveLength(1);
      expect(p.ranges[0]!.startSec).toBeLessThanOrEqual(0.5);
      expect(p.ranges[0]!.endSec).toBeGreaterThanOrEqual(3);
      expect(p.boxes.length).toBeGreaterThan(10);
      expect(p.faces).toBeGreaterThan(0);
    }
    expect(a.people.map((p) => p.person.code).sort()).toEqual(['PERSON-0001', 'PERSON-0002', 'PERSON-0003']);
    expect(b.people.map((p) => p.person.code).sort()).toEqual(['PERSON-0001', 'PERSON-0002', 'PERSON-0003']);
    // The transcoded copy is real H.264 with the index first.
    const copy = path.join(t.dataDir, 'videos', orgId, aviId, 'playable.mp4');
    const probe = execFileSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,pix_fmt',
      '-of',
      'csv=p=0',
      copy,
    ])
      .toString()
      .trim();
    expect(probe).toBe('h264,yuv420p');
    const head = fs.readFileSync(copy).subarray(0, 64).toString('latin1');
    expect(head.indexOf('moov') === -1 ? fs.readFileSync(copy).indexOf('moov') : 0).toBeLessThan(
      fs.readFileSync(copy).indexOf('mdat'),
    );
  }, 300_000);

  it('serves the video with HTTP Range for seeking', async () => {
    const full = await admin.get(`/api/videos/${aviId}/media`);
    expect(full.statusCode).toBe(200);
    const size = Number(full.headers['content-length']);
    const part = await admin.request('GET', `/api/videos/${aviId}/media`, undefined, {
      range: 'bytes=100-199',
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${size}`);
    expect(part.rawPayload.equals(full.rawPayload.subarray(100, 200))).toBe(true);
    const tail = await admin.request('GET', `/api/videos/${aviId}/media`, undefined, { range: 'bytes=-10' });
    expect(tail.rawPayload.equals(full.rawPayload.subarray(size - 10))).toBe(true);
    const beyond = await admin.request('GET', `/api/videos/${aviId}/media`, undefined, {
      range: `bytes=${size + 5}-`,
    });
    expect(beyond.statusCode).toBe(416);
  });

  it('finds every video and range of a person, renames, merges', async () => {
    const hit = await admin.get('/api/video-persons?q=PERSON-0002');
    const items = search(hit).items;
    expect(items).toHaveLength(1);
    expect(items[0]!.videos.map((v) => v.videoId).sort()).toEqual([aviId, mp4Id].sort());
    const renamed = await admin.patch(`/api/video-persons/${items[0]!.id}`, { name: 'Budi' });
    expect(renamed.json<Err>()).toMatchObject({ code: 'PERSON-0002', name: 'Budi' });
    expect(search(await admin.get('/api/video-persons?q=bud')).items[0]!.code).toBe('PERSON-0002');
    const third = search(await admin.get('/api/video-persons?q=PERSON-0003')).items[0]!;
    const merged = await admin.post(`/api/video-persons/${third.id}/merge`, { intoId: items[0]!.id });
    expect(merged.statusCode).toBe(200);
    const a = (await admin.get(`/api/videos/${aviId}`)).json<VideoDetail>();
    expect(a.people.map((p) => p.person.code).sort()).toEqual(['PERSON-0001', 'PERSON-0002']);
    expect((await admin.get(`/api/video-persons/${third.id}/thumbnail`)).statusCode).toBe(404);
  });

  it('splits a wrong merge: one video of a person becomes a new PERSON code with its own thumbnail', async () => {
    const budi = search(await admin.get('/api/video-persons?q=PERSON-0002')).items[0]!;
    const bad = await admin.post(`/api/video-persons/${budi.id}/split`, {
      videoId: mp4Id,
      rangeIndexes: [7],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<Err>().error.code).toBe('unknown_range');
    const res = await admin.post(`/api/video-persons/${budi.id}/split`, { videoId: mp4Id });
    expect(res.statusCode).toBe(200);
    const fresh = res.json<{ id: string; code: string; name: string | null; employeeId: string | null }>();
    // The next code after the highest one in use (PERSON-0003 was merged away above, as the processing
    // job numbers new persons too).
    expect(fresh).toMatchObject({ code: 'PERSON-0003', name: null, employeeId: null });
    const b = (await admin.get(`/api/videos/${mp4Id}`)).json<VideoDetail>();
    expect(b.people.map((p) => p.person.code).sort()).toEqual(['PERSON-0001', 'PERSON-0003']);
    const moved = b.people.find((p) => p.person.code === 'PERSON-0003')!;
    expect(moved.ranges.length).toBeGreaterThan(0);
    expect(moved.boxes.length).toBeGreaterThan(10);
    const a = (await admin.get(`/api/videos/${aviId}`)).json<VideoDetail>();
    expect(a.people.map((p) => p.person.code).sort()).toEqual(['PERSON-0001', 'PERSON-0002']);
    const thumb = await admin.get(`/api/video-persons/${fresh.id}/thumbnail`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8'); // a JPEG cut from the video
    // PERSON-0002 now shows only in the AVI: splitting that off too would leave nothing.
    const last = await admin.post(`/api/video-persons/${budi.id}/split`, { videoId: aviId });
    expect(last.statusCode).toBe(400);
    expect(last.json<Err>().error.code).toBe('nothing_left');
  });

  it('cancels a queued video; it stays cancelled after the job runs', async () => {
    const res = await upload([{ name: 'again.mp4', bytes: mp4 }]);
    const id = upl(res).videos[0]!.id;
    expect((await admin.post(`/api/videos/${id}/cancel`)).statusCode).toBe(200);
    await t.server.ctx.jobs.drain();
    expect((await admin.get(`/api/videos/${id}`)).json<VideoDetail>()).toMatchObject({
      status: 'cancelled',
      people: [],
    });
    await admin.delete(`/api/videos/${id}`);
  });

  it('keeps the library to its permission: support watches, officer sees nothing, support cannot delete', async () => {
    const support = await userWithRole(t.app, admin, 'support');
    const officer = await userWithRole(t.app, admin, 'officer');
    expect((await support.get(`/api/videos/${aviId}/media`)).statusCode).toBe(200);
    expect((await officer.get(`/api/videos/${aviId}/media`)).statusCode).toBe(403);
    expect((await officer.get('/api/videos')).statusCode).toBe(403);
    expect((await support.delete(`/api/videos/${aviId}`)).statusCode).toBe(403);
  });

  it('deletes a video with its files and everything derived; persons no video shows go too', async () => {
    expect((await admin.delete(`/api/videos/${aviId}`)).statusCode).toBe(200);
    expect(fs.existsSync(path.join(t.dataDir, 'videos', orgId, aviId))).toBe(false);
    expect((await admin.get(`/api/videos/${aviId}`)).statusCode).toBe(404);
    expect(search(await admin.get('/api/video-persons')).items).toHaveLength(2);
    expect((await admin.delete(`/api/videos/${mp4Id}`)).statusCode).toBe(200);
    expect(search(await admin.get('/api/video-persons')).items).toEqual([]);
    expect(fs.readdirSync(path.join(t.dataDir, 'videos', orgId, 'persons'))).toEqual([]);
    const rows = await t.server.ctx.db.selectFrom('videoAppearances').select('id').execute();
    expect(rows).toEqual([]);
    const audit = await t.server.ctx.db
      .selectFrom('auditLog')
      .select('action')
      .where('action', 'like', 'video%')
      .execute();
    expect(audit.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'video.uploaded',
        'video.deleted',
        'video_person.merged',
        'video_person.split',
      ]),
    );
  });
});

describe.each(await dialects())('video upload size limit (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  beforeAll(async () => {
    t = await startTestServer(dialect, { HADIR_VIDEO_MAX_BYTES: '4096' });
    ({ client: admin, orgId } = await setupOrganization(t.app));
  });
  afterAll(async () => t?.close());

  it('refuses a file over HADIR_VIDEO_MAX_BYTES with 413 and keeps nothing', async () => {
    expect((await admin.get('/api/videos/limits')).json<VideoLimits>().maxBytes).toBe(4096);
    const m = multipartFiles([{ name: 'big.mp4', bytes: Buffer.alloc(10_000, 1) }]);
    const res = await admin.request('POST', '/api/videos', m.body, m.headers);
    expect(res.statusCode).toBe(413);
    expect(res.json<Err>()).toMatchObject({ error: { code: 'too_large' } });
    const dir = path.join(t.dataDir, 'videos', orgId);
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });
});

describe.each(await dialects())('video collections and retention (%s)', (dialect) => {
  let t: TestServer;
  let admin: Client;
  let orgId: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hadir-video-ret-'));
  beforeAll(async () => {
    t = await startTestServer(dialect);
    ({ client: admin, orgId } = await setupOrganization(t.app));
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('renames, moves (no cycles), keeps videos when a collection goes, and deletes videos past retention', async () => {
    const clip = path.join(tmp, 'tiny.mp4');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=128x72:rate=10',
      '-t',
      '1',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
    const parent = (await admin.post('/api/video-collections', { name: 'Site A' })).json<
      z.infer<typeof VideoCollection>
    >();
    const child = (
      await admin.post('/api/video-collections', { name: 'Lobby', parentId: parent.id, retentionDays: 1 })
    ).json<z.infer<typeof VideoCollection>>();
    expect(
      (await admin.patch(`/api/video-collections/${parent.id}`, { parentId: child.id })).statusCode,
    ).toBe(400);
    expect(
      (await admin.patch(`/api/video-collections/${child.id}`, { name: 'Front lobby' })).json(),
    ).toMatchObject({ name: 'Front lobby', parentId: parent.id });
    const m = multipartFiles([{ name: 'tiny.mp4', bytes: fs.readFileSync(clip) }], {
      collectionId: child.id,
    });
    const up = await admin.request('POST', '/api/videos', m.body, m.headers);
    expect(up.statusCode, up.body).toBe(200);
    const id = up.json<Upload>().videos[0]!.id;
    const kept = multipartFiles([{ name: 'kept.mp4', bytes: fs.readFileSync(clip) }], {
      collectionId: parent.id,
    });
    const keptId = (await admin.request('POST', '/api/videos', kept.body, kept.headers)).json<Upload>()
      .videos[0]!.id;
    // Not yet expired.
    expect(await t.server.modules.videos.collections.purgeExpired()).toBe(0);
    t.clock.advance(2 * 86_400_000);
    expect(await t.server.modules.videos.collections.purgeExpired()).toBe(1);
    expect((await admin.get(`/api/videos/${id}`)).statusCode).toBe(404);
    expect(fs.existsSync(path.join(t.dataDir, 'videos', orgId, id))).toBe(false);
    // Deleting a collection keeps its videos (now in no collection).
    expect((await admin.delete(`/api/video-collections/${parent.id}`)).statusCode).toBe(200);
    expect((await admin.get(`/api/videos/${keptId}`)).json<VideoDetail>().collectionId).toBeNull();
    const cols = (await admin.get('/api/video-collections')).json<{
      items: z.infer<typeof VideoCollection>[];
    }>().items;
    expect(cols.map((c) => [c.name, c.parentId])).toEqual([['Front lobby', null]]);
  });
});
