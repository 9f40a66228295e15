import type { HadirMigration } from './helpers.js';
import { foundation } from './0001-foundation.js';
import { people } from './0002-people.js';
import { presence } from './0010-presence.js';
import { faces } from './0011-faces.js';
import { notifications } from './0020-notifications.js';
import { alertSnapshot } from './0021-alert-snapshot.js';
import { authHardening } from './0035-auth-hardening.js';
import { invitations } from './0036-invitations.js';
import { faceSampleReview } from './0038-face-sample-review.js';
import { searchIndexes } from './0039-search-indexes.js';
import { attendance } from './0040-attendance.js';
import { integrations } from './0041-integrations.js';
import { correctionApprovers } from './0042-correction-approvers.js';
import { leave } from './0050-leave.js';
import { videos } from './0060-videos.js';
import { datasets } from './0061-datasets.js';
import { notificationTemplateValues } from './0070-notification-template-values.js';
import { presenceStayCameras } from './0071-presence-stay-cameras.js';
import { faceSampleQuality } from './0072-face-sample-quality.js';
import { mobile } from './0080-mobile.js';
import { mobileSites } from './0081-mobile-sites.js';
import { customRoles } from './0085-custom-roles.js';
import { mobileReview } from './0086-mobile-review.js';
import { cameraNamespace } from './0090-camera-namespace.js';
import { sqliteEmployeeSearch } from './0091-sqlite-employee-search.js';
import { notificationRateLimits } from './0100-notification-rate-limits.js';
import { edges } from './0110-edges.js';
import { mobileSiteRecognition } from './0130-mobile-site-recognition.js';
import { videoRecordedAt } from './0135-video-recorded-at.js';
import { datasetFaceEnrolled } from './0136-dataset-face-enrolled.js';

/** Every migration, sorted by name (the order they run in). Never rename a released one. */
export const MIGRATIONS: HadirMigration[] = [
  foundation,
  people,
  presence,
  faces,
  notifications,
  alertSnapshot,
  authHardening,
  invitations,
  faceSampleReview,
  searchIndexes,
  attendance,
  integrations,
  correctionApprovers,
  leave,
  videos,
  datasets,
  notificationTemplateValues,
  presenceStayCameras,
  faceSampleQuality,
  mobile,
  mobileSites,
  customRoles,
  mobileReview,
  cameraNamespace,
  sqliteEmployeeSearch,
  notificationRateLimits,
  edges,
  mobileSiteRecognition,
  videoRecordedAt,
  datasetFaceEnrolled,
];
