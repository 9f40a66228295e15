import {
  DatasetCount,
  DatasetExtractQueued,
  DatasetFaceList,
  DatasetModel,
  DatasetModelList,
  DatasetPerson,
  DatasetPersonList,
  DatasetVersion,
  DatasetVersionList,
  ModelApplyResult,
  PersonEmployeeCreated,
  PersonEnrolResult,
  type ModelApplyRequest,
  type TrainMethod,
  type TrainParams,
} from '@hadir/contracts';
import { api } from '../../api/client';

/** Face datasets (crops, review, versions) and the models trained from them. */
export const datasetKeys = {
  all: ['datasets'] as const,
  persons: ['datasets', 'persons'] as const,
  faces: (personId: string) => ['datasets', 'faces', personId] as const,
  versions: ['datasets', 'versions'] as const,
  models: ['datasets', 'models'] as const,
  model: (id: string) => ['datasets', 'models', id] as const,
};

const enc = encodeURIComponent;

export const datasetsApi = {
  extract: (videoId: string) => api.post('/api/datasets/extract', { videoId }, DatasetExtractQueued),
  persons: () => api.get('/api/datasets/persons', undefined, DatasetPersonList),
  faces: (personId: string) =>
    api.get(`/api/datasets/persons/${enc(personId)}/faces`, undefined, DatasetFaceList),
  setIgnored: (personId: string, ignored: boolean) =>
    api.patch(`/api/datasets/persons/${enc(personId)}`, { ignored }, DatasetPerson),
  mergePersons: (personId: string, intoId: string) =>
    api.post('/api/datasets/persons/merge', { personId, intoId }, DatasetPerson),
  deleteFaces: (faceIds: string[]) => api.post('/api/datasets/faces/delete', { faceIds }, DatasetCount),
  moveFaces: (faceIds: string[], personId: string) =>
    api.post('/api/datasets/faces/move', { faceIds, personId }, DatasetCount),
  faceUrl: (faceId: string) => `/api/datasets/faces/${enc(faceId)}/image`,

  versions: () => api.get('/api/dataset-versions', undefined, DatasetVersionList),
  createVersion: (body: { name: string; valRatio: number; minFacesPerClass: number }) =>
    api.post('/api/dataset-versions', body, DatasetVersion),
  exportUrl: (versionId: string) => `/api/dataset-versions/${enc(versionId)}/export`,

  models: () => api.get('/api/dataset-models', undefined, DatasetModelList),
  model: (id: string) => api.get(`/api/dataset-models/${enc(id)}`, undefined, DatasetModel),
  train: (body: { versionId: string; method: TrainMethod; params: Partial<TrainParams> }) =>
    api.post('/api/dataset-models', body, DatasetModel),
  cancel: (id: string) => api.post(`/api/dataset-models/${enc(id)}/cancel`, {}, DatasetModel),
  activate: (id: string, body: { library?: boolean; live?: boolean }) =>
    api.post(`/api/dataset-models/${enc(id)}/activate`, body, DatasetModel),
  exportModelUrl: (id: string) => `/api/dataset-models/${enc(id)}/export`,
  exportOnnxUrl: (id: string) => `/api/dataset-models/${enc(id)}/export.onnx`,
  importModel: (manifest: unknown) => api.post('/api/dataset-models/import', manifest, DatasetModel),
  enrolFromPerson: (personId: string, allowDuplicate = false) =>
    api.post(`/api/video-persons/${enc(personId)}/enrol`, { allowDuplicate }, PersonEnrolResult),
  createEmployeeFromPerson: (personId: string, body: { name: string; employeeCode: string }) =>
    api.post(`/api/video-persons/${enc(personId)}/employee`, body, PersonEmployeeCreated),
  apply: (videoId: string, body: ModelApplyRequest) =>
    api.post(`/api/videos/${enc(videoId)}/apply-model`, body, ModelApplyResult),
};
