// Chat over WebSocket on the web port: the same dialects, the same shared users, the same limits as TCP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectWebSocket, refusedStatus, type WebSocketClient, type WebSocketOptions } from '../support/ws-client.js';
import { ask, cleanup, cleanupAll, directUser, messengerUser, server, sharedServer, unique } from '../support/process.js';

let shared: { port: number; webPort: number };
const sockets: WebSocketClient[] = [];

beforeAll(async () => {
  const started = await sharedServer();
  shared = { port: started.port, webPort: started.webPort! };
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await cleanup();
});
afterAll(cleanupAll);

async function webSocket(webPort: number, options: WebSocketOptions = {}): Promise<WebSocketClient> {
  const opened = await connectWebSocket(webPort, options);
  sockets.push(opened);
  return opened;
}

async function askWs(c: WebSocketClient, line: string): Promise<string> {
  c.send(line);
  return c.next();
}

/** A messenger user on a WebSocket, named. */
async function messengerTab(webPort: number, name: string): Promise<WebSocketClient> {
  const c = await webSocket(webPort);
  expect(await askWs(c, `NAME ${name}`)).toMatch(new RegExp(`^WELCOME ${name} `, 'u'));
  return c;
}

describe('chat over a WebSocket', () => {
  it('a WebSocket user and a TCP user are in one conversation: presence, broadcasts both ways, whispers', async () => {
    const own = await server();
    const tab = await messengerTab(own.webPort!, 'alice');
    const term = await messengerUser(own.port, 'bob');
    expect(await tab.next()).toBe('JOINED bob');
    expect(await ask(term, 'BROADCAST hi from the terminal')).toBe('BROADCAST bob hi from the terminal');
    expect(await tab.next()).toBe('BROADCAST bob hi from the terminal');
    expect(await askWs(tab, 'BROADCAST hi from the browser 你好')).toBe('BROADCAST alice hi from the browser 你好');
    expect(await term.next()).toBe('BROADCAST alice hi from the browser 你好');
    expect(await askWs(tab, 'WHISPER bob psst')).toBe('WHISPER alice bob psst');
    expect(await term.next()).toBe('WHISPER alice bob psst');
    expect(await askWs(tab, 'USERS')).toBe('USERS alice, bob');
    const dora = await directUser(own.port, 'dora');
    expect(await tab.next()).toBe('JOINED dora');
    expect(await askWs(tab, 'WHISPER dora over to TCP')).toBe('WHISPER alice dora over to TCP');
    expect(await dora.next()).toBe('DELIVERY alice over to TCP');
  });

  it('the first message picks the dialect, as on TCP: direct, channels, and BAD-RQST-HDR for anything else', async () => {
    const direct = await webSocket(shared.webPort);
    const dora = unique('dora');
    expect(await askWs(direct, `HELLO-FROM ${dora}`)).toBe(`HELLO ${dora}`);
    expect(await askWs(direct, `SEND ${dora} to myself`)).toBe(`DELIVERY ${dora} to myself`);
    expect(await direct.next()).toBe('SEND-OK');

    const channels = await webSocket(shared.webPort);
    const carl = unique('carl');
    expect(await askWs(channels, `REGISTER ${carl} pw`)).toBe('RESULT REGISTER 1');
    expect(await askWs(channels, `LOGIN ${carl} pw`)).toBe('RESULT LOGIN 1');
    const room = unique('room');
    expect(await askWs(channels, `CREATE ${room}`)).toBe(`RESULT CREATE ${room} 1`);
    expect(await askWs(channels, `JOIN ${room}`)).toBe(`RESULT JOIN ${room} 1`);
    expect(await askWs(channels, `SAY ${room} hello`)).toBe(`RECV ${carl} ${room} hello`);

    const nonsense = await webSocket(shared.webPort);
    expect(await askWs(nonsense, 'GET / HTTP/1.1')).toBe('BAD-RQST-HDR');
    expect(await nonsense.closed()).toMatchObject({ code: 1000 });
  });

  it('QUIT: BYE, then the server closes the WebSocket normally and the others see LEFT … quit', async () => {
    const own = await server();
    const term = await messengerUser(own.port, 'bob');
    const tab = await messengerTab(own.webPort!, 'alice');
    expect(await term.next()).toBe('JOINED alice');
    expect(await askWs(tab, 'QUIT')).toBe('BYE Goodbye, alice.');
    expect(await tab.closed()).toMatchObject({ code: 1000 });
    expect(await term.next()).toBe('LEFT alice quit');
  });

  it('a tab that vanishes without a close frame counts as a lost connection', async () => {
    const own = await server();
    const term = await messengerUser(own.port, 'bob');
    const tab = await messengerTab(own.webPort!, 'alice');
    expect(await term.next()).toBe('JOINED alice');
    tab.close();
    expect(await term.next()).toBe('LEFT alice lost');
  });

  it('WebSocket users count toward the user limit with everyone else', async () => {
    const own = await server({ env: { CHAT_MAX_USERS: '1' } });
    await messengerUser(own.port, 'bob');
    const tab = await webSocket(own.webPort!);
    expect(await askWs(tab, 'NAME alice')).toMatch(/^ERROR SERVER-FULL /);
  });
});

describe('the limits of TCP apply to WebSockets', () => {
  it('a message over CHAT_MAX_LINE gets the dialect\'s answer to an over-long line, and the connection keeps working', async () => {
    const own = await server({ env: { CHAT_MAX_LINE: '100' } });
    const tab = await messengerTab(own.webPort!, 'mia');
    const fits = 'a'.repeat(100 - 'BROADCAST '.length);
    expect(await askWs(tab, `BROADCAST ${fits}`)).toBe(`BROADCAST mia ${fits}`);
    expect(await askWs(tab, `BROADCAST ${fits}b`)).toMatch(/^ERROR LINE-TOO-LONG( |$)/);
    expect(await askWs(tab, 'BROADCAST still here')).toBe('BROADCAST mia still here');

    const direct = await webSocket(own.webPort!);
    expect(await askWs(direct, 'HELLO-FROM dora')).toBe('HELLO dora');
    expect(await askWs(direct, `SEND mia ${'c'.repeat(100)}`)).toBe('BAD-RQST-BODY');
    expect(await askWs(direct, 'SEND mia short')).toBe('SEND-OK');
  });

  it('a message longer than any line could be (3 bytes per unit of CHAT_MAX_LINE) closes the WebSocket with 1009', async () => {
    const own = await server({ env: { CHAT_MAX_LINE: '100' } });
    const tab = await messengerTab(own.webPort!, 'mia');
    tab.send(`BROADCAST ${'x'.repeat(300)}`);
    expect(await tab.closed()).toMatchObject({ code: 1009 });
  });

  it('a message with a newline inside closes the WebSocket with 1007 and says why; nothing of it is handled', async () => {
    const own = await server();
    const term = await messengerUser(own.port, 'bob');
    const tab = await messengerTab(own.webPort!, 'alice');
    expect(await term.next()).toBe('JOINED alice');
    tab.send('BROADCAST one\nBROADCAST two');
    expect(await tab.closed()).toEqual({ code: 1007, reason: 'one line per message: no newline inside' });
    expect(await term.next()).toBe('LEFT alice lost');
  });

  it('a binary message closes the WebSocket with 1003', async () => {
    const tab = await webSocket(shared.webPort);
    tab.send(Buffer.from('NAME someone'), { binary: true });
    expect(await tab.closed()).toEqual({ code: 1003, reason: 'text messages only: one line of chat each' });
  });

  // (it used to drop what came past CHAT_MAX_QUEUED; now the socket is not read past it, and nothing is dropped)
  it('lines sent ahead past CHAT_MAX_QUEUED while a REGISTER is being hashed are all answered, in order', async () => {
    const own = await server({ env: { CHAT_MAX_QUEUED: '2', LOG_LEVEL: 'debug' } });
    const tab = await webSocket(own.webPort!);
    // corked: the five messages leave in one packet, so they all arrive while bcrypt runs
    tab.tcp.cork();
    for (const line of ['REGISTER carl pw', 'CREATE c1', 'CREATE c2', 'CREATE c3', 'CREATE c4']) tab.send(line);
    tab.tcp.uncork();
    expect(await tab.next()).toBe('RESULT REGISTER 1');
    for (const channel of ['c1', 'c2', 'c3', 'c4']) expect(await tab.next()).toBe(`RESULT CREATE ${channel} 0`);
    expect(await askWs(tab, 'CREATE probe')).toBe('RESULT CREATE probe 0');
    expect(own.stdout()).toMatch(/stopped reading c\d+: 2 lines queued/);
  });

  it('a tab that stops reading is dropped like a slow TCP reader, and nobody else notices', async () => {
    // LOG_LEVEL warn keeps the broadcasts out of stdout, which then holds just the drop
    // the rate limit off: the sender broadcasts far faster than a person, to fill the slow tab's buffers
    const own = await server({ env: { CHAT_MAX_SEND_QUEUE: '65536', LOG_LEVEL: 'warn', CHAT_RATE_LIMIT: '0' } });
    const fast = await messengerUser(own.port, 'fast');
    const slow = await messengerTab(own.webPort!, 'slow');
    expect(await fast.next()).toBe('JOINED slow');
    slow.ws.pause();
    const text = 'x'.repeat(8000);
    let dropped = false;
    // the kernel's buffers take a few megabytes first; at 8 KB a broadcast this bound is far beyond them
    for (let i = 0; i < 3000 && !dropped; i++) {
      fast.send(`BROADCAST ${text}`);
      for (let line = await fast.next(); line !== `BROADCAST fast ${text}`; line = await fast.next()) {
        if (line === 'LEFT slow lost') dropped = true;
      }
    }
    expect(dropped).toBe(true);
    // the console is written asynchronously: wait for the line rather than read stdout at once
    await own.waitForStdout(/dropped connection c\d+: more than 65536 bytes unread/);
    expect(await ask(fast, 'USERS')).toBe('USERS fast');
  });

  it('the web port refuses connections beyond CHAT_MAX_CONNECTIONS, once every place is held by someone logged in', async () => {
    const own = await server({ env: { CHAT_MAX_CONNECTIONS: '2' } });
    for (const name of ['wa', 'wb']) expect(await askWs(await webSocket(own.webPort!), `HELLO-FROM ${name}`)).toBe(`HELLO ${name}`);
    expect(await refusedStatus(own.webPort!)).toBe(0);
  });
});

describe('the Origin allow-list (CHAT_WEB_ORIGINS)', () => {
  it('unset: clients without an Origin and the page\'s own origin may connect; another site\'s page is refused and logged', async () => {
    const own = await server();
    await webSocket(own.webPort!);
    await webSocket(own.webPort!, { origin: `http://127.0.0.1:${own.webPort}` });
    expect(await refusedStatus(own.webPort!, { origin: 'https://evil.example' })).toBe(403);
    expect(await refusedStatus(own.webPort!, { origin: `http://127.0.0.1:${own.webPort! + 1}` })).toBe(403);
    expect(await refusedStatus(own.webPort!, { origin: 'null' })).toBe(403);
    expect(own.stdout()).toContain('origin https://evil.example is not allowed (CHAT_WEB_ORIGINS)');
  });

  it('set: the listed origins may connect too, and no others', async () => {
    const own = await server({ env: { CHAT_WEB_ORIGINS: 'https://club.example.org, http://LOCALHOST:8080/' } });
    await webSocket(own.webPort!, { origin: 'https://club.example.org' });
    await webSocket(own.webPort!, { origin: 'http://localhost:8080' });
    await webSocket(own.webPort!, { origin: `http://127.0.0.1:${own.webPort}` });
    await webSocket(own.webPort!);
    expect(await refusedStatus(own.webPort!, { origin: 'http://club.example.org' })).toBe(403);
    expect(await refusedStatus(own.webPort!, { origin: 'https://evil.example' })).toBe(403);
  });

  it('* lets any page connect', async () => {
    const own = await server({ env: { CHAT_WEB_ORIGINS: '*' } });
    await webSocket(own.webPort!, { origin: 'https://anywhere.example' });
  });

  it('a WebSocket anywhere but /ws is not found', async () => {
    expect(await refusedStatus(shared.webPort, { path: '/chat' })).toBe(404);
  });
});
