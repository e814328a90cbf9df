// The Docker testbed for end-to-end tests and the demo capture: real containers on real bridges.
export { captureCommand, startCapture, type Capture, type CaptureOptions } from './capture.js';
export {
  containerLogs,
  inspectContainers,
  jsonLines,
  runContainer,
  startContainer,
  stopContainers,
  waitForExit,
  type ContainerHandle,
  type RunContainerOptions,
} from './container.js';
export { docker, dockerJson, dockerLines, dockerOutput } from './docker-cli.js';
export { ensureDockerd, type DockerdStatus, type EnsureDockerdOptions } from './dockerd.js';
export { TestbedError, type TestbedErrorCode } from './errors.js';
export { hostToolMounts, nodeBinary, servicesDir, servicesMountPoint, type Mount } from './host-tools.js';
export { defaultImage, ensureImage } from './image.js';
export { labelArgs, pruneStale, removeRun, pidLabel, runLabel, testbedLabel } from './labels.js';
export { createNetwork, inspectNetwork, removeNetwork, type NetworkHandle } from './network.js';
export { nginxConfig, nginxPort, writeNginxSite, type NginxSite } from './nginx-site.js';
export * from './service-config.js';
export { Testbed, type Placement, type TestbedOptions } from './testbed.js';
export { waitForTcp } from './wait.js';
export * from './demo-scenario.js';
