// Starts a whole server from a Config, as a list of the drivers it is made of: acquired in order (every check
// that can fail runs before the first listener opens), released in reverse when it stops or a later one fails.
import { createHmac } from 'node:crypto';
import type { Config } from '../src/config/config.js';
import type { Peer } from '../src/config/peers.js';
import { nodeName, shownUrl } from './cluster/backplane.js';
import { composeServer } from './compose.js';
import { Drivers } from './drivers.js';
import { checkRecording, clusterDriver, databaseDriver, diallerDriver, loadPeers, logDriver, metricsDriver, recorderDriver } from './edges.js';
import { plainListener, readTls, readWebTls, tlsListener, webListener } from './listeners.js';
import { admissionFor } from './net/admission.js';
import type { ServerLog } from './ops/log.js';
import { StartupError } from './ops/startup-error.js';
import { ServerStats } from './ops/stats.js';
import type { Holdings } from './pipeline.js';
import { hasherDriver, storeDriver } from './services/effects.js';
import { openHasher } from './services/hasher.js';

export { StartupError };

export interface RunningServer {
  readonly address: string;
  readonly port: number;
  /** The web page's address, e.g. `http://127.0.0.1:5380/`, unless the web port is off. */
  readonly webUrl?: string;
  /** The TLS listener's port, when --tls-cert and --tls-key are set. */
  readonly tlsPort?: number;
  /** Where /metrics is served, when --metrics-port is set. */
  readonly metricsPort?: number;
  /** The address /metrics listens on (--metrics-address). */
  readonly metricsAddress: string;
  readonly log: ServerLog;
  /** Counts of what the server holds (connections, sockets, timers, subscriptions …), and its open sockets as the OS sees them. */
  holdings(): Promise<Holdings & { readonly listenerConnections: number; readonly admitted: number }>;
  /** Opens server.log again by its name (SIGHUP, after logrotate moved it). */
  reopenLog(): Promise<void>;
  stop(reason: string): Promise<void>;
}

/** HMAC-SHA-256 for the links' handshake, handed to the core (a pure function: same key and message, same proof). */
const hmacSha256 = (key: string, message: string): string => createHmac('sha256', key).update(message).digest('hex');

/** `worker`: this process is worker N of --workers; its connections are `nN.c1`, `nN.c2`… and its log lines say `[nN]`. */
export async function startServer(config: Config, { worker }: { readonly worker?: number } = {}): Promise<RunningServer> {
  const peers = config.peers ? await loadPeers(config.peers, config.from?.CHAT_PEERS, config.linkKey) : [];
  const tlsFiles = config.tls ? await readTls(config.tls) : undefined;
  const webTlsFiles = await readWebTls(config, tlsFiles);
  const label = worker === undefined ? undefined : `n${worker}`;
  if (config.record) await checkRecording(config.record);
  const node = config.cluster === undefined ? undefined : nodeName();
  const stats = config.metricsPort !== undefined ? new ServerStats() : undefined;
  const drivers = new Drivers();
  try {
    const { server: log } = await drivers.acquire(logDriver(config, node, label));
    const cluster = config.cluster === undefined ? undefined : (await drivers.acquire(clusterDriver(config, config.cluster, node!, log.log, stats))).backplane;
    const { store } = cluster ? await drivers.acquire({ ...storeDriver(cluster.store), store: cluster.store }) : await drivers.acquire(databaseDriver(config.db, config.from?.CHAT_DB, log.log));
    await drivers.acquire(hasherDriver(openHasher({ cost: config.bcryptCost, perAddress: config.limits.hashQueuePerAddress, maxWaitMs: config.limits.hashMaxWaitMs })));
    // acquired before the edges that feed it, so it stops only after they stopped taking anything in
    const pipeline = await drivers.acquire(composeServer({
      store, log: log.log, maxUsers: config.maxUsers, limits: config.limits, federation: { name: config.name, peers, hmac: hmacSha256, maxRemoteMembers: config.limits.maxRemoteMembers }, ...(stats ? { stats } : {}), ...(cluster ? { cluster } : {}),
      ...(label ? { connPrefix: `${label}.` } : {}), logLevel: config.logLevel,
    }));
    const metrics = stats && config.metricsPort !== undefined ? await drivers.acquire(metricsDriver(config, config.metricsPort, stats, pipeline.state$)) : undefined;
    // one admission for every listener; who has logged in is the core's knowledge
    const admission = admissionFor(config.limits, () => pipeline.state$.value, log.log, stats);
    const plain = await drivers.acquire(plainListener(config, admission, log.log));
    const tls = config.tls && tlsFiles ? await drivers.acquire(tlsListener(config, config.tls.port, tlsFiles, admission, log.log)) : undefined;
    const web = config.webPort === 'off' ? undefined : await drivers.acquire(webListener(config, config.webPort, webTlsFiles, admission, log.log));
    // links this server dials are its own, not admitted
    if (peers.length) await drivers.acquire(diallerDriver(peers, config, pipeline.state$, cluster));
    if (config.record) await drivers.acquire(recorderDriver(config, config.record, peers));
    pipeline.run(drivers.all);
    logStarted(config, log, peers, { port: plain.port, tlsPort: tls?.port, webUrl: web?.url });

    let stopping: Promise<void> | undefined;
    return {
      address: config.address, port: plain.port, metricsAddress: config.metricsAddress, log,
      ...(web ? { webUrl: web.url } : {}), ...(tls ? { tlsPort: tls.port } : {}), ...(metrics ? { metricsPort: metrics.port } : {}),
      holdings: async () => ({
        ...pipeline.holdings(), admitted: admission.size, listenerConnections: await new Promise<number>((done) => plain.server.getConnections((_, count) => done(count))),
      }),
      async reopenLog() {
        await log.reopen();
        log.log({ level: 'info', event: 'logReopened', msg: `opened ${config.log} again (SIGHUP)` });
      },
      stop(reason) {
        stopping ??= (log.log({ level: 'info', event: 'stop', msg: `shutting down (${reason})` }), drivers.release());
        return stopping;
      },
    };
  } catch (error) {
    await drivers.release();
    throw error;
  }
}

function logStarted(config: Config, log: ServerLog, peers: readonly Peer[], { port, tlsPort, webUrl }: { port: number; tlsPort?: number | undefined; webUrl?: string | undefined }): void {
  log.log({
    level: 'info', event: 'start', msg: `server started on ${config.address}:${port} (protocol ${config.protocol}, max users ${config.maxUsers})${webUrl ? `, web page on ${webUrl}` : ''}`,
    address: config.address, port, webUrl, protocol: config.protocol, db: config.cluster === undefined ? config.db : shownUrl(config.cluster), peers: peers.length, ...(tlsPort !== undefined ? { tlsPort } : {}),
  });
  if (config.record) log.log({ level: 'info', event: 'recording', msg: `recording all traffic to ${config.record}`, file: config.record });
  if (peers.length) {
    // never the keys: only where each peer is and whether it has one
    const shown = peers.map((p) => `${p.address}:${p.port}${p.name ? ` (${p.name})` : ''}${p.key ? ' with a key' : ''}`);
    log.log({ level: 'info', event: 'federation', msg: `federating as ${config.name} with ${shown.join(', ')}`, name: config.name, peers: shown });
    if (peers.every((p) => p.key === undefined)) {
      log.log({ level: 'warn', event: 'linksByAddress', msg: 'federation links are trusted by address only: no peer has a key (key= in the peers file, or CHAT_LINK_KEY)' });
    }
  }
}
