export {
  CameraRegistry,
  presentCamera,
  redactSource,
  initialStatus,
  type CameraEntry,
  type CameraChange,
} from './cameras.service.js';
export { registerCameraRoutes, type ProbeCameraSource } from './cameras.routes.js';
