// Starts a whole server from a Config: store, log, listener, pipeline. Returns how to stop it.
import { createServer, type AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import type { Config } from '../src/config/config.js';
import { parsePeers, type Peer } from '../src/config/peers.js';
import { merge, ReplaySubject } from 'rxjs';
import type { State } from '../src/core/state.js';
import { composeServer } from './compose.js';
import { connectionsOf } from './connections.js';
import { linksTo } from './links.js';
import { openHasher } from './hasher.js';
import { openServerLog, type ServerLog } from './log.js';
import { openStore } from './store.js';

export interface RunningServer {
  readonly address: string;
  readonly port: number;
  readonly log: ServerLog;
  stop(reason: string): Promise<void>;
}

/** A failure to start that a person can act on; the message is the whole story. */
export class StartupError extends Error {}

async function loadPeers(file: string): Promise<Peer[]> {
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new StartupError(`cannot read the peers file ${file}: ${error.message}`);
  });
  const parsed = parsePeers(text);
  if ('error' in parsed) throw new StartupError(`bad peers file ${file}: ${parsed.error}`);
  return parsed.peers;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const peers = config.peers ? await loadPeers(config.peers) : [];
  const store = await openStore(config.db).catch((error: Error) => {
    throw new StartupError(`cannot open the database ${config.db}: ${error.message} — pass --db or set CHAT_DB`);
  });
  // half-open: a client that finishes sending (`nc -N`, shutdown(SHUT_WR)) still gets every answer
  const server = createServer({ allowHalfOpen: true });
  server.maxConnections = config.limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${config.address}:${config.port}`;
      reject(new StartupError(
        error.code === 'EADDRINUSE' ? `port ${config.port} is in use — pass --port or set CHAT_PORT`
          : error.code === 'EADDRNOTAVAIL' ? `cannot listen on ${where}: no such local address — pass --address or set CHAT_ADDRESS`
          : error.code === 'EACCES' ? `not allowed to listen on ${where} — pick a port above 1023`
          : `cannot listen on ${where}: ${error.message}`));
    });
    server.listen(config.port, config.address, () => resolve());
  }).catch(async (error) => { await store.close(); throw error; });

  const { port } = server.address() as AddressInfo;
  const log = openServerLog(config.log, config.logLevel);
  const hasher = openHasher(config.bcryptCost);
  server.on('error', (error) => log.log({ level: 'error', event: 'listenerError', msg: `listener error: ${error.message}` }));
  server.on('drop', (drop) => log.log({
    level: 'warn', event: 'refused', msg: `refused a connection from ${drop?.remoteAddress}:${drop?.remotePort}: ${config.limits.maxConnections} are open (CHAT_MAX_CONNECTIONS)`,
    remote: { address: drop?.remoteAddress, port: drop?.remotePort },
  }));
  // the link dialler watches the state, which only exists once the pipeline runs: a subject joins the two
  const state$ = new ReplaySubject<State>(1);
  const pipeline = await composeServer({
    connection$: merge(
      connectionsOf(server, config.protocol),
      linksTo(peers, { localAddress: config.address, retryMaxMs: config.limits.linkRetryMaxMs, state$ }),
    ),
    states: state$,
    federation: { name: config.name, peers },
    store,
    hasher,
    log: log.log,
    maxUsers: config.maxUsers,
    limits: config.limits,
  });
  log.log({
    level: 'info', event: 'start', msg: `server started on ${config.address}:${port} (protocol ${config.protocol}, max users ${config.maxUsers})`,
    address: config.address, port, protocol: config.protocol, db: config.db, peers: peers.length,
  });
  if (peers.length) {
    log.log({ level: 'info', event: 'federation', msg: `federating as ${config.name} with ${peers.map((p) => `${p.host}:${p.port}`).join(', ')}`, name: config.name, peers });
  }

  let stopping: Promise<void> | undefined;
  return {
    address: config.address,
    port,
    log,
    stop(reason) {
      stopping ??= (async () => {
        log.log({ level: 'info', event: 'stop', msg: `shutting down (${reason})` });
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
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
