export {
  NotificationsService,
  presentNotification,
  type EnqueueNotification,
  type EnqueuedNotification,
  type NotificationsOptions,
} from './notifications.service.js';
export { registerNotificationRoutes, registerWhatsAppWebhookRoutes } from './notifications.routes.js';
export {
  registerNotificationJobs,
  startNotificationWorker,
  NOTIFICATION_JOB_TYPES,
} from './notifications.jobs.js';
export { getNotificationSettings, alertSettingsFor } from './notifications.repository.js';
export { renderMessage } from './render.js';
