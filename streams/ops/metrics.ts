// The Prometheus endpoint (--metrics-port): the edges' counts and the server's state, read when scraped.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { State } from '../../src/core/state.js';
import type { ServerStats } from './stats.js';
import { linkCount } from '../../src/dialects/channels/federation/links.js';

/** The server's state stream: read for its current state when scraped. */
export type StateSource = { readonly value: State };

export function metricsRegistry(stats: ServerStats, state$: StateSource): Registry {
  const registry = new Registry();
  // includes nodejs_eventloop_lag_seconds, plus the process's memory and CPU
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, value: () => number) => new Counter({
    name, help, registers: [registry],
    collect() { this.reset(); this.inc(value()); },
  });
  const gauge = (name: string, help: string, value: (s: State) => number) => new Gauge({
    name, help, registers: [registry],
    collect() { this.set(value(state$.value)); },
  });

  new Gauge({
    name: 'chat_connections', help: 'Open client connections by dialect ("undetected" until the first line picks one on an auto listener)',
    labelNames: ['dialect'], registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const conn of state$.value.conns.values()) counts.set(conn.dialect ?? 'undetected', (counts.get(conn.dialect ?? 'undetected') ?? 0) + 1);
      for (const [dialect, count] of counts) this.set({ dialect }, count);
    },
  });
  gauge('chat_users_online', 'Users logged in, all dialects together', (s) => s.online.size);
  gauge('chat_channels', 'Channels known to this server, its own and its peers\'', (s) => s.channels.size);
  gauge('chat_federation_links_up', 'Federation links to peer servers that are up', linkCount);
  counter('chat_lines_in_total', 'Lines read from clients', () => stats.linesIn);
  counter('chat_lines_out_total', 'Lines written to clients', () => stats.linesOut);
  counter('chat_deliveries_total', 'Messages delivered to someone other than as a reply to their own line (broadcasts, whispers, channel lines, presence)', () => stats.deliveries);
  counter('chat_cluster_messages_in_total', 'Messages Redis brought this cluster node: events, and messages forwarded for its users (only those it may want, never its own)', () => stats.clusterMessagesIn);
  counter('chat_cluster_forwarded_out_total', 'Messages this cluster node forwarded to other nodes, one per node it went to', () => stats.clusterForwardedOut);
  counter('chat_send_queue_drops_total', 'Connections dropped for leaving more than CHAT_MAX_SEND_QUEUE bytes unread', () => stats.sendQueueDrops);
  counter('chat_rate_limit_delays_total', 'Lines the rate limit (CHAT_RATE_LIMIT) made wait for their turn', () => stats.rateLimitDelays);
  new Counter({
    name: 'chat_disconnects_total', help: 'Connections that ended, by reason', labelNames: ['reason'], registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of stats.disconnects) this.inc({ reason }, count);
    },
  });
  return registry;
}

/** Serves `registry` at /metrics on address:port; rejects when it cannot listen. */
export async function serveMetrics(registry: Registry, address: string, port: number): Promise<{ readonly port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('see /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
