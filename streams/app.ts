// Starts a whole server from a Config: store, log, listener, pipeline. Returns how to stop it.
import { createServer, type AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import type { Config } from '../src/config/config.js';
import { parsePeers, type Peer } from '../src/config/peers.js';
import { merge, ReplaySubject } from 'rxjs';
import type { State } from '../src/core/state.js';
import { composeServer } from './compose.js';
import type { Holdings } from './pipeline.js';
import { connectionsOf } from './connections.js';
import { linksTo } from './links.js';
import { openHasher } from './hasher.js';
import { listenOn, logListenerEvents } from './listen.js';
import { openServerLog, type ServerLog } from './log.js';
import { prepareFile } from './paths.js';
import { StartupError } from './startup-error.js';
import { openRecorder, type Recorder } from './recorder.js';
import { recordingHeader } from '../src/recording/write.js';
import { DEFAULT_LIMITS } from '../src/config/limits.js';
import { openStore, type Store } from './store.js';
import { openWebListener } from './web/listener.js';
import { pageMounts } from './web/mounts.js';
import { capPerAddress } from './per-address.js';

export { StartupError };

export interface RunningServer {
  readonly address: string;
  readonly port: number;
  /** The web page's address, e.g. `http://127.0.0.1:5380/`, unless the web port is off. */
  readonly webUrl?: string;
  readonly log: ServerLog;
  /** Counts of what the server holds (connections, sockets, timers, subscriptions …), and its open sockets as the OS sees them. */
  holdings(): Promise<Holdings & { readonly listenerConnections: number }>;
  /** Opens server.log again by its name (SIGHUP, after logrotate moved it). */
  reopenLog(): Promise<void>;
  stop(reason: string): Promise<void>;
}

async function loadPeers(file: string): Promise<Peer[]> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new StartupError(`cannot read the peers file ${file}: ${error.message}`);
  });
  const parsed = parsePeers(text);
  if ('error' in parsed) throw new StartupError(`bad peers file ${file}: ${parsed.error}`);
  return parsed.peers;
}

async function openDatabase(file: string): Promise<Store> {
  const hint = 'pass --db or set CHAT_DB';
  await prepareFile(file).catch((error: Error) => { throw new StartupError(`cannot use the database ${file}: ${error.message} — ${hint}`); });
  return openStore(file).catch((error: Error) => { throw new StartupError(`cannot open the database ${file}: ${error.message} — ${hint}`); });
}

async function openLog(config: Config): Promise<ServerLog> {
  return openServerLog(config.log, { level: config.logLevel, consoleBuffer: config.limits.consoleBuffer }).catch((error: Error) => {
    throw new StartupError(`cannot write the log ${config.log}: ${error.message} — pass --log or set CHAT_LOG`);
  });
}

async function startRecording(config: Config, peers: readonly Peer[]): Promise<Recorder> {
  const file = config.record!;
  await prepareFile(file).catch((error: Error) => { throw new StartupError(`cannot record to ${file}: ${error.message} — pass --record or set CHAT_RECORD`); });
  const header = recordingHeader({
    protocol: config.protocol, maxUsers: config.maxUsers, maxLineLength: config.limits.maxLineLength, defaultMaxLineLength: DEFAULT_LIMITS.maxLineLength,
    ...(peers.length ? { federation: { name: config.name, peers: peers.map((p) => `${p.host}:${p.port}`) } } : {}),
  }, new Date().toISOString());
  return openRecorder(file, header, config.limits.maxLineLength);
}

export async function startServer(config: Config): Promise<RunningServer> {
  const peers = config.peers ? await loadPeers(config.peers) : [];
  const store = await openDatabase(config.db);
  const log = await openLog(config).catch(async (error) => { await store.close(); throw error; });
  const recorder = config.record ? await startRecording(config, peers).catch(async (error) => { log.close(); await store.close(); throw error; }) : undefined;
  // half-open: a client that finishes sending (`nc -N`, shutdown(SHUT_WR)) still gets every answer
  const server = createServer({ allowHalfOpen: true });
  server.maxConnections = config.limits.maxConnections;
  await listenOn(server, { address: config.address, port: config.port, name: 'port', flag: '--port', env: 'CHAT_PORT' })
    .catch(async (error) => { await recorder?.close(); log.close(); await store.close(); throw error; });

  const web = config.webPort === 'off' ? undefined : await openWebListener({
    address: config.address, port: config.webPort, mounts: pageMounts(), origins: config.webOrigins, limits: config.limits, log: log.log,
  }).catch(async (error) => { server.close(); await recorder?.close(); log.close(); await store.close(); throw error; });

  const { port } = server.address() as AddressInfo;
  const { damage } = store;
  if (damage.corrupt || damage.torn) {
    const found = [damage.corrupt ? `${damage.corrupt} corrupt line(s) skipped` : '', damage.torn ? 'an unfinished last line (a write cut short) dropped' : ''].filter(Boolean).join(', and ');
    log.log({ level: 'warn', event: 'storeDamaged', msg: `database ${damage.file}: ${found}`, file: damage.file, corrupt: damage.corrupt, torn: damage.torn });
  }
  const hasher = openHasher(config.bcryptCost, config.limits.maxBcryptQueue);
  logListenerEvents(server, 'listener', config.limits.maxConnections, log.log);
  // the link dialler watches the state, which only exists once the pipeline runs: a subject joins the two
  const state$ = new ReplaySubject<State>(1);
  const pipeline = await composeServer({
    connection$: capPerAddress(merge(
      connectionsOf(server, config.protocol),
      ...(web ? [web.connection$(config.protocol)] : []),
      linksTo(peers, { localAddress: config.address, retryMaxMs: config.limits.linkRetryMaxMs, state$ }),
    ), config.limits.maxPerAddress, log.log),
    states: state$,
    federation: { name: config.name, peers },
    store,
    hasher,
    log: log.log,
    ...(recorder ? { recorder } : {}),
    maxUsers: config.maxUsers,
    limits: config.limits,
  });
  log.log({
    level: 'info', event: 'start', msg: `server started on ${config.address}:${port} (protocol ${config.protocol}, max users ${config.maxUsers})${web ? `, web page on ${web.url}` : ''}`,
    address: config.address, port, webUrl: web?.url, protocol: config.protocol, db: config.db, peers: peers.length,
  });
  if (config.record) log.log({ level: 'info', event: 'recording', msg: `recording all traffic to ${config.record}`, file: config.record });
  if (peers.length) {
    log.log({ level: 'info', event: 'federation', msg: `federating as ${config.name} with ${peers.map((p) => `${p.host}:${p.port}`).join(', ')}`, name: config.name, peers });
  }

  let stopping: Promise<void> | undefined;
  return {
    address: config.address,
    port,
    ...(web ? { webUrl: web.url } : {}),
    log,
    async holdings() {
      const listenerConnections = await new Promise<number>((done) => server.getConnections((_, count) => done(count)));
      return { ...pipeline.holdings(), listenerConnections };
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
        const closed = Promise.all([server, ...(web ? [web.server] : [])].map((listener) => new Promise<void>((resolve) => listener.close(() => resolve()))));
        await pipeline.stop();
        await closed;
        await Promise.all([store.close(), hasher.close()]);
        log.log({ level: 'info', event: 'stopped', msg: 'server stopped' });
        log.close();
      })();
      return stopping;
    },
  };
}
