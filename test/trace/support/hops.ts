import type { ContainerRef } from '../../../src/model/container.js';
import type { Exchange } from '../../../src/model/exchange.js';
import { TraceBuilder, type TraceBuilderOptions } from '../../../src/trace/trace-builder.js';
import { traceNodes, type Trace, type TraceLink } from '../../../src/trace/trace-types.js';
import { buildExchange, type ExchangeSpec } from '../../sinks/support/exchange-builder.js';

/**
 * Hand-built hops between services for the trace tests. Each service has one address (10.0.0.<n>);
 * a hop is "from → to" with times in ms [request first, request last, response first, response last].
 */
export const ip: Record<string, string> = { client: '10.0.0.1', gateway: '10.0.0.2', users: '10.0.0.3', orders: '10.0.0.4', inventory: '10.0.0.5' };

export function container(name: string): ContainerRef {
  return { kind: 'container', id: `id-${name}`, name };
}

export interface HopSpec extends Omit<ExchangeSpec, 'times' | 'client' | 'server'> {
  from: string;
  to: string;
  times: [number, number, number, number];
  headers?: Array<[string, string]>;
  /** Name both ends by container. */
  named?: boolean;
  fromIp?: string;
  fromPort?: number;
}

/** One exchange; seq and connection ids follow the order of the calls to hop(). */
export function hop(spec: HopSpec, seq: number): Exchange {
  const port = spec.fromPort ?? 40000 + seq;
  return buildExchange({
    ...spec,
    seq,
    connectionId: spec.connectionId ?? `c${seq}`,
    times: spec.times,
    requestHeaders: [['Host', spec.to], ...(spec.headers ?? [])],
    client: { ip: spec.fromIp ?? ip[spec.from] ?? spec.from, port },
    server: { ip: ip[spec.to] ?? spec.to, port: 8080 },
    clientContainer: spec.named ? container(spec.from) : spec.clientContainer,
    serverContainer: spec.named ? container(spec.to) : spec.serverContainer,
  });
}

/** Exchanges from specs, seq in start order (as the pipeline numbers them). */
export function hops(specs: HopSpec[]): Exchange[] {
  const order = specs.map((s, i) => [s.times[0], i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const seqOf = new Map(order.map(([, i], rank) => [i, rank]));
  return specs.map((s, i) => hop(s, seqOf.get(i) as number)).sort((a, b) => a.seq - b.seq);
}

export interface Built {
  traces: Trace[];
  builder: TraceBuilder;
  /** Parent's target by child's target (targets are unique in these tests); null for roots. */
  parents: Map<string, string | null>;
  links: Map<string, TraceLink>;
}

export function build(exchanges: Exchange[], options: TraceBuilderOptions = {}): Built {
  const builder = new TraceBuilder(options);
  const traces: Trace[] = [];
  for (const exchange of exchanges) {
    builder.add(exchange);
    traces.push(...builder.drain());
  }
  traces.push(...builder.finish());
  const parents = new Map<string, string | null>();
  const links = new Map<string, TraceLink>();
  for (const trace of traces) {
    for (const node of traceNodes(trace)) {
      links.set(node.exchange.request.head.target, node.link);
      if (node === trace.root) parents.set(node.exchange.request.head.target, null);
      for (const child of node.children) parents.set(child.exchange.request.head.target, node.exchange.request.head.target);
    }
  }
  return { traces, builder, parents, links };
}

/** Share of the true parent links (by target; null for roots) that `parents` has right. */
export function accuracy(parents: ReadonlyMap<string, string | null>, truth: ReadonlyMap<string, string | null>): number {
  let links = 0;
  let right = 0;
  for (const [child, parent] of truth) {
    if (parent === null) continue;
    links++;
    if (parents.get(child) === parent) right++;
  }
  return right / links;
}

export function traceparent(traceId: string, spanId: string): [string, string] {
  return ['traceparent', `00-${traceId.padStart(32, '0')}-${spanId.padStart(16, '0')}-01`];
}
