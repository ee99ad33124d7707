// Three real servers on 127.0.0.1, 127.0.0.2 and 127.0.0.3, one port, each listing the other two.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineClient } from '../support/client.js';
import { ask, channelsUser, cleanup, clientOf, until } from '../support/process.js';
import { portFreeOn, removeTempDirs, startServerProcess, tempDir, type ServerProcess } from '../support/server.js';

const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'] as const;
type Host = (typeof HOSTS)[number];

const servers = new Map<Host, ServerProcess>();
/** Servers of single tests, beside the three. */
const loners: ServerProcess[] = [];
const dirs = new Map<Host, string>();
let port = 0;

async function start(host: Host): Promise<ServerProcess> {
  const dir = dirs.get(host) ?? tempDir();
  dirs.set(host, dir);
  const peers = join(dir, 'peers');
  writeFileSync(peers, HOSTS.filter((h) => h !== host).map((h) => `${h}:${port}`).join('\n') + '\n');
  const server = await startServerProcess({
    dir,
    portFlag: false,
    args: ['--address', host, '--port', String(port), '--peers', peers],
    env: { CHAT_LINK_RETRY_MAX_MS: '1000' },
  });
  servers.set(host, server);
  return server;
}

const linkedWith = (host: Host, others: readonly Host[]) => others.every((other) => servers.get(host)!.stdout().includes(`linked with ${other} `));

const user = (host: Host, name: string, register = true) => channelsUser(port, name, { host, register });

let alice: LineClient;
let bob: LineClient;
let carol: LineClient;

beforeAll(async () => {
  port = await portFreeOn(HOSTS);
  await Promise.all(HOSTS.map(start));
  await until(() => HOSTS.every((h) => linkedWith(h, HOSTS.filter((o) => o !== h))), 'every server to link with the other two');
  [alice, bob, carol] = await Promise.all([user('127.0.0.1', 'alice'), user('127.0.0.2', 'bob'), user('127.0.0.3', 'carol')]);
  expect(await ask(alice, 'CREATE one')).toBe('RESULT CREATE one 1');
  expect(await ask(bob, 'CREATE two')).toBe('RESULT CREATE two 1');
  expect(await ask(carol, 'CREATE three')).toBe('RESULT CREATE three 1');
}, 90_000);

afterAll(async () => {
  await cleanup();
  await Promise.all([...servers.values(), ...loners].map((s) => s.stop()));
  removeTempDirs();
});

describe('federation across three servers', () => {
  it('lists every server’s channels, remote ones as channel:server', async () => {
    // each server hears of the others' channels when their links send them (FEDNEW): wait for that, per reader
    const listings = [
      [alice, 'RESULT CHANNELS one, three:127.0.0.3, two:127.0.0.2'],
      [bob, 'RESULT CHANNELS one:127.0.0.1, three:127.0.0.3, two'],
      [carol, 'RESULT CHANNELS one:127.0.0.1, three, two:127.0.0.2'],
    ] as const;
    for (const [reader, listing] of listings) {
      let seen = '';
      await until(async () => (seen = await ask(reader, 'CHANNELS')) === listing, () => `${listing}, last seen ${seen}`);
    }
  });

  it('carries JOIN and SAY in every direction, each name as the reader’s server knows it', async () => {
    const channels = { one: '127.0.0.1', two: '127.0.0.2', three: '127.0.0.3' } as const;
    const members = [[alice, '127.0.0.1', 'alice'], [bob, '127.0.0.2', 'bob'], [carol, '127.0.0.3', 'carol']] as const;
    const named = (channel: keyof typeof channels, host: string) => (channels[channel] === host ? channel : `${channel}:${channels[channel]}`);
    for (const channel of Object.keys(channels) as Array<keyof typeof channels>) {
      for (const [c, host] of members) expect(await ask(c, `JOIN ${named(channel, host)}`)).toBe(`RESULT JOIN ${named(channel, host)} 1`);
    }
    for (const channel of Object.keys(channels) as Array<keyof typeof channels>) {
      for (const [speaker, speakerHost, speakerName] of members) {
        speaker.send(`SAY ${named(channel, speakerHost)} ${speakerName} in ${channel}`);
        for (const [reader, readerHost] of members) {
          const from = speakerHost === readerHost ? speakerName : `${speakerName}@${speakerHost}`;
          expect(await reader.next()).toBe(`RECV ${from} ${named(channel, readerHost)} ${speakerName} in ${channel}`);
        }
      }
    }
  });

  it('says once at start that, with no key in its peers file, its links are trusted by address only', () => {
    for (const host of HOSTS) expect(servers.get(host)!.stdout().match(/links are trusted by address only/g)).toHaveLength(1);
  });

  it('announces a new channel to the other servers (FEDNEW)', async () => {
    expect(await ask(carol, 'CREATE late')).toBe('RESULT CREATE late 1');
    await until(async () => (await ask(alice, 'CHANNELS')).includes('late:127.0.0.3'), 'alice to see late:127.0.0.3');
    await until(async () => (await ask(bob, 'CHANNELS')).includes('late:127.0.0.3'), 'bob to see late:127.0.0.3');
  });

  it('refuses a stranger, and a peer that speaks before FEDERATE-OUT; no client hears either', async () => {
    const stranger = await clientOf(port, '127.0.0.1', '127.0.0.9');
    stranger.send('FEDERATE-OUT 127.0.0.9');
    await stranger.closed();
    const rude = await clientOf(port, '127.0.0.1', '127.0.0.2');
    rude.send('FEDSAY bob@127.0.0.2 one forged');
    await rude.closed();
    // alice's next line answers her own command: nothing of the stranger's reached her
    expect(await ask(alice, 'CHANNELS')).toMatch(/^RESULT CHANNELS /);
    expect(servers.get('127.0.0.1')!.stdout()).toMatch(/refused a federation link from 127\.0\.0\.9:\d+: not a listed peer/);
  });

  it('goes on after a server is killed with kill -9 and restarted mid-conversation', async () => {
    await servers.get('127.0.0.2')!.stop('SIGKILL');
    // bob's server is gone: its channel leaves the others' lists
    await until(async () => !(await ask(alice, 'CHANNELS')).includes('two:127.0.0.2'), 'two:127.0.0.2 to leave alice’s list');
    expect(await ask(alice, 'SAY two:127.0.0.2 anyone?')).toBe('RESULT SAY 0');
    alice.send('SAY one still here');
    expect(await alice.next()).toBe('RECV alice one still here');
    expect(await carol.next()).toBe('RECV alice@127.0.0.1 one:127.0.0.1 still here');

    await start('127.0.0.2');
    bob = await user('127.0.0.2', 'bob', false);
    expect(await ask(bob, 'JOIN two')).toBe('RESULT JOIN two 1');
    await until(async () => (await ask(alice, 'CHANNELS')).includes('two:127.0.0.2'), 'two:127.0.0.2 to come back');
    // alice never joined again: her server re-joined her on bob's when the link came back
    alice.send('SAY two:127.0.0.2 welcome back');
    expect(await bob.next()).toBe('RECV alice@127.0.0.1 two welcome back');
    expect(await alice.next()).toBe('RECV alice two:127.0.0.2 welcome back');
    expect(await carol.next()).toBe('RECV alice@127.0.0.1 two:127.0.0.2 welcome back');
  }, 90_000);
});

describe('a federation link that stops reading', () => {
  it('is dropped once its send queue passes CHAT_LINK_MAX_SEND_QUEUE, and its users leave our channels', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'peers'), '127.0.0.2:1\n');
    const s1 = await startServerProcess({ dir, args: ['--name', 's1', '--peers', join(dir, 'peers')], env: { CHAT_LINK_MAX_SEND_QUEUE: '65536' } });
    loners.push(s1);
    const peer = await clientOf(s1.port, '127.0.0.1', '127.0.0.2');
    const alice = await clientOf(s1.port, '127.0.0.1');
    for (const [line, reply] of [['REGISTER alice pw', 'RESULT REGISTER 1'], ['LOGIN alice pw', 'RESULT LOGIN 1'], ['CREATE room', 'RESULT CREATE room 1'], ['JOIN room', 'RESULT JOIN room 1']]) {
      expect(await ask(alice, line)).toBe(reply);
    }
    expect(await ask(peer, 'FEDERATE-OUT s2')).toBe('FEDERATE-CONFIRM s1');
    expect(await ask(peer, 'FEDJOIN bob@s2 room')).toMatch(/^FEDCHANNELS room|^FEDRESULT bob JOIN room:s1 1/);
    // the peer stops reading; alice keeps talking until the kernel's buffers and then the link's queue fill up
    peer.socket.pause();
    const text = 'x'.repeat(8000);
    for (let i = 0; i < 4000 && !/slowReader|more than 65536 bytes unread/.test(s1.stdout()); i++) {
      alice.send(`SAY room ${text}`);
      expect(await alice.next()).toBe(`RECV alice room ${text}`);
    }
    await until(() => /the link with s2 is down/.test(s1.stdout()), 'the link to be dropped');
    expect(s1.stdout()).toMatch(/dropped connection c\d+: more than 65536 bytes unread/);
    // bob left with the link: alice's messages now go to nobody else, and she is still served
    expect(await ask(alice, 'SAY room alone now')).toBe('RECV alice room alone now');
  }, 90_000);
});
