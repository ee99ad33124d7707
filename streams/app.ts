// Starts a whole server from a Config: store, log, recording, listeners, metrics, pipeline. Every check
// that can fail runs before the first listener opens, and whatever was opened is closed again on failure.
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { merge, ReplaySubject } from 'rxjs';
import { DEFAULT_LIMITS } from '../src/config/limits.js';
import { parsePeers, type Peer } from '../src/config/peers.js';
import { describeSource, type Config } from '../src/config/config.js';
import type { State } from '../src/core/state.js';
import { recordingHeader } from '../src/recording/write.js';
import { nodeName, openBackplane, shownUrl } from './cluster/backplane.js';
import { composeServer } from './compose.js';
import { admissionFor } from './net/admission.js';
import { connectionsOf } from './net/connections.js';
import { tlsServer } from './net/tls.js';
import { openHasher } from './services/hasher.js';
import { linksTo } from './federation/dialler.js';
import { listenOn, logListenerEvents } from './net/listen.js';
import { openServerLog, type ServerLog } from './ops/log.js';
import { metricsRegistry, serveMetrics } from './ops/metrics.js';
import { prepareFile } from './ops/paths.js';
import { openRecorder, type Recorder } from './ops/recorder.js';
import { StartupError } from './ops/startup-error.js';
import { ServerStats } from './ops/stats.js';
import { openStore, type Store } from './services/store.js';
import { openWebListener } from './web/listener.js';
import type { Holdings } from './pipeline.js';
import { pageMounts } from './web/mounts.js';

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

async function loadPeers(file: string, from: string | undefined): Promise<Peer[]> {
  const source = describeSource(from);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'ENOENT' ? 'there is no such file' : error.code === 'EISDIR' ? 'it is a folder' : error.message;
    throw new StartupError(`cannot read the peers file ${file}${source}: ${why} — pass --peers FILE (a file of host:port lines, one a line) or set CHAT_PEERS; leave both out for no federation`);
  });
  const parsed = parsePeers(text);
  if ('error' in parsed) throw new StartupError(`bad peers file ${file}${source}: ${parsed.error}`);
  return parsed.peers;
}

async function openDatabase(file: string, from: string | undefined): Promise<Store> {
  const hint = `${from ? `it came from ${from}; ` : ''}pass --db or set CHAT_DB`;
  await prepareFile(file).catch((error: Error) => { throw new StartupError(`cannot use the database ${file}: ${error.message} — ${hint}`); });
  return openStore(file).catch((error: Error) => { throw new StartupError(`cannot open the database ${file}: ${error.message} — ${hint}`); });
}

async function openLog(config: Config, node?: string, label?: string): Promise<ServerLog> {
  return openServerLog(config.log, { level: config.logLevel, consoleBuffer: config.limits.consoleBuffer, ...(node ? { fields: { node, ...(label ? { label } : {}) } } : {}) }).catch((error: Error) => {
    throw new StartupError(`cannot write the log ${config.log}: ${error.message} — ${config.from?.CHAT_LOG ? `it came from ${config.from.CHAT_LOG}; ` : ''}pass --log or set CHAT_LOG`);
  });
}

async function startRecording(config: Config, file: string, peers: readonly Peer[]): Promise<Recorder> {
  await prepareFile(file).catch((error: Error) => { throw new StartupError(`cannot record to ${file}: ${error.message} — pass --record or set CHAT_RECORD`); });
  const header = recordingHeader({
    protocol: config.protocol, maxUsers: config.maxUsers, maxLineLength: config.limits.maxLineLength, defaultMaxLineLength: DEFAULT_LIMITS.maxLineLength,
    ...(peers.length ? { federation: { name: config.name, peers: peers.map((p) => `${p.address}:${p.port}`) } } : {}),
  }, new Date().toISOString());
  return openRecorder(file, header, config.limits.maxLineLength);
}

/** The TLS certificate and key, read up front so a bad path is a start-up error. */
async function readTls(tls: { readonly cert: string; readonly key: string }, flags: '--tls' | '--web-tls' = '--tls'): Promise<{ cert: Buffer; key: Buffer }> {
  const read = (file: string, what: 'cert' | 'key') => readFile(file).catch((error: Error) => {
    const variable = `CHAT_${flags === '--tls' ? '' : 'WEB_'}TLS_${what.toUpperCase()}`;
    throw new StartupError(`cannot read the TLS ${what === 'cert' ? 'certificate' : 'key'} ${file}: ${error.message} — pass ${flags}-${what} or set ${variable}`);
  });
  return { cert: await read(tls.cert, 'cert'), key: await read(tls.key, 'key') };
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;
const closed = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** `worker`: this process is worker N of --workers; its connections are `nN.c1`, `nN.c2`… and its log lines say `[nN]`. */
export async function startServer(config: Config, { worker }: { readonly worker?: number } = {}): Promise<RunningServer> {
  /** What to close, newest first, should a later step fail (or once the server stops). */
  const undo: (() => Promise<void> | void)[] = [];
  const unwind = async (error: unknown): Promise<never> => {
    for (const step of undo.reverse()) await step();
    throw error;
  };

  const peers = config.peers ? await loadPeers(config.peers, config.from?.CHAT_PEERS) : [];
  const tlsFiles = config.tls ? await readTls(config.tls) : undefined;
  const sameAsChat = config.tls !== undefined && config.webTls?.cert === config.tls.cert && config.webTls.key === config.tls.key;
  const webTlsFiles = config.webTls ? (sameAsChat ? tlsFiles : await readTls(config.webTls, '--web-tls')) : undefined;
  // a cluster node keeps its accounts and channels in the backplane, the one store all nodes share
  const database = config.cluster === undefined ? await openDatabase(config.db, config.from?.CHAT_DB) : undefined;
  if (database) undo.push(() => database.close());
  const node = config.cluster === undefined ? undefined : nodeName();
  const label = worker === undefined ? undefined : `n${worker}`;
  const log = await openLog(config, node, label).catch(unwind);
  undo.push(() => log.close());
  const cluster = config.cluster === undefined ? undefined
    : await openBackplane({
      url: config.cluster, node: node!, leaseMs: config.limits.clusterLeaseMs, maxUsers: config.maxUsers, log: log.log,
      // as long as a slow reader may hold a write here, and then a dead node's lease
      ackTimeoutMs: config.limits.sendTimeoutMs + config.limits.clusterLeaseMs,
    }).catch(unwind);
  if (cluster) undo.push(() => cluster.close());
  const store = database ?? cluster!.store;
  const recorder = config.record ? await startRecording(config, config.record, peers).catch(unwind) : undefined;
  if (recorder) undo.push(() => recorder.close());

  const stats = config.metricsPort !== undefined ? new ServerStats() : undefined;

  // the link dialler, the metrics and the admission watch the state, which only exists once the pipeline runs: a subject joins them
  const state$ = new ReplaySubject<State>(1);
  let latest: State | undefined;
  state$.subscribe((state) => { latest = state; });
  // one admission for every listener: each socket counts from the moment it is accepted
  const admission = admissionFor(config.limits, () => latest, log.log, stats);

  // half-open: a client that finishes sending (`nc -N`, shutdown(SHUT_WR)) still gets every answer
  const plain = createServer({ allowHalfOpen: true });
  const listeners: Server[] = [plain];
  if (config.tls && tlsFiles) listeners.push(tlsServer({ ...tlsFiles, names: config.tls }, config.limits.tlsHandshakeMs, log.log));
  admission.guard(plain, 'port');
  await listenOn(plain, { address: config.address, port: config.port, name: 'port', flag: '--port', env: 'CHAT_PORT' }).catch(unwind);
  undo.push(() => closed(plain));
  const tls = listeners[1];
  if (tls && config.tls) {
    await listenOn(tls, { address: config.address, port: config.tls.port, name: 'TLS port', flag: '--tls-port', env: 'CHAT_TLS_PORT' }).catch(unwind);
    undo.push(() => closed(tls));
    admission.guard(tls, 'TLS port');
  }
  const web = config.webPort === 'off' ? undefined : await openWebListener({
    address: config.address, port: config.webPort, mounts: pageMounts(), origins: config.webOrigins, hosts: config.webHosts, limits: config.limits, admission, log: log.log,
    ...(webTlsFiles ? { tls: webTlsFiles } : {}),
  }).catch(unwind);
  if (web) {
    undo.push(() => closed(web.server));
    listeners.push(web.server);
  }

  const metrics = stats && config.metricsPort !== undefined
    ? await serveMetrics(metricsRegistry(stats, () => latest), config.metricsAddress, config.metricsPort).catch((error: NodeJS.ErrnoException) => unwind(new StartupError(
      error.code === 'EADDRINUSE' ? `metrics port ${config.metricsPort} is in use — pass --metrics-port or set CHAT_METRICS_PORT`
        : error.code === 'EADDRNOTAVAIL' ? `cannot serve metrics on ${config.metricsAddress}: no such local address — pass --metrics-address or set CHAT_METRICS_ADDRESS`
        : `cannot serve metrics on ${config.metricsAddress}:${config.metricsPort}: ${error.message}`)))
    : undefined;
  if (metrics) undo.push(() => metrics.close());

  const { damage } = store;
  if (damage.corrupt || damage.torn) {
    const found = [damage.corrupt ? `${damage.corrupt} corrupt line(s) skipped` : '', damage.torn ? 'an unfinished last line (a write cut short) dropped' : ''].filter(Boolean).join(', and ');
    log.log({ level: 'warn', event: 'storeDamaged', msg: `database ${damage.file}: ${found}`, file: damage.file, corrupt: damage.corrupt, torn: damage.torn });
  }
  const hasher = openHasher({ cost: config.bcryptCost, perAddress: config.limits.hashQueuePerAddress, maxWaitMs: config.limits.hashMaxWaitMs });
  logListenerEvents(plain, 'listener', log.log);
  if (tls) logListenerEvents(tls, 'TLS listener', log.log);
  const pipeline = await composeServer({
    connection$: merge(
      connectionsOf(plain, config.protocol, admission),
      ...(tls ? [connectionsOf(tls, config.protocol, admission, 'secureConnection')] : []),
      ...(web ? [web.connection$(config.protocol)] : []),
      // links this server dials are its own, not admitted
      linksTo(peers, { localAddress: config.address, retryMaxMs: config.limits.linkRetryMaxMs, state$, ...(cluster ? { dials$: cluster.dialler$ } : {}) }),
    ),
    states: state$,
    federation: { name: config.name, peers },
    store,
    hasher,
    log: log.log,
    ...(label ? { connPrefix: `${label}.` } : {}),
    ...(recorder ? { recorder } : {}),
    ...(stats ? { stats } : {}),
    maxUsers: config.maxUsers,
    limits: config.limits,
    ...(cluster ? { cluster } : {}),
  });
  const port = portOf(plain);
  const tlsPort = tls ? portOf(tls) : undefined;
  log.log({
    level: 'info', event: 'start', msg: `server started on ${config.address}:${port} (protocol ${config.protocol}, max users ${config.maxUsers})${web ? `, web page on ${web.url}` : ''}`,
    address: config.address, port, webUrl: web?.url, protocol: config.protocol, db: config.cluster === undefined ? config.db : shownUrl(config.cluster), peers: peers.length, ...(tlsPort !== undefined ? { tlsPort } : {}),
  });
  if (config.record) log.log({ level: 'info', event: 'recording', msg: `recording all traffic to ${config.record}`, file: config.record });
  if (peers.length) {
    log.log({ level: 'info', event: 'federation', msg: `federating as ${config.name} with ${peers.map((p) => `${p.address}:${p.port}`).join(', ')}`, name: config.name, peers });
  }

  let stopping: Promise<void> | undefined;
  return {
    address: config.address,
    port,
    ...(web ? { webUrl: web.url } : {}),
    ...(tlsPort !== undefined ? { tlsPort } : {}),
    ...(metrics ? { metricsPort: metrics.port } : {}),
    metricsAddress: config.metricsAddress,
    log,
    async holdings() {
      const listenerConnections = await new Promise<number>((done) => plain.getConnections((_, count) => done(count)));
      return { ...pipeline.holdings(), listenerConnections, admitted: admission.size };
    },
    async reopenLog() {
      await log.reopen();
      log.log({ level: 'info', event: 'logReopened', msg: `opened ${config.log} again (SIGHUP)` });
    },
    stop(reason) {
      stopping ??= (async () => {
        log.log({ level: 'info', event: 'stop', msg: `shutting down (${reason})` });
        // the recording ends here: the server closing everyone on shutdown is no behaviour to replay
        await recorder?.close();
        const listenersClosed = Promise.all(listeners.map(closed));
        await pipeline.stop();
        await listenersClosed;
        await Promise.all([store.close(), hasher.close(), metrics?.close(), cluster?.close()]);
        log.log({ level: 'info', event: 'stopped', msg: 'server stopped' });
        await log.close();
      })();
      return stopping;
    },
  };
}
