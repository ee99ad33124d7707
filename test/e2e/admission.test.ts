// Admission at every listener (docs/security.md, "Admission"): what one host, or many, can do to the plain,
// TLS and web ports, always checked from a second address that must still be served. Each test holds a
// socket pattern that locked others out, or got in where it should not, before the admission existed.
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { get as getHttps } from 'node:https';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../support/server.js';
import { freePort, tempDir } from '../support/server.js';
import { connectTls, HAS_OPENSSL, selfSigned } from '../support/tls.js';
import { connectWebSocket, refusedStatus, type WebSocketClient } from '../support/ws-client.js';
import { ask, cleanup, cleanupAll, client, server } from './helpers.js';

const held: Socket[] = [];
const webSockets: WebSocketClient[] = [];
afterEach(async () => {
  for (const socket of held.splice(0)) socket.destroy();
  for (const ws of webSockets.splice(0)) ws.close();
  await cleanup();
});
afterAll(cleanupAll);

/** Opens a TCP socket from `localAddress` that says nothing and is kept open (closed after the test). */
function silentSocket(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((done, fail) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('error', () => {});
    held.push(socket);
    socket.once('connect', () => done(socket));
    socket.once('error', fail);
  });
}

/** A socket that loads the page once, then stays open and idle (keep-alive): by then the server has surely accepted it. */
async function idleAfterRequest(webPort: number): Promise<Socket> {
  const socket = await silentSocket(webPort);
  socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('no answer to GET /')), 5000);
    socket.once('data', () => { clearTimeout(timer); done(); });
  });
  return socket;
}

/** Resolves once the server closed `socket` (within `timeoutMs`). */
function closedByServer(socket: Socket, timeoutMs = 5000): Promise<void> {
  return new Promise((done, fail) => {
    if (socket.destroyed) return done();
    const timer = setTimeout(() => fail(new Error(`the server kept the socket open for ${timeoutMs} ms`)), timeoutMs);
    socket.resume();
    socket.once('close', () => { clearTimeout(timer); done(); });
  });
}

/** Loads the page from `localAddress`: the HTTP status, or 0 if the server hung up without one. */
/** The page's HTTP status; `secure` when the server has a certificate (then the web port serves HTTPS). */
function pageStatus(webPort: number, localAddress: string, { secure = false, timeoutMs = 5000 } = {}): Promise<number> {
  return new Promise((done) => {
    const options = { host: '127.0.0.1', port: webPort, path: '/', localAddress, agent: false as const };
    const request = (secure ? getHttps({ ...options, rejectUnauthorized: false }, onResponse) : get(options, onResponse));
    function onResponse(response: import('node:http').IncomingMessage) {
      response.resume();
      done(response.statusCode ?? 0);
    }
    request.setTimeout(timeoutMs, () => request.destroy());
    request.on('error', () => done(0));
  });
}

async function webSocket(webPort: number, options: Parameters<typeof connectWebSocket>[1] = {}): Promise<WebSocketClient> {
  const opened = await connectWebSocket(webPort, options);
  webSockets.push(opened);
  return opened;
}

/** How many console lines match `pattern` once the first has shown (a storm must be one line, then a count per window). */
async function linesShown(s: ServerProcess, pattern: RegExp): Promise<number> {
  await s.waitForStdout(pattern);
  return s.stdout().split('\n').filter((line) => pattern.test(line)).length;
}

describe.skipIf(!HAS_OPENSSL)(HAS_OPENSSL ? 'the TLS port' : 'the TLS port — SKIPPED: openssl is not installed', () => {
  const tlsPortOf = (s: ServerProcess) => Number(/listening for TLS on [^\s]+:(\d+)/.exec(s.stdout())?.[1]);

  it('60 connect-and-close from one address leave another address able to chat over TLS and to load the page', async () => {
    const { cert, key } = selfSigned();
    const s = await server({ args: ['--tls-cert', cert, '--tls-key', key, '--tls-port', '0'], env: { CHAT_MAX_CONNECTIONS: '30', CHAT_MAX_PER_ADDRESS: '64' } });
    const tlsPort = tlsPortOf(s);
    for (let i = 0; i < 60; i++) (await silentSocket(tlsPort)).end();

    const tia = await connectTls(tlsPort, cert, '127.0.0.2');
    tia.send('NAME tia');
    expect(await tia.next()).toMatch(/^WELCOME tia /);
    tia.send('USERS');
    expect(await tia.next()).toBe('USERS tia');
    tia.close();
    expect(await pageStatus(s.webPort!, '127.0.0.2', { secure: true })).toBe(200);
    // each limit it hit is logged once for the storm, not once per socket
    expect(await linesShown(s, /closed (a connection|\d+ more connections).* nobody had logged in on/)).toBe(1);
  });

  it('a handshake that does not finish within CHAT_TLS_HANDSHAKE_MS closes its socket, and says so once', async () => {
    const { cert, key } = selfSigned();
    const s = await server({ args: ['--tls-cert', cert, '--tls-key', key, '--tls-port', '0'], env: { CHAT_TLS_HANDSHAKE_MS: '300' } });
    const silent = await Promise.all(Array.from({ length: 5 }, () => silentSocket(tlsPortOf(s))));
    await Promise.all(silent.map((socket) => closedByServer(socket)));
    expect(await linesShown(s, /TLS connections? from 127\.0\.0\.1.*\(CHAT_TLS_HANDSHAKE_MS\)/)).toBe(1);
  });
});

describe('the web port', () => {
  it('40 idle sockets from one address leave another address able to load the page and chat over WebSocket', async () => {
    const s = await server({ env: { CHAT_MAX_CONNECTIONS: '30', CHAT_MAX_PER_ADDRESS: '64' } });
    for (let i = 0; i < 40; i++) await silentSocket(s.webPort!);

    expect(await pageStatus(s.webPort!, '127.0.0.2')).toBe(200);
    const ws = await webSocket(s.webPort!, { localAddress: '127.0.0.2' });
    ws.send('HELLO-FROM wendy');
    expect(await ws.next()).toBe('HELLO wendy');
    const plain = await client(s.port, '127.0.0.2');
    expect(await ask(plain, 'HELLO-FROM paul')).toBe('HELLO paul');
    expect(await ask(plain, 'SEND wendy hi')).toBe('SEND-OK');
    expect(await ws.next()).toBe('DELIVERY paul hi');
  });

  it('idle HTTP sockets count against CHAT_MAX_PER_ADDRESS on every port; another address is served', async () => {
    const s = await server({ env: { CHAT_MAX_PER_ADDRESS: '5' } });
    for (let i = 0; i < 5; i++) await idleAfterRequest(s.webPort!);
    const sixth = await silentSocket(s.port);
    await closedByServer(sixth);
    const other = await client(s.port, '127.0.0.2');
    expect(await ask(other, 'HELLO-FROM olga')).toBe('HELLO olga');
    await s.waitForStdout(/refused a connection from 127\.0\.0\.1 on the port: 5 are open from there \(CHAT_MAX_PER_ADDRESS\)/);
  });

  it('closes sockets that send no request within CHAT_HTTP_HEADERS_MS, and says so once', async () => {
    const s = await server({ env: { CHAT_HTTP_HEADERS_MS: '300' } });
    await Promise.all((await Promise.all([1, 2, 3].map(() => silentSocket(s.webPort!)))).map((socket) => closedByServer(socket, 3000)));
    expect(await linesShown(s, /HTTP connections? from 127\.0\.0\.1.*\(CHAT_HTTP_HEADERS_MS, CHAT_HTTP_REQUEST_MS\)/)).toBe(1);
    expect(await pageStatus(s.webPort!, '127.0.0.2')).toBe(200);
  });

  it('refuses a WebSocket for a Host that is not this server\'s (DNS rebinding), and logs it; its own names and CHAT_WEB_HOSTS pass', async () => {
    const s = await server({ env: { CHAT_WEB_HOSTS: 'chat.example.org' } });
    const port = s.webPort!;
    // a page on evil.example whose name now resolves to 127.0.0.1: its Origin matches its Host
    expect(await refusedStatus(port, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` })).toBe(403);
    expect(await refusedStatus(port, { host: `evil.example:${port}` })).toBe(403);
    await s.waitForStdout(/refused a WebSocket from 127\.0\.0\.1: Host "evil\.example:\d+" is not this server's address nor in CHAT_WEB_HOSTS/);
    await webSocket(port);
    await webSocket(port, { host: `localhost:${port}`, origin: `http://localhost:${port}` });
    const proxied = await webSocket(port, { host: 'chat.example.org', origin: 'https://chat.example.org' });
    proxied.send('HELLO-FROM via-proxy');
    expect(await proxied.next()).toBe('HELLO via-proxy');
  });

  it('never takes a federation link over a WebSocket, even from a listed peer\'s address; over TCP it does', async () => {
    const dir = tempDir();
    const peers = join(dir, 'peers');
    writeFileSync(peers, `127.0.0.1:${await freePort()}\n`);
    const s = await server({ args: ['--peers', peers, '--name', 'home'] });
    const ws = await webSocket(s.webPort!);
    ws.send('FEDERATE-OUT viaweb');
    ws.send('FEDCHANNELS general');
    const { code } = await ws.closed(5000);
    expect(code).not.toBe(0);
    expect(ws.unread()).toEqual([]);
    await s.waitForStdout(/refused FEDERATE-OUT from 127\.0\.0\.1:\d+ over a websocket: it is only taken on a plain TCP or TLS connection/);
    const link = await client(s.port);
    expect(await ask(link, 'FEDERATE-OUT overtcp')).toBe('FEDERATE-CONFIRM home');
  });
});

describe('connections nobody has logged in on', () => {
  it('silent sockets from many addresses cannot lock out a person who logs in, nor close anyone logged in', async () => {
    const s = await server({ env: { CHAT_MAX_CONNECTIONS: '30', CHAT_MAX_PER_ADDRESS: '8', CHAT_PRE_LOGIN_SHARE: '50' } });
    const early = await client(s.port, '127.0.0.1');
    expect(await ask(early, 'HELLO-FROM early')).toBe('HELLO early');
    // 40 silent sockets from five addresses, each within its per-address cap, more than all the places
    for (let a = 2; a <= 6; a++) for (let i = 0; i < 8; i++) await silentSocket(s.port, `127.0.0.${a}`);

    const late = await client(s.port, '127.0.0.9');
    expect(await ask(late, 'HELLO-FROM late')).toBe('HELLO late');
    expect(await ask(late, 'SEND early hello')).toBe('SEND-OK');
    expect(await early.next()).toBe('DELIVERY late hello');
    expect(await pageStatus(s.webPort!, '127.0.0.9')).toBe(200);
    await s.waitForStdout(/closed a connection from 127\.0\.0\.2 nobody had logged in on, to make room for a new one on the port: 15 of 30 places may wait for a login \(CHAT_PRE_LOGIN_SHARE\)/);
  });

  it('when every place is held by someone logged in, a newcomer is refused and that is logged', async () => {
    const s = await server({ env: { CHAT_MAX_CONNECTIONS: '2' } });
    for (const name of ['ann', 'bob']) expect(await ask(await client(s.port), `HELLO-FROM ${name}`)).toBe(`HELLO ${name}`);
    const third = await silentSocket(s.port, '127.0.0.2');
    await closedByServer(third);
    await s.waitForStdout(/refused a connection from 127\.0\.0\.2 on the port: 2 are open, all logged in \(CHAT_MAX_CONNECTIONS\)/);
  });
});

describe('the metrics endpoint', () => {
  it('listens on CHAT_METRICS_ADDRESS (127.0.0.1 unless told), not on the chat address', async () => {
    const s = await server({ args: ['--address', '127.0.0.2', '--metrics-port', '0'] });
    const port = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(s.stdout())?.[1]);
    expect(port).toBeGreaterThan(0);
    const status = (host: string) => new Promise<number>((done) => {
      get({ host, port, path: '/metrics', agent: false }, (response) => { response.resume(); done(response.statusCode ?? 0); }).on('error', () => done(0));
    });
    expect(await status('127.0.0.1')).toBe(200);
    expect(await status('127.0.0.2')).toBe(0);
    const moved = await server({ args: ['--address', '127.0.0.2', '--metrics-port', '0'], env: { CHAT_METRICS_ADDRESS: '127.0.0.3' } });
    expect(moved.stdout()).toMatch(/metrics on http:\/\/127\.0\.0\.3:\d+\/metrics/);
  });
});
