export { AlertsService, presentAlert, alertSettingsOf, type AlertChange } from './alerts.service.js';
export { registerAlertRoutes } from './alerts.routes.js';
export {
  LogAlertNotifier,
  renderAlertMessage,
  type AlertNotifier,
  type AlertNotification,
  type AlertMessage,
} from './alert-notifier.js';
