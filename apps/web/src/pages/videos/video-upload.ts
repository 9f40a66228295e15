import type { VideoSummary } from '@hadir/contracts';
import { ApiError } from '../../api/client';
import { videosApi } from './videos-api';

export type UploadState =
  | { phase: 'uploading'; sentBytes: number }
  | { phase: 'checking' }
  | { phase: 'done'; video: VideoSummary }
  | { phase: 'failed'; error: unknown }
  | { phase: 'aborted' };

const RETRIES = 5;
const storageKey = (f: File, collectionId: string | null) =>
  `hadir.videoUpload.${f.name}.${f.size}.${f.lastModified}.${collectionId ?? ''}`;

function remember(key: string, id: string | null) {
  try {
    if (id) localStorage.setItem(key, id);
    else localStorage.removeItem(key);
  } catch {
    // private mode: resuming works within this page only
  }
}
function recall(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends one file through the resumable upload API: chunk by chunk at the server's offset. A dropped
 * connection is retried from the offset the server reports; the session id is kept in localStorage, so
 * picking the same file again after a reload continues where it stopped instead of starting over.
 */
export async function uploadResumable(
  file: File,
  collectionId: string | null,
  onState: (s: UploadState) => void,
  signal: AbortSignal,
): Promise<void> {
  const key = storageKey(file, collectionId);
  let session = null;
  const known = recall(key);
  if (known) session = await videosApi.uploadStatus(known).catch(() => null);
  try {
    session ??= await videosApi.startUpload({ fileName: file.name, sizeBytes: file.size, collectionId });
    remember(key, session.id);
    let offset = session.offset;
    let failures = 0;
    onState({ phase: 'uploading', sentBytes: offset });
    while (offset < file.size) {
      if (signal.aborted) throw new DOMException('aborted', 'AbortError');
      const end = Math.min(file.size, offset + session.chunkBytes);
      try {
        offset = (await videosApi.sendChunk(session.id, offset, file.slice(offset, end), signal)).offset;
        failures = 0;
      } catch (e) {
        if (signal.aborted) throw e;
        const retriable = e instanceof ApiError && (e.status === 0 || e.status === 409 || e.status >= 500);
        if (!retriable || ++failures > RETRIES) throw e;
        await sleep(500 * 2 ** failures);
        offset = (await videosApi.uploadStatus(session.id)).offset;
      }
      onState({ phase: 'uploading', sentBytes: offset });
    }
    onState({ phase: 'checking' });
    const video = await videosApi.completeUpload(session.id);
    remember(key, null);
    onState({ phase: 'done', video });
  } catch (e) {
    if (signal.aborted) {
      if (session) await videosApi.abortUpload(session.id).catch(() => undefined);
      remember(key, null);
      onState({ phase: 'aborted' });
      return;
    }
    // A refused file (type, size, corrupt) is final; the session is gone on the server.
    if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 409) remember(key, null);
    onState({ phase: 'failed', error: e });
  }
}

export const VIDEO_ACCEPT = '.mp4,.avi,.mov,.mkv,video/mp4,video/x-msvideo,video/quicktime,video/x-matroska';
