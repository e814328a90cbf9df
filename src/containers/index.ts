// Container naming: address + capture time → ContainerRef, live (Docker/Podman API) or from saved ledgers.
export { attachContainers, withContainers } from './attach.js';
export { CaptureContainers, CONTAINERS_BLOCK_KIND, timelineBlockPayload, timelineNameRecords } from './capture-names.js';
export { containerRef, hostRef, ownerKey, COMPOSE_PROJECT_LABEL, COMPOSE_SERVICE_LABEL } from './container-refs.js';
export { containerTableRows, formatContainerTable, type ContainerTableRow } from './container-table.js';
export { DEFAULT_DOCKER_SOCKET, dockerEndpoint, endpointText, type DockerEndpoint } from './docker-endpoint.js';
export {
  DockerResolver,
  readDockerTimeline,
  type DockerResolverOptions,
  type DockerResolverState,
  type DockerResolverStatus,
  type DockerTimelineResult,
} from './docker-resolver.js';
export { formatRfc3339, parseRfc3339 } from './docker-time.js';
export { IpTimeline, type IpTimelineOptions, type TimelineInterval } from './ip-timeline.js';
export {
  LEDGER_FORMAT,
  LEDGER_VERSION,
  applyIntervals,
  loadContainersFile,
  parseContainersDocument,
  saveLedger,
  timelineFromIntervals,
  timelineToLedger,
  type ContainersDocument,
  type ContainersLedger,
  type ContainersSource,
  type LedgerMeta,
  type LoadedContainers,
} from './ledger.js';
