import type { Resolver } from '../model/container.js';
import type { Exchange, ExchangeSink } from '../model/exchange.js';

/**
 * Names both ends of an exchange: each address looked up at the request's first byte (the moment the
 * connection was certainly in use by its client and server). Ends the resolver does not know are left
 * unset, so the sinks show the address.
 */
export function attachContainers(exchange: Exchange, resolver: Resolver): Exchange {
  const at = exchange.request.firstByte;
  const client = resolver.resolve(exchange.connection.client.ip, at);
  const server = resolver.resolve(exchange.connection.server.ip, at);
  if (client !== undefined) exchange.clientContainer = client;
  if (server !== undefined) exchange.serverContainer = server;
  return exchange;
}

/** A stage in front of a sink: names every exchange, then hands it on. */
export function withContainers(resolver: Resolver, next: (exchange: Exchange) => void): (exchange: Exchange) => void {
  return (exchange) => next(attachContainers(exchange, resolver));
}

/** A naming stage between the HTTP layer and the ordering sink: every completed exchange is named on its way. */
export function namingSink(resolver: Resolver, next: ExchangeSink): ExchangeSink {
  return {
    begin: (ts) => next.begin(ts),
    complete: (exchange) => next.complete(attachContainers(exchange, resolver)),
    abandon: (seq) => next.abandon(seq),
  };
}

