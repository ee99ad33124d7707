// The web port: the page's static files over HTTP, and chat connections over WebSocket at /ws, each one
// handed to the pipeline as a Duplex like any TCP socket.
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Observable } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Limits } from '../../src/config/limits.js';
import { hostAllowed } from '../../src/config/hosts.js';
import { originAllowed } from '../../src/config/origins.js';
import type { ListenerMode, LogEvent } from '../../src/core/types.js';
import type { Admission } from '../net/admission.js';
import { listenOn, logListenerEvents } from '../net/listen.js';
import { Summary } from '../ops/summary.js';
import type { Connection } from '../pipeline.js';
import { WebSocketDuplex } from './duplex.js';
import { pathOf, staticFiles, type Mount } from './static.js';

/** Where the page opens its WebSocket. */
export const WEB_SOCKET_PATH = '/ws';

/** UTF-8 takes at most 3 bytes per UTF-16 unit, so a message longer than this cannot be a line within the limit. */
export const BYTES_PER_UTF16_UNIT = 3;

export interface WebOptions {
  readonly address: string;
  /** 0 for any free port. */
  readonly port: number;
  readonly mounts: readonly Mount[];
  /** Other sites' origins allowed to connect (see originAllowed). */
  readonly origins: readonly string[];
  /** Names besides the listen address that WebSocket upgrades may be for (see hostAllowed). */
  readonly hosts: readonly string[];
  readonly limits: Pick<Limits, 'maxLineLength' | 'httpHeadersMs' | 'httpRequestMs' | 'httpKeepAliveMs'>;
  /** Counts every socket the web port accepts, HTTP or WebSocket, with those of the other listeners. */
  readonly admission: Admission;
  readonly log: (event: LogEvent) => void;
  /** PEM certificate and key: the page over HTTPS and the socket over WSS instead of HTTP and WS. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
}

export interface WebListener {
  readonly server: Server;
  /** The page's address, e.g. `http://127.0.0.1:5380/`. */
  readonly url: string;
  /** Every accepted WebSocket, as a connection for the pipeline. */
  readonly connection$: (listener: ListenerMode) => Observable<Connection>;
}

/** Answers an upgrade we refuse with a plain HTTP status, then hangs up. */
function refuse(socket: Duplex, status: number, text: string): void {
  const body = `${text}\n`;
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Listens on the web port; rejects with a StartupError a person can act on (port in use, …). */
export async function openWebListener({ address, port, mounts, origins, hosts, limits, admission, log, tls }: WebOptions): Promise<WebListener> {
  const files = staticFiles(mounts);
  // an idle or slow HTTP socket holds a place in the admission: each has a deadline, checked every second
  const timeouts = {
    headersTimeout: limits.httpHeadersMs, requestTimeout: limits.httpRequestMs, keepAliveTimeout: limits.httpKeepAliveMs,
    connectionsCheckingInterval: Math.min(1000, limits.httpHeadersMs),
  };
  const serve: RequestListener = (req, res) => {
    if (pathOf(req) === WEB_SOCKET_PATH) {
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
      return res.end('this is the chat WebSocket endpoint: connect with a WebSocket client\n');
    }
    files(req, res);
  };
  // with a certificate the page is HTTPS and its socket WSS, on the same port
  const server: Server = tls ? createHttpsServer({ ...timeouts, cert: tls.cert, key: tls.key }, serve) : createServer(timeouts, serve);
  admission.guard(server, 'web port');
  const wrongHosts = new Summary(log);
  const slowRequests = new Summary(log);
  // what Node does without this listener (an HTTP error answer, then close), plus a log line for the timeouts
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number; remoteAddress?: string }) => {
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (socket.writable && socket.bytesWritten === 0) {
      socket.write(timedOut ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    }
    const from = socket.remoteAddress ?? 'unknown'; // read before destroy() forgets it
    socket.destroy();
    if (!timedOut) return;
    slowRequests.note(from,
      () => ({ level: 'warn', event: 'httpTimeout', msg: `closed an HTTP connection from ${from}: no whole request within ${limits.httpHeadersMs} ms (CHAT_HTTP_HEADERS_MS, CHAT_HTTP_REQUEST_MS)`, remote: { address: from } }),
      (more) => ({ level: 'warn', event: 'httpTimeout', msg: `closed ${more} more HTTP connections from ${from} without a whole request in ${slowRequests.windowSeconds} s (CHAT_HTTP_HEADERS_MS, CHAT_HTTP_REQUEST_MS)`, remote: { address: from }, count: more }));
  });
  // a larger message is closed by ws with 1009 (message too big); a smaller one that is still over the line
  // limit reaches the framing and gets the dialect's answer to an over-long line
  const sockets = new WebSocketServer({ noServer: true, maxPayload: limits.maxLineLength * BYTES_PER_UTF16_UNIT, clientTracking: false });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    if (pathOf(req) !== WEB_SOCKET_PATH) return refuse(socket, 404, 'Not Found');
    // nobody takes connections any more: the server is shutting down
    if (sockets.listenerCount('connection') === 0) return refuse(socket, 503, 'Service Unavailable');
    const { origin, host } = req.headers;
    const from = req.socket.remoteAddress ?? 'unknown';
    // DNS rebinding: another site's name made to point here carries that name as Host; only our own names pass
    if (!hostAllowed(host, address, hosts)) {
      wrongHosts.note(from,
        () => ({
          level: 'warn', event: 'hostRefused', msg: `refused a WebSocket from ${from}: Host ${JSON.stringify(host?.slice(0, 100))} is not this server's address nor in CHAT_WEB_HOSTS`,
          host: host?.slice(0, 100), remote: { address: from, port: req.socket.remotePort },
        }),
        (more) => ({ level: 'warn', event: 'hostRefused', msg: `refused ${more} more WebSockets from ${from} for other hosts in ${wrongHosts.windowSeconds} s (CHAT_WEB_HOSTS)`, remote: { address: from }, count: more }));
      return refuse(socket, 403, 'Forbidden');
    }
    if (!originAllowed(origin, host, origins)) {
      log({
        level: 'warn', event: 'originRefused', msg: `refused a WebSocket from ${req.socket.remoteAddress}: origin ${origin} is not allowed (CHAT_WEB_ORIGINS)`,
        origin, remote: { address: req.socket.remoteAddress, port: req.socket.remotePort },
      });
      return refuse(socket, 403, 'Forbidden');
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  const connection$ = (listener: ListenerMode) => new Observable<Connection>((subscriber) => {
    const onConnection = (ws: WebSocket, req: IncomingMessage) => {
      const admitted = admission.admitted(req.socket);
      if (!admitted) return ws.terminate(); // closed to make room while its upgrade was under way
      subscriber.next({
        socket: new WebSocketDuplex(ws),
        listener,
        admitted,
        transport: 'websocket',
        remote: { address: req.socket.remoteAddress ?? 'unknown', port: req.socket.remotePort ?? 0 },
      });
    };
    sockets.on('connection', onConnection);
    return () => sockets.off('connection', onConnection);
  });
  await listenOn(server, { address, port, name: 'web port', flag: '--web-port', env: 'CHAT_WEB_PORT (off for no web page)' });
  logListenerEvents(server, 'web listener', log);
  const host = address.includes(':') ? `[${address}]` : address;
  return { server, url: `${tls ? 'https' : 'http'}://${host}:${(server.address() as AddressInfo).port}/`, connection$ };
}
