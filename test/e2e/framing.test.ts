// How bytes on the wire become lines: line endings, lines in pieces or in bulk, over-long lines, bad bytes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LineClient } from '../support/client.js';
import { ask, channelsUser, cleanup, cleanupAll, client, directUser, messengerUser, server, sharedServer, unique } from '../support/process.js';

let port: number;
beforeAll(async () => { ({ port } = await sharedServer()); });
afterEach(cleanup);
afterAll(cleanupAll);

/** Writes `data` one byte per TCP write, letting the event loop turn between writes. */
async function trickle(c: LineClient, data: string | Buffer): Promise<void> {
  c.socket.setNoDelay(true);
  for (const byte of Buffer.from(data)) {
    await new Promise<void>((done) => c.socket.write(Buffer.from([byte]), () => setImmediate(done)));
  }
}

describe('line endings', () => {
  it('\\r\\n endings are accepted and the \\r is not part of the line', async () => {
    const alice = unique('alice');
    const c = await client(port);
    c.raw(`HELLO-FROM ${alice}\r\n`);
    expect(await c.next()).toBe(`HELLO ${alice}`);
    c.raw(`SEND ${alice} hi\r\n`);
    expect(await c.next()).toBe(`DELIVERY ${alice} hi`);
    expect(await c.next()).toBe('SEND-OK');
  });

  it('\\r\\n\\n endings in direct: one reply per line, and BAD-RQST-HDR for each empty one (PR16)', async () => {
    const alice = unique('alice');
    const c = await client(port);
    c.raw(`HELLO-FROM ${alice}\r\n\n`);
    expect(await c.next()).toBe(`HELLO ${alice}`);
    expect(await c.next()).toBe('BAD-RQST-HDR');
    c.raw(`SEND ${alice} one\r\n\nSEND ${alice} two\r\n\n`);
    expect(await c.next()).toBe(`DELIVERY ${alice} one`);
    expect(await c.next()).toBe('SEND-OK');
    expect(await c.next()).toBe('BAD-RQST-HDR');
    expect(await c.next()).toBe(`DELIVERY ${alice} two`);
    expect(await c.next()).toBe('SEND-OK');
    expect(await c.next()).toBe('BAD-RQST-HDR');
  });

  it('empty lines before the first line are ignored in every dialect, and after it in channels and messenger', async () => {
    const ch = await client(port);
    ch.raw('\n\r\n\nCHANNELS\n');
    expect(await ch.next()).toMatch(/^RESULT CHANNELS/);

    const d = await client(port);
    const dora = unique('dora');
    d.raw(`\r\n\nHELLO-FROM ${dora}\n`);
    expect(await d.next()).toBe(`HELLO ${dora}`);
    expect(await ask(d, `SEND ${dora} x`)).toBe(`DELIVERY ${dora} x`);
    expect(await d.next()).toBe('SEND-OK');

    const own = await server();
    const m = await messengerUser(own.port, 'mia');
    m.raw('\n\r\n\nUSERS\n');
    expect(await m.next()).toBe('USERS mia');
  });
});

describe('lines in pieces and lines in bulk', () => {
  it('a line sent one byte at a time, UTF-8 characters split between writes, arrives whole', async () => {
    const [alice, bob] = [unique('alice'), unique('王')];
    const a = await client(port);
    await trickle(a, `HELLO-FROM ${alice}\n`);
    expect(await a.next()).toBe(`HELLO ${alice}`);
    const b = await directUser(port, bob);
    await trickle(a, `SEND ${bob} 你好 🌏 ok\n`);
    expect(await a.next()).toBe('SEND-OK');
    expect(await b.next()).toBe(`DELIVERY ${alice} 你好 🌏 ok`);
  });

  it('an unfinished line waits for its newline: nothing is answered before it', async () => {
    const alice = unique('alice');
    const c = await directUser(port, alice);
    c.raw(`SEND ${alice} first half`);
    // a second connection's full round trip proves the server has read the first half by now
    await channelsUser(port, unique('probe'));
    expect(c.unread()).toEqual([]);
    c.raw(' and second half\n');
    expect(await c.next()).toBe(`DELIVERY ${alice} first half and second half`);
    expect(await c.next()).toBe('SEND-OK');
  });

  it('several lines in one write are each answered, in order', async () => {
    const alice = unique('alice');
    const c = await client(port);
    c.raw(`HELLO-FROM ${alice}\nSEND ${alice} one\nSEND nobody two\nSEND ${alice} three\n`);
    expect(await c.next()).toBe(`HELLO ${alice}`);
    expect(await c.next()).toBe(`DELIVERY ${alice} one`);
    expect(await c.next()).toBe('SEND-OK');
    expect(await c.next()).toBe('BAD-DEST-USER');
    expect(await c.next()).toBe(`DELIVERY ${alice} three`);
    expect(await c.next()).toBe('SEND-OK');
  });
});

describe('over-long lines', () => {
  const tooLong = 'x'.repeat(8193);

  it('direct: a line over 8192 characters gets BAD-RQST-BODY once, and the connection keeps working', async () => {
    const alice = unique('alice');
    const c = await directUser(port, alice);
    c.send(`SEND ${alice} ${tooLong}`);
    expect(await c.next()).toBe('BAD-RQST-BODY');
    expect(await ask(c, `SEND ${alice} still here`)).toBe(`DELIVERY ${alice} still here`);
    expect(await c.next()).toBe('SEND-OK');
  });

  it('direct: a 100 000-character line arriving in several writes gets one BAD-RQST-BODY', async () => {
    const alice = unique('alice');
    const c = await directUser(port, alice);
    const chunk = 'y'.repeat(25_000);
    for (let i = 0; i < 4; i++) c.raw(chunk);
    c.raw(`\nSEND ${alice} after\n`);
    expect(await c.next()).toBe('BAD-RQST-BODY');
    expect(await c.next()).toBe(`DELIVERY ${alice} after`);
    expect(await c.next()).toBe('SEND-OK');
  });

  it('a line of exactly 8192 characters is accepted', async () => {
    const alice = unique('alice');
    const c = await directUser(port, alice);
    const head = `SEND ${alice} `;
    const text = 'z'.repeat(8192 - head.length);
    expect(await ask(c, head + text)).toBe(`DELIVERY ${alice} ${text}`);
    expect(await c.next()).toBe('SEND-OK');
  });

  it('channels: an over-long line is dropped and the connection keeps working', async () => {
    const c = await channelsUser(port, unique('alice'));
    c.send(`CREATE ${tooLong}`);
    expect(await ask(c, 'CHANNELS')).toMatch(/^RESULT CHANNELS/);
  });

  it('messenger: an over-long line gets ERROR LINE-TOO-LONG, and the connection keeps working', async () => {
    const own = await server();
    const m = await messengerUser(own.port, 'mia');
    m.send(`BROADCAST ${tooLong}`);
    expect(await m.next()).toMatch(/^ERROR LINE-TOO-LONG( |$)/);
    expect(await ask(m, 'BROADCAST still here')).toBe('BROADCAST mia still here');
  });

  it('CHAT_MAX_LINE lowers the limit: 100 characters pass (CJK counted as characters), 101 do not', async () => {
    const own = await server({ env: { CHAT_MAX_LINE: '100' } });
    const m = await messengerUser(own.port, 'mia');
    const ascii = 'a'.repeat(100 - 'BROADCAST '.length);
    expect(await ask(m, `BROADCAST ${ascii}`)).toBe(`BROADCAST mia ${ascii}`);
    const cjk = '字'.repeat(100 - 'BROADCAST '.length);
    expect(await ask(m, `BROADCAST ${cjk}`)).toBe(`BROADCAST mia ${cjk}`);
    expect(await ask(m, `BROADCAST ${ascii}b`)).toMatch(/^ERROR LINE-TOO-LONG( |$)/);
    const d = await directUser(own.port, 'dora');
    expect(await m.next()).toBe('JOINED dora');
    expect(await ask(d, `SEND mia ${'c'.repeat(100)}`)).toBe('BAD-RQST-BODY');
    expect(await ask(d, 'SEND mia short')).toBe('SEND-OK');
    expect(await m.next()).toBe('WHISPER dora mia short');
  });
});

describe('bad bytes', () => {
  it('invalid UTF-8 and NUL bytes never crash the server nor disturb another client', async () => {
    const watcher = unique('watcher');
    const w = await directUser(port, watcher);

    const garbage = await client(port);
    garbage.raw(Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0a]));
    expect(await garbage.next()).toBe('BAD-RQST-HDR');
    await garbage.closed();

    const nul = await client(port);
    nul.raw(Buffer.from('HELLO-FROM a\u0000b\n'));
    expect(await nul.next()).toBe('BAD-RQST-BODY');
    await nul.closed();

    const sender = unique('sender');
    const d = await directUser(port, sender);
    d.raw(Buffer.concat([Buffer.from(`SEND ${watcher} nul\u0000inside\n`)]));
    expect(await d.next()).toBe('BAD-RQST-BODY');
    d.raw(Buffer.concat([Buffer.from(`SEND ${sender} bad `), Buffer.from([0xff, 0xc0, 0xe4, 0xbd]), Buffer.from('\n')]));
    expect(await d.next()).toMatch(new RegExp(`^DELIVERY ${sender} bad `));
    expect(await d.next()).toBe('SEND-OK');

    const ch = await channelsUser(port, unique('carl'));
    ch.raw(Buffer.concat([Buffer.from('CREATE '), Buffer.from([0xff, 0xfe]), Buffer.from('\nCREATE a\u0000b\n')]));
    expect(await ch.next()).toMatch(/^RESULT CREATE .* [01]$/);
    expect(await ch.next()).toMatch(/^RESULT CREATE .* 0$/);

    // the watcher got nothing meanwhile, is still connected, and the server still takes new users
    expect(w.unread()).toEqual([]);
    expect(await ask(w, `SEND ${watcher} still fine`)).toBe(`DELIVERY ${watcher} still fine`);
    expect(await w.next()).toBe('SEND-OK');
    await directUser(port, unique('late'));
  });

  it('messenger: NUL bytes and invalid UTF-8 from one user never reach or disturb the others', async () => {
    const own = await server();
    const mia = await messengerUser(own.port, 'mia');
    const max = await messengerUser(own.port, 'max');
    expect(await mia.next()).toBe('JOINED max');
    max.raw(Buffer.from('BROADCAST a\u0000b\nWHISPER mia a\u0000b\nNAME m\u0000x\n'));
    expect(await max.next()).toMatch(/^ERROR /);
    expect(await max.next()).toMatch(/^ERROR /);
    expect(await max.next()).toMatch(/^ERROR /);
    max.raw(Buffer.concat([Buffer.from('WHISPER max '), Buffer.from([0xff, 0xfe, 0xe4]), Buffer.from('\n')]));
    expect(await max.next()).toMatch(/^WHISPER max max /);
    // mia got nothing meanwhile: her next line is her own broadcast
    expect(await ask(mia, 'BROADCAST fine')).toBe('BROADCAST mia fine');
    expect(await max.next()).toBe('BROADCAST mia fine');
  });
});
