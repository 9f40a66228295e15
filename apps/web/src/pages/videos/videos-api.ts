import {
  VideoCollection,
  VideoCollectionList,
  VideoDetail,
  VideoLimits,
  VideoList,
  VideoPersonSearchResult,
  VideoPersonSummary,
  VideoSummary,
  VideoUploadSession,
} from '@hadir/contracts';
import { api } from '../../api/client';

/** The video library: videos, collections, resumable uploads, persons. */
export const videoKeys = {
  all: ['videos'] as const,
  limits: ['videos', 'limits'] as const,
  list: (collectionId: string | null) => ['videos', 'list', collectionId ?? 'all'] as const,
  detail: (id: string) => ['videos', 'one', id] as const,
  collections: ['videos', 'collections'] as const,
  persons: (q: string) => ['videos', 'persons', q] as const,
};

const enc = encodeURIComponent;
const CHUNK_TYPE = 'application/offset+octet-stream';

export const videosApi = {
  limits: () => api.get('/api/videos/limits', undefined, VideoLimits),
  list: (collectionId: string | null) =>
    api.get('/api/videos', { collectionId: collectionId ?? undefined }, VideoList),
  detail: (id: string) => api.get(`/api/videos/${enc(id)}`, undefined, VideoDetail),
  patch: (id: string, body: { title?: string; collectionId?: string | null }) =>
    api.patch(`/api/videos/${enc(id)}`, body, VideoSummary),
  remove: (id: string) => api.delete<unknown>(`/api/videos/${enc(id)}`),
  cancel: (id: string) => api.post(`/api/videos/${enc(id)}/cancel`),
  reprocess: (id: string) => api.post(`/api/videos/${enc(id)}/reprocess`),
  mediaUrl: (id: string) => `/api/videos/${enc(id)}/media`,
  posterUrl: (id: string) => `/api/videos/${enc(id)}/poster`,

  startUpload: (body: { fileName: string; sizeBytes: number; collectionId: string | null }) =>
    api.post('/api/videos/uploads', body, VideoUploadSession),
  uploadStatus: (id: string) => api.get(`/api/videos/uploads/${enc(id)}`, undefined, VideoUploadSession),
  sendChunk: (id: string, offset: number, data: Blob, signal?: AbortSignal) =>
    api.putBytes(
      `/api/videos/uploads/${enc(id)}`,
      { offset },
      { data, type: CHUNK_TYPE },
      VideoUploadSession,
      signal,
    ),
  completeUpload: (id: string) => api.post(`/api/videos/uploads/${enc(id)}/complete`, {}, VideoSummary),
  abortUpload: (id: string) => api.delete<unknown>(`/api/videos/uploads/${enc(id)}`),

  collections: () => api.get('/api/video-collections', undefined, VideoCollectionList),
  createCollection: (body: { name: string; parentId?: string | null }) =>
    api.post('/api/video-collections', body, VideoCollection),
  patchCollection: (
    id: string,
    body: { name?: string; parentId?: string | null; retentionDays?: number | null },
  ) => api.patch(`/api/video-collections/${enc(id)}`, body, VideoCollection),
  removeCollection: (id: string) => api.delete<unknown>(`/api/video-collections/${enc(id)}`),

  persons: (q: string) => api.get('/api/video-persons', { q: q || undefined }, VideoPersonSearchResult),
  patchPerson: (id: string, body: { name?: string | null; employeeId?: string | null; ignored?: boolean }) =>
    api.patch(`/api/video-persons/${enc(id)}`, body, VideoPersonSummary),
  mergePerson: (id: string, intoId: string) =>
    api.post(`/api/video-persons/${enc(id)}/merge`, { intoId }, VideoPersonSummary),
  splitPerson: (id: string, body: { videoId: string; rangeIndexes?: number[] }) =>
    api.post(`/api/video-persons/${enc(id)}/split`, body, VideoPersonSummary),
  thumbnailUrl: (id: string) => `/api/video-persons/${enc(id)}/thumbnail`,
};
