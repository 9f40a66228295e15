// Test harness shared by every workspace's tests: real cameras on loopback, test videos, shared data.
export {
  findRepoRoot,
  findSharedDir,
  requireSharedOrSkip,
  firstSkipReason,
  titleWithSkip,
  type SkipCheck,
  type SharedDirs,
} from './shared-dir.js';
export { hasBinary, hasGstRtsp, whichSync, SYSTEM_PYTHON, GST_RTSP_PACKAGES } from './binaries.js';
export { freePort, waitFor, canConnect, type WaitForOptions } from './net.js';
export {
  startRtspCamera,
  RTSP_SERVER_SCRIPT,
  type RtspCamera,
  type RtspCameraOptions,
} from './rtsp-camera.js';
export { startMjpegCamera } from './mjpeg-camera.js';
export { makeFaceVideo, makeTestPatternVideo, makeCorruptVideo, type FaceVideoOptions } from './videos.js';
export { trackChild, endChild } from './child-registry.js';
export {
  startFakeGraphApi,
  type FakeGraphApi,
  type GraphMessage,
  type GraphRequest,
  type FakeFailure,
  type StatusWebhookInput,
  type FakeTemplate,
} from './fake-graph-api.js';
export {
  makeKnownPeopleClip,
  DEFAULT_WALKS,
  KNOWN_PEOPLE,
  type KnownPeopleClip,
  type KnownPeopleClipOptions,
  type KnownPersonWalk,
} from './known-people-clip.js';
export { makeLossyLink, canMakeLossyLink, type LossyLink, type LinkShape } from './lossy-link.js';
