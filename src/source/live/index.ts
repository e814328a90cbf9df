/** Live capture through the project's own libpcap addon (native/). */
export { openLiveCapture } from './live-capture.js';
export type { DeviceStats, LiveCapture, LiveCaptureEvents, LiveCaptureOptions, LiveInterface } from './live-capture.js';
export { defaultAddonPath, isLiveCaptureAvailable, loadAddon } from './load-addon.js';
export { PERMISSION_MESSAGE } from './live-errors.js';
