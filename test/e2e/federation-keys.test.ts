// Links that prove who they are (docs/federation.md): real servers on 127.0.0.2 and 127.0.0.3 whose peers files
// give each other a key, and impostors from a listed address that do not hold it, or replay a handshake.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type LineClient } from '../support/client.js';
import { ask, channelsUser, until } from '../support/talk.js';
import { portFreeOn, removeTempDirs, startServerProcess, tempDir, type ServerProcess } from '../support/server.js';
import { proof } from '../../src/dialects/channels/federation/handshake.js';

const S1 = '127.0.0.2';
const S2 = '127.0.0.3';
const KEY = 'correct-horse-battery-staple';
const hmac = (key: string, message: string) => createHmac('sha256', key).update(message).digest('hex');

let port = 0;
let s2: ServerProcess;
const servers: ServerProcess[] = [];
const clients: LineClient[] = [];
const fakes: Server[] = [];

function peersFile(line: string): string {
  const file = join(tempDir(), 'peers');
  writeFileSync(file, `${line}\n`);
  return file;
}

async function startNamed(address: string, name: string, peersLine: string, portArgs: string[] = ['--port', String(port)]): Promise<ServerProcess> {
  const server = await startServerProcess({
    portFlag: false, args: ['--address', address, ...portArgs, '--name', name, '--peers', peersFile(peersLine)], env: { CHAT_LINK_RETRY_MAX_MS: '500' },
  });
  servers.push(server);
  return server;
}

/** A connection to s2 from s1's address: what an impostor on s1's host can open. */
async function fromS1(): Promise<LineClient> {
  const c = await connectClient(port, S2, S1);
  clients.push(c);
  return c;
}

const refusals = () => s2.stdout().split('\n').filter((line) => line.includes('refused a federation link'));

beforeAll(async () => {
  port = await portFreeOn([S1, S2]);
  // s1 is down for now: s2 dials it in vain
  s2 = await startNamed(S2, 's2', `${S1}:${port} key=${KEY} name=s1`);
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.close();
  for (const fake of fakes) fake.close();
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  removeTempDirs();
});

describe('a link with a key', () => {
  it('is refused to FEDERATE-OUT s1 from s1’s address without the key, while the real s1 is down; the log names the address', async () => {
    const impostor = await fromS1();
    impostor.send('FEDERATE-OUT s1');
    await impostor.closed();
    expect(impostor.unread()).toEqual([]);
    await until(() => refusals().some((line) => line.includes(`from ${S1}:`) && line.includes('proves nothing')), 'the refusal in the log');
    expect(s2.stdout()).not.toContain('linked with s1');
  });

  it('is refused to a wrong key, and the log names the address', async () => {
    const impostor = await fromS1();
    const nonce = 'ab'.repeat(16);
    impostor.send(`FEDERATE-OUT s1 ${nonce}`);
    const [verb, name, theirs] = (await impostor.next()).split(' ');
    expect([verb, name]).toEqual(['FEDERATE-CHALLENGE', 's2']);
    impostor.send(`FEDERATE-PROOF ${proof(hmac, 'a-wrong-key', 'dial', { dialNonce: nonce, acceptNonce: theirs!, dialName: 's1', acceptName: 's2' })}`);
    await impostor.closed();
    await until(() => refusals().some((line) => line.includes(`from ${S1}:`) && line.includes('proof is wrong')), 'the refusal in the log');
    expect(s2.stdout()).not.toContain('linked with s1');
  });

  it('does not come up again from a recorded handshake', async () => {
    // a handshake that holds the key, as someone on the wire would have recorded it
    const real = await fromS1();
    const nonce = 'cd'.repeat(16);
    const out = `FEDERATE-OUT s1 ${nonce}`;
    real.send(out);
    const [, , theirs] = (await real.next()).split(' ');
    const recordedProof = `FEDERATE-PROOF ${proof(hmac, KEY, 'dial', { dialNonce: nonce, acceptNonce: theirs!, dialName: 's1', acceptName: 's2' })}`;
    real.send(recordedProof);
    expect(await real.next()).toBe('FEDERATE-CONFIRM s2');
    await until(() => s2.stdout().includes('linked with s1 '), 'the recorded link');
    real.close();
    await until(() => s2.stdout().includes('the link with s1 is down'), 'the recorded link to close');

    const replay = await fromS1();
    replay.send(out);
    const challenge = await replay.next();
    expect(challenge.split(' ')[2]).not.toBe(theirs);
    replay.send(recordedProof);
    await replay.closed();
    expect(replay.unread()).toEqual([]);
    await until(() => refusals().filter((line) => line.includes('proof is wrong')).length >= 2, 'the replay refused in the log');
  });

  it('refuses FEDERATE-CONFIRM anyname on a link it dialled', async () => {
    // a listener on 127.0.0.2 that answers s4's FEDERATE-OUT as the old handshake would, under any name
    const fake = createServer();
    fakes.push(fake);
    const heard: string[] = [];
    fake.on('connection', (socket: Socket) => {
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        heard.push(chunk);
        socket.write('FEDERATE-CONFIRM anyname\nFEDCHANNELS forged\n');
      });
      socket.on('error', () => {});
    });
    fake.listen(0, S1);
    await once(fake, 'listening');
    const fakePort = (fake.address() as AddressInfo).port;
    const s4 = await startNamed(S2, 's4', `${S1}:${fakePort} key=${KEY} name=s1`, ['--port', '0']);
    await until(() => /refused a federation link from 127\.0\.0\.2:\d+: FEDERATE-CONFIRM from a peer that has not proved it holds the key/.test(s4.stdout()), 'the refusal');
    expect(heard.join('')).toMatch(/^FEDERATE-OUT s4 [0-9a-f]{32}\n/);
    expect(s4.stdout()).not.toContain('linked with anyname');
    const user = await channelsUser(s4.port, S2, 'sam', clients);
    expect(await ask(user, 'CHANNELS')).toBe('RESULT CHANNELS');
  });

  it('links two servers that hold the same key, and they chat', async () => {
    await startNamed(S1, 's1', `${S2}:${port} key=${KEY} name=s2`);
    await until(() => s2.stdout().includes('linked with s1 ') && s2.stdout().split('linked with s1 ').length > 2, 's2 to link with the real s1');
    const alice = await channelsUser(port, S1, 'alice', clients);
    const bob = await channelsUser(port, S2, 'bob', clients);
    expect(await ask(alice, 'CREATE room')).toBe('RESULT CREATE room 1');
    expect(await ask(alice, 'JOIN room')).toBe('RESULT JOIN room 1');
    await until(async () => (await ask(bob, 'CHANNELS')).includes('room:s1'), 'bob to see room:s1');
    expect(await ask(bob, 'JOIN room:s1')).toBe('RESULT JOIN room:s1 1');
    bob.send('SAY room:s1 hello from s2');
    expect(await bob.next()).toBe('RECV bob room:s1 hello from s2');
    expect(await alice.next()).toBe('RECV bob@s2 room hello from s2');
    expect(s2.stdout()).toMatch(/linked with s1 \([a-z]+, key proved/);
    // with a key, no warning about trust by address; and the key itself is never printed
    expect(s2.stdout()).not.toContain('trusted by address only');
    expect(s2.stdout()).not.toContain(KEY);
  }, 30_000);
});
