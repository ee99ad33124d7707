// The listeners as drivers: the plain TCP port, the TLS port and the web page's WebSocket, each an
// observable of the connections one admission let in. Closing one stops accepting; its open connections are the pipeline's.
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Config } from '../src/config/config.js';
import type { LogEvent } from '../src/core/types.js';
import type { Driver } from './drivers.js';
import type { Admission } from './net/admission.js';
import { connectionsOf } from './net/connections.js';
import { listenOn, logListenerEvents } from './net/listen.js';
import { tlsServer, type TlsFiles } from './net/tls.js';
import { StartupError } from './ops/startup-error.js';
import { openWebListener } from './web/listener.js';
import { pageMounts } from './web/mounts.js';

/** The TLS certificate and key, read up front so a bad path is a start-up error. */
export async function readTls(tls: NonNullable<Config['tls']>, flags: '--tls' | '--web-tls' = '--tls'): Promise<TlsFiles> {
  const read = (file: string, what: 'cert' | 'key') => readFile(file).catch((error: Error) => {
    const variable = `CHAT_${flags === '--tls' ? '' : 'WEB_'}TLS_${what.toUpperCase()}`;
    throw new StartupError(`cannot read the TLS ${what === 'cert' ? 'certificate' : 'key'} ${file}: ${error.message} — pass ${flags}-${what} or set ${variable}`);
  });
  return { cert: await read(tls.cert, 'cert'), key: await read(tls.key, 'key'), names: tls };
}

/** The page's certificate and key: its own pair when given, else the chat port's (read once when they are the same files). */
export async function readWebTls(config: Config, chat: TlsFiles | undefined): Promise<TlsFiles | undefined> {
  if (!config.webTls) return undefined;
  const same = config.tls !== undefined && config.webTls.cert === config.tls.cert && config.webTls.key === config.tls.key;
  return same && chat ? chat : readTls({ ...config.webTls, port: 0 } as NonNullable<Config['tls']>, '--web-tls');
}

/** A listening TCP or TLS server as a driver; `port` is the one it got (port 0 picks a free one). */
export interface ListenerDriver extends Driver {
  readonly server: Server;
  readonly port: number;
}

/** How a listener is named in errors and log lines, and the event that hands over a connection ready to read. */
interface Named { readonly name: string; readonly flag: string; readonly env: string; readonly log: string; readonly ready?: 'secureConnection' }

async function listenerDriver(server: Server, config: Config, port: number, what: Named, admission: Admission, log: (event: LogEvent) => void): Promise<ListenerDriver> {
  // one admission for every listener: each socket counts from the moment it is accepted
  admission.guard(server, what.name);
  await listenOn(server, { address: config.address, port, name: what.name, flag: what.flag, env: what.env });
  logListenerEvents(server, what.log, log);
  return {
    name: what.log,
    server,
    port: (server.address() as AddressInfo).port,
    connection$: connectionsOf(server, config.protocol, admission, what.ready),
    async close() {
      server.close();
    },
  };
}

/** The plain port; half-open: a client that finishes sending (`nc -N`, shutdown(SHUT_WR)) still gets every answer. */
export function plainListener(config: Config, admission: Admission, log: (event: LogEvent) => void): Promise<ListenerDriver> {
  return listenerDriver(createServer({ allowHalfOpen: true }), config, config.port, { name: 'port', flag: '--port', env: 'CHAT_PORT', log: 'listener' }, admission, log);
}

export function tlsListener(config: Config, port: number, files: TlsFiles, admission: Admission, log: (event: LogEvent) => void): Promise<ListenerDriver> {
  const named: Named = { name: 'TLS port', flag: '--tls-port', env: 'CHAT_TLS_PORT', log: 'TLS listener', ready: 'secureConnection' };
  return listenerDriver(tlsServer(files, config.limits.tlsHandshakeMs, log), config, port, named, admission, log);
}

/** The web page and its WebSocket (unless --web-port off). */
export async function webListener(config: Config, port: number, tls: TlsFiles | undefined, admission: Admission, log: (event: LogEvent) => void): Promise<Driver & { readonly url: string }> {
  const web = await openWebListener({
    address: config.address, port, mounts: pageMounts(), origins: config.webOrigins, hosts: config.webHosts, limits: config.limits, admission, log,
    ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
  });
  return {
    name: 'web listener',
    url: web.url,
    connection$: web.connection$(config.protocol),
    async close() {
      web.server.close();
    },
  };
}
