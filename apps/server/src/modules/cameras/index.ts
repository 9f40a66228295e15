export { CameraRegistry, type CameraEntry, type CameraChange } from './cameras.service.js';
export { presentCamera, redactSource, initialStatus } from './camera-views.js';
export { registerCameraRoutes, type ProbeCameraSource } from './cameras.routes.js';
