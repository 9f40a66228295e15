import {
  Alert,
  AlertList,
  AttendanceAnalytics,
  BiometricEraseResult,
  CameraTestSourceResponse,
  CameraView,
  ChannelTestResult,
  AssignUnknownGroupResponse,
  DismissUnknownGroupResponse,
  EnrolResponse,
  FaceDetectResponse,
  FaceEngineInfo,
  FaceReviewResponse,
  FaceSampleList,
  PendingFaceSampleList,
  NotificationChannel,
  Notification,
  NotificationPage,
  PresenceList,
  PresenceLogPage,
  UnknownFaceGroupList,
  type CameraCreate,
  type EnrolSource,
  type CameraUpdate,
  type NotificationChannelCreate,
  type NotificationChannelUpdate,
  type PresenceStateName,
  type TemplateSlot,
} from '@hadir/contracts';
import { api, withQuery } from '../../api/client';

/** The dashboard's API calls (live presence, alerts, cameras, log, faces, reports, channels). */

const CameraList = CameraView.array();
const ChannelList = NotificationChannel.array();
const enc = encodeURIComponent;

export const dashKeys = {
  presence: ['dash', 'presence'] as const,
  alerts: ['dash', 'alerts'] as const,
  cameras: ['dash', 'cameras'] as const,
  log: ['dash', 'log'] as const,
  faces: (employeeId: string) => ['dash', 'faces', employeeId] as const,
  faceEngine: ['dash', 'face-engine'] as const,
  unknown: ['dash', 'unknown'] as const,
  analytics: ['dash', 'analytics'] as const,
  channels: ['dash', 'channels'] as const,
  outbox: ['dash', 'outbox'] as const,
};

export type PresenceFilter = {
  state?: PresenceStateName;
  areaId?: string;
  departmentId?: string;
  q?: string;
  page: number;
  pageSize: number;
};

export type LogFilter = {
  from?: string;
  to?: string;
  employeeId?: string;
  departmentId?: string;
  cameraId?: string;
  minSimilarity?: string;
};

export const presenceApi = {
  live: (f: PresenceFilter) => api.get('/api/presence', f, PresenceList),
  log: (f: LogFilter & { cursor?: string; limit: number }) =>
    api.get('/api/analytics/presence-log', f, PresenceLogPage),
  logCsvUrl: (f: LogFilter) =>
    withQuery('/api/presence/intervals', {
      from: f.from,
      to: f.to,
      employeeId: f.employeeId,
      departmentId: f.departmentId,
      cameraId: f.cameraId,
      format: 'csv',
    }),
  logPdfUrl: (f: LogFilter) => withQuery('/api/analytics/presence-log', { ...f, format: 'pdf' }),
};

export const alertsApi = {
  list: (q: { scope: 'open' | 'past'; page: number; pageSize: number }) =>
    api.get('/api/alerts', q, AlertList),
  acknowledge: (id: string) => api.post(`/api/alerts/${enc(id)}/acknowledge`, {}, Alert),
  deliveries: (alertId: string) =>
    api.get('/api/notifications', { alertId, page: 1, pageSize: 50 }, NotificationPage),
};

export const camerasApi = {
  list: () => api.get('/api/cameras', undefined, CameraList),
  create: (body: CameraCreate) => api.post('/api/cameras', body, CameraView),
  update: (id: string, body: CameraUpdate) => api.patch(`/api/cameras/${enc(id)}`, body, CameraView),
  remove: (id: string) => api.delete<unknown>(`/api/cameras/${enc(id)}`),
  testSource: (source: string) => api.post('/api/cameras/test-source', { source }, CameraTestSourceResponse),
  snapshotUrl: (id: string, tick: number) => `/api/cameras/${enc(id)}/snapshot.jpg?t=${tick}`,
};

export const facesApi = {
  engine: () => api.get('/api/faces/engine', undefined, FaceEngineInfo),
  list: (employeeId: string) => api.get(`/api/employees/${enc(employeeId)}/faces`, undefined, FaceSampleList),
  enrol: (
    employeeId: string,
    files: { blob: Blob; name: string }[],
    source: EnrolSource = 'upload',
    allowDuplicate = false,
    faceBox?: { x: number; y: number; width: number; height: number },
  ) => {
    const form = new FormData();
    // The fields before the files, so the server knows them before it reads the photos.
    form.append('source', source);
    if (allowDuplicate) form.append('allowDuplicate', 'true');
    // A face chosen from a photo with several faces (the box the several_faces answer gave).
    if (faceBox) form.append('faceBox', [faceBox.x, faceBox.y, faceBox.width, faceBox.height].join(','));
    for (const f of files) form.append('photos', f.blob, f.name);
    return api.upload(`/api/employees/${enc(employeeId)}/faces`, form, EnrolResponse);
  },
  remove: (employeeId: string, sampleId: string) =>
    api.delete<unknown>(`/api/employees/${enc(employeeId)}/faces/${enc(sampleId)}`),
  eraseAll: async (employeeId: string) =>
    BiometricEraseResult.parse(await api.delete<unknown>(`/api/employees/${enc(employeeId)}/faces`)),
  pendingReviews: () => api.get('/api/face-reviews', undefined, PendingFaceSampleList),
  review: (employeeId: string, sampleId: string, decision: 'approve' | 'reject') =>
    api.post(
      `/api/employees/${enc(employeeId)}/faces/${enc(sampleId)}/review`,
      { decision },
      FaceReviewResponse,
    ),
  thumbnailUrl: (employeeId: string, sampleId: string) =>
    `/api/employees/${enc(employeeId)}/faces/${enc(sampleId)}/thumbnail`,
  photoUrl: (employeeId: string) => `/api/analytics/employees/${enc(employeeId)}/photo.jpg`,
  detect: (frame: Blob) => {
    const form = new FormData();
    form.append('frame', frame, 'frame.jpg');
    return api.upload('/api/faces/detect', form, FaceDetectResponse);
  },
  unknownGroups: () => api.get('/api/unknown-faces/groups', undefined, UnknownFaceGroupList),
  assign: (clusterId: string, employeeId: string) =>
    api.post(
      `/api/unknown-faces/groups/${enc(clusterId)}/assign`,
      { employeeId },
      AssignUnknownGroupResponse,
    ),
  dismiss: (clusterId: string) =>
    api.post(`/api/unknown-faces/groups/${enc(clusterId)}/dismiss`, {}, DismissUnknownGroupResponse),
  snapshotUrl: (snapshotId: string) => `/api/snapshots/${enc(snapshotId)}/face.jpg`,
};

export type AnalyticsFilter = { from: string; to: string; departmentId?: string };

export const analyticsApi = {
  attendance: (f: AnalyticsFilter) => api.get('/api/analytics/attendance', f, AttendanceAnalytics),
  exportUrl: (f: AnalyticsFilter, format: 'csv' | 'pdf' | 'xlsx') =>
    withQuery('/api/analytics/attendance', { ...f, format }),
  dailyReportUrl: (date: string, supervisorId: string | undefined, format: 'pdf' | 'csv') =>
    withQuery('/api/reports/daily', { date, supervisorId, format }),
};

export const channelsApi = {
  list: () => api.get('/api/notification-channels', undefined, ChannelList),
  create: (body: NotificationChannelCreate) =>
    api.post('/api/notification-channels', body, NotificationChannel),
  update: (id: string, body: NotificationChannelUpdate) =>
    api.patch(`/api/notification-channels/${enc(id)}`, body, NotificationChannel),
  remove: (id: string) => api.delete<unknown>(`/api/notification-channels/${enc(id)}`),
  test: (id: string, to: string, text?: string, template?: TemplateSlot) =>
    api.post(
      `/api/notification-channels/${enc(id)}/test`,
      { to, ...(text ? { text } : {}), ...(template ? { template } : {}) },
      ChannelTestResult,
    ),
  retry: (id: string) => api.post(`/api/notifications/${enc(id)}/retry`, undefined, Notification),
  outbox: (page: number, pageSize: number) =>
    api.get('/api/notifications', { page, pageSize }, NotificationPage),
};
