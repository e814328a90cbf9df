/** The trace stage's public surface: exchanges → request trees across containers. */
export { TraceBuilder, type TraceBuilderOptions } from './trace-builder.js';
export { exchangeId, traceNodes, type LinkVia, type Trace, type TraceCounts, type TraceLink, type TraceNode } from './trace-types.js';
export {
  PROPAGATION_HEADERS,
  propagatedIds,
  propagationNames,
  relateIds,
  withoutPropagationHeaders,
  type PropagatedIds,
} from './propagation.js';
export { annotateHarEntry, type TraceFields } from './har-annotation.js';
export { clientName, endpointKey, normalizedPath, serverName } from './endpoint-names.js';
export {
  summarizeTraces,
  TraceSummaryCollector,
  type HopSummary,
  type RepeatedCall,
  type RootSummary,
  type Spread,
  type TraceSummary,
  type TraceSummaryOptions,
} from './trace-summary.js';
