// Resumable uploads for large videos, tus-like: a session is created with the file's name and size, chunks
// are appended at the offset the server reports (a dropped connection resumes from there), and `complete`
// hands the assembled file to VideosService.acceptUpload (ffprobe, poster, job). Sessions live on disk
// under HADIR_DATA_DIR/video-uploads/<org>/<id>, apart from the library, and are removed on completion,
// on abort, and after a day without a chunk.
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { VIDEO_EXTENSIONS, type VideoSummary, type VideoUploadSession } from '@hadir/contracts';
import type { ServerContext } from '../../context.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { AppError, badRequest, notFound } from '../../platform/http/errors.js';
import { newId } from '../../platform/ids/ids.js';
import { ensureDir, removeTree, underDataDir } from './video-files.js';
import { UploadRejected, type VideosService } from './videos.service.js';

/** Largest chunk taken in one request: small enough to retry cheaply, large enough to be fast. */
export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;
const STALE_AFTER_MS = 24 * 3600 * 1000;

interface UploadMeta {
  id: string;
  fileName: string;
  sizeBytes: number;
  collectionId: string | null;
  createdAt: number;
}

class TooMuch extends Error {}

export class VideoUploadsService {
  /** Uploads with a chunk in flight: a second request for the same one is refused, not interleaved. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly videos: VideosService,
  ) {}

  private orgDir(orgId: string): string {
    return underDataDir(this.ctx.env.dataDir, path.join('video-uploads', orgId));
  }
  private dir(orgId: string, id: string): string {
    return underDataDir(this.ctx.env.dataDir, path.join('video-uploads', orgId, id));
  }

  private async meta(orgId: string, id: string): Promise<{ meta: UploadMeta; offset: number; data: string }> {
    const dir = this.dir(orgId, id);
    let meta: UploadMeta;
    try {
      meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')) as UploadMeta;
    } catch {
      throw notFound('Upload');
    }
    const data = path.join(dir, 'data.part');
    const offset = await stat(data).then(
      (s) => s.size,
      () => 0,
    );
    return { meta, offset, data };
  }

  private present(meta: UploadMeta, offset: number): VideoUploadSession {
    return {
      id: meta.id,
      fileName: meta.fileName,
      sizeBytes: meta.sizeBytes,
      offset,
      chunkBytes: UPLOAD_CHUNK_BYTES,
    };
  }

  async create(
    orgId: string,
    input: { fileName: string; sizeBytes: number; collectionId?: string | null },
  ): Promise<VideoUploadSession> {
    const fileName = input.fileName.replace(/\p{Cc}/gu, '').slice(0, 255);
    const ext = path.extname(fileName).slice(1).toLowerCase();
    if (!(VIDEO_EXTENSIONS as readonly string[]).includes(ext))
      throw badRequest('unsupported_type', `Only ${VIDEO_EXTENSIONS.join(', ')} files are accepted.`);
    const maxBytes = this.ctx.env.HADIR_VIDEO_MAX_BYTES;
    if (input.sizeBytes > maxBytes)
      throw new AppError(413, 'too_large', `The file is larger than the limit of ${maxBytes} bytes.`);
    const collectionId = input.collectionId ?? null;
    if (collectionId) await this.videos.requireCollection(orgId, collectionId);
    await this.removeStale(orgId);
    const now = this.ctx.clock.nowMs();
    const meta: UploadMeta = {
      id: newId(now),
      fileName,
      sizeBytes: input.sizeBytes,
      collectionId,
      createdAt: now,
    };
    const dir = this.dir(orgId, meta.id);
    await ensureDir(dir);
    await writeFile(path.join(dir, 'data.part'), '', { mode: 0o600 });
    await writeFile(path.join(dir, 'meta.json'), JSON.stringify(meta), { mode: 0o600 });
    return this.present(meta, 0);
  }

  async status(orgId: string, id: string): Promise<VideoUploadSession> {
    const { meta, offset } = await this.meta(orgId, id);
    return this.present(meta, offset);
  }

  /**
   * Appends one chunk that must start at the current offset (else 409 with the offset to resume from).
   * A chunk that would pass the declared size or the chunk limit is refused and cut back: the bytes
   * received before it stay.
   */
  async append(orgId: string, id: string, at: number, body: Readable): Promise<VideoUploadSession> {
    const key = `${orgId}/${id}`;
    if (this.busy.has(key)) {
      body.resume();
      throw new AppError(409, 'upload_busy', 'Another chunk of this upload is being received.');
    }
    this.busy.add(key);
    try {
      const { meta, offset, data } = await this.meta(orgId, id);
      if (at !== offset) {
        body.resume();
        throw new AppError(409, 'offset_mismatch', `The upload continues at byte ${offset}.`, { offset });
      }
      const allowed = Math.min(UPLOAD_CHUNK_BYTES, meta.sizeBytes - offset);
      let received = 0;
      const limiter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          received += chunk.length;
          if (received > allowed) done(new TooMuch());
          else done(null, chunk);
        },
      });
      try {
        await pipeline(body, limiter, createWriteStream(data, { flags: 'a', mode: 0o600 }));
      } catch (e) {
        await truncate(data, offset); // keep what was there before this chunk
        if (e instanceof TooMuch)
          throw new AppError(
            413,
            'chunk_too_large',
            `A chunk may hold at most ${allowed} bytes here (file size ${meta.sizeBytes}, chunk limit ${UPLOAD_CHUNK_BYTES}).`,
          );
        throw new AppError(
          400,
          'chunk_incomplete',
          'The chunk did not arrive completely; resume from the offset.',
        );
      }
      return this.present(meta, offset + received);
    } finally {
      this.busy.delete(key);
    }
  }

  /** The whole file is here: check and add it to the library (the session goes either way). */
  async complete(auth: AuthContext, orgId: string, id: string): Promise<VideoSummary> {
    const key = `${orgId}/${id}`;
    if (this.busy.has(key))
      throw new AppError(409, 'upload_busy', 'A chunk of this upload is still arriving.');
    const { meta, offset, data } = await this.meta(orgId, id);
    if (offset !== meta.sizeBytes)
      throw new AppError(
        409,
        'upload_incomplete',
        `Only ${offset} of ${meta.sizeBytes} bytes have arrived.`,
        {
          offset,
        },
      );
    this.busy.add(key);
    try {
      return await this.videos.acceptUpload(
        auth,
        orgId,
        { fileName: meta.fileName, stream: createReadStream(data) },
        meta.collectionId,
      );
    } catch (e) {
      if (e instanceof UploadRejected) throw new AppError(e.status, e.code, `${meta.fileName}: ${e.message}`);
      throw e;
    } finally {
      this.busy.delete(key);
      await removeTree(this.dir(orgId, id));
    }
  }

  async abort(orgId: string, id: string): Promise<void> {
    await this.meta(orgId, id);
    await removeTree(this.dir(orgId, id));
  }

  /** Sessions nobody touched for a day go (their partial bytes too). */
  private async removeStale(orgId: string): Promise<void> {
    const root = this.orgDir(orgId);
    const now = this.ctx.clock.nowMs();
    const names = await readdir(root).catch(() => [] as string[]);
    for (const name of names) {
      const s = await stat(path.join(root, name, 'data.part')).catch(() => null);
      if (!s || now - s.mtimeMs > STALE_AFTER_MS) await removeTree(path.join(root, name));
    }
  }
}
