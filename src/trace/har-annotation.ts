import type { TraceLink } from './trace-types.js';

/** The extension fields a HAR entry / JSON line gets with --traces. */
export interface TraceFields {
  _traceId: string;
  /** The parent entry's `${connection}#${_connectionIndex}`; null for a root. */
  _parentId: string | null;
  _depth: number;
  /** Only on links chosen by timing among several possible parents. */
  _traceInferred?: true;
  _traceConfidence?: number;
}

/** Adds the trace fields to an entry (in place, as the converter's entries are fresh objects) and returns it. */
export function annotateHarEntry<T extends object>(entry: T, link: TraceLink): T & TraceFields {
  const out = entry as T & TraceFields;
  out._traceId = link.traceId;
  out._parentId = link.parentId ?? null;
  out._depth = link.depth;
  if (link.inferred) {
    out._traceInferred = true;
    out._traceConfidence = link.confidence;
  }
  return out;
}
