// Opens each edge of a server from its Config as a driver, turning what can go wrong into a start-up error
// that says what to do: the log, the database, the cluster backplane, the hasher, metrics, links, the recorder.
import { readFile } from 'node:fs/promises';
import { describeSource, type Config } from '../src/config/config.js';
import { DEFAULT_LIMITS } from '../src/config/limits.js';
import { parsePeers, type Peer } from '../src/config/peers.js';
import type { State } from '../src/core/state.js';
import type { LogEvent } from '../src/core/types.js';
import { recordingHeader } from '../src/recording/write.js';
import { openBackplane, type Backplane } from './cluster/backplane.js';
import { backplaneDriver } from './cluster/driver.js';
import type { Driver } from './drivers.js';
import { linksTo } from './federation/dialler.js';
import { openServerLog, type ServerLog } from './ops/log.js';
import { metricsRegistry, serveMetrics } from './ops/metrics.js';
import { prepareFile } from './ops/paths.js';
import { openRecorder } from './ops/recorder.js';
import { StartupError } from './ops/startup-error.js';
import type { ServerStats } from './ops/stats.js';
import type { StateObservable } from './state.js';
import { storeDriver } from './services/effects.js';
import { openStore, type Store } from './services/store.js';

/** `from`: where the file's name came from (a flag, a variable, a .env line), for the error a person reads. */
export async function loadPeers(file: string, from: string | undefined, linkKey?: string): Promise<Peer[]> {
  const source = describeSource(from);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'ENOENT' ? 'there is no such file' : error.code === 'EISDIR' ? 'it is a folder' : error.message;
    throw new StartupError(`cannot read the peers file ${file}${source}: ${why} — pass --peers FILE (a file of host:port lines, one a line) or set CHAT_PEERS; leave both out for no federation`);
  });
  const parsed = parsePeers(text, linkKey);
  if ('error' in parsed) throw new StartupError(`bad peers file ${file}${source}: ${parsed.error}`);
  return parsed.peers;
}

/** The log; the last driver released, so its last line says the server stopped. */
export async function logDriver(config: Config, node?: string, label?: string): Promise<Driver & { readonly server: ServerLog }> {
  const server = await openServerLog(config.log, { level: config.logLevel, consoleBuffer: config.limits.consoleBuffer, ...(node ? { fields: { node, ...(label ? { label } : {}) } } : {}) }).catch((error: Error) => {
    throw new StartupError(`cannot write the log ${config.log}: ${error.message} — ${config.from?.CHAT_LOG ? `it came from ${config.from.CHAT_LOG}; ` : ''}pass --log or set CHAT_LOG`);
  });
  return {
    name: 'log',
    server,
    async close() {
      server.log({ level: 'info', event: 'stopped', msg: 'server stopped' });
      await server.close();
    },
  };
}

/** The NeDB file, with a warning for whatever damage was found in it. */
export async function databaseDriver(file: string, from: string | undefined, log: (event: LogEvent) => void): Promise<Driver & { readonly store: Store }> {
  const hint = `${from ? `it came from ${from}; ` : ''}pass --db or set CHAT_DB`;
  await prepareFile(file).catch((error: Error) => { throw new StartupError(`cannot use the database ${file}: ${error.message} — ${hint}`); });
  const store = await openStore(file).catch((error: Error) => { throw new StartupError(`cannot open the database ${file}: ${error.message} — ${hint}`); });
  const { damage } = store;
  if (damage.corrupt || damage.torn) {
    const found = [damage.corrupt ? `${damage.corrupt} corrupt line(s) skipped` : '', damage.torn ? 'an unfinished last line (a write cut short) dropped' : ''].filter(Boolean).join(', and ');
    log({ level: 'warn', event: 'storeDamaged', msg: `database ${damage.file}: ${found}`, file: damage.file, corrupt: damage.corrupt, torn: damage.torn });
  }
  return { ...storeDriver(store), store };
}

/** A cluster node keeps its accounts and channels in the backplane, the one store all nodes share. */
export async function clusterDriver(config: Config, url: string, node: string, log: (event: LogEvent) => void, stats?: ServerStats): Promise<Driver & { readonly backplane: Backplane }> {
  const backplane = await openBackplane({
    url, node, leaseMs: config.limits.clusterLeaseMs, maxUsers: config.maxUsers, log, ...(stats ? { stats } : {}),
    // as long as a slow reader may hold a write here, and then a dead node's lease
    ackTimeoutMs: config.limits.sendTimeoutMs + config.limits.clusterLeaseMs,
  });
  return { ...backplaneDriver(backplane), backplane };
}

/** Serves /metrics (--metrics-port): the edges' counts and the state, read when scraped. */
export async function metricsDriver(config: Config, port: number, stats: ServerStats, state$: StateObservable<State>): Promise<Driver & { readonly port: number }> {
  const served = await serveMetrics(metricsRegistry(stats, state$), config.metricsAddress, port).catch((error: NodeJS.ErrnoException) => {
    throw new StartupError(error.code === 'EADDRINUSE' ? `metrics port ${port} is in use — pass --metrics-port or set CHAT_METRICS_PORT`
      : error.code === 'EADDRNOTAVAIL' ? `cannot serve metrics on ${config.metricsAddress}: no such local address — pass --metrics-address or set CHAT_METRICS_ADDRESS`
      : `cannot serve metrics on ${config.metricsAddress}:${port}: ${error.message}`);
  });
  return { name: 'metrics', port: served.port, close: () => served.close() };
}

/** The federation links this server dials, for as long as the pipeline runs. */
export function diallerDriver(peers: readonly Peer[], config: Config, state$: StateObservable<State>, cluster?: Backplane): Driver {
  return {
    name: 'dialler',
    connection$: linksTo(peers, { localAddress: config.address, retryMaxMs: config.limits.linkRetryMaxMs, state$, ...(cluster ? { dials$: cluster.dialler$ } : {}) }),
    async close() {},
  };
}

/** Checked before anything opens, so a path the server cannot write to is a start-up error. */
export async function checkRecording(file: string): Promise<void> {
  await prepareFile(file).catch((error: Error) => { throw new StartupError(`cannot record to ${file}: ${error.message} — pass --record or set CHAT_RECORD`); });
}

/**
 * --record: the traffic in the recording format. Acquired after the listeners, so it is released first: the
 * server closing everyone on shutdown is no behaviour to replay.
 */
export function recorderDriver(config: Config, file: string, peers: readonly Peer[]): Driver {
  const header = recordingHeader({
    protocol: config.protocol, maxUsers: config.maxUsers, maxLineLength: config.limits.maxLineLength, defaultMaxLineLength: DEFAULT_LIMITS.maxLineLength,
    ...(peers.length ? { federation: { name: config.name, peers: peers.map((p) => `${p.address}:${p.port}`) } } : {}),
  }, new Date().toISOString());
  const recorder = openRecorder(file, header, config.limits.maxLineLength);
  return { name: 'recorder', tap: recorder, close: () => recorder.close() };
}
