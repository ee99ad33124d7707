// A cluster forwards a channel message only to the nodes holding members of that channel, never back to the
// sender's node; a node that joins late learns which nodes hold which channels; a node that dies is forgotten.
// Real redis-server, real server processes; what Redis brings each node and what each forwards are read from
// its metrics endpoint (chat_cluster_messages_in_total, chat_cluster_forwarded_out_total).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type LineClient } from '../support/client.js';
import { HAS_REDIS, redisSuite, startRedis, stopAllRedis, type RedisProcess } from '../support/redis.js';
import { until } from '../support/process.js';
import { removeTempDirs, startServerProcess, type ServerProcess } from '../support/server.js';

/** Short, so a killed node is reaped soon. */
const LEASE_MS = 1500;
/** Within this a killed node's users are gone everywhere (the lease, its renewal period, and slack for a busy machine). */
const GONE_WITHIN_MS = LEASE_MS + LEASE_MS / 3 + 3000;
const MESSAGES = 20;

const processes: ServerProcess[] = [];
const clients: LineClient[] = [];

async function node(url: string): Promise<ServerProcess> {
  const started = await startServerProcess({
    args: ['--cluster', url, '--metrics-port', '0'],
    env: { CHAT_CLUSTER_LEASE_MS: String(LEASE_MS), LOG_LEVEL: 'info' },
  });
  processes.push(started);
  return started;
}

/** Reads lines until one matches, within `ms`. */
async function waitFor(c: LineClient, pattern: RegExp, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  const seen: string[] = [];
  for (let count = 0; count < 10_000; count++) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const line = await c.next(left).catch(() => undefined);
    if (line === undefined) break;
    seen.push(line);
    if (pattern.test(line)) return line;
  }
  throw new Error(`no line matching ${String(pattern)} within ${ms} ms; seen:\n${seen.slice(-20).join('\n')}`);
}

async function ask(c: LineClient, line: string, answer: RegExp): Promise<string> {
  c.send(line);
  return waitFor(c, answer);
}

/** A channels user: registered (on whichever node) and logged in on `port`. */
async function member(port: number, name: string): Promise<LineClient> {
  const c = await connectClient(port);
  clients.push(c);
  expect(await ask(c, `REGISTER ${name} pw`, /^RESULT REGISTER/)).toBe('RESULT REGISTER 1');
  expect(await ask(c, `LOGIN ${name} pw`, /^RESULT LOGIN/)).toBe('RESULT LOGIN 1');
  return c;
}

/** JOINs `channel`, asking again while this node has not heard yet that another node created it. */
async function join(c: LineClient, channel: string): Promise<void> {
  let last = '';
  await until(async () => (last = await ask(c, `JOIN ${channel}`, /^RESULT JOIN/)) === `RESULT JOIN ${channel} 1`, () => `JOIN ${channel}, last ${last}`);
}

/** The node's counters from its metrics endpoint. */
async function counters(s: ServerProcess): Promise<{ readonly in: number; readonly out: number }> {
  const port = /metrics on http:\/\/[^\s]+:(\d+)\/metrics/.exec(s.stdout())?.[1];
  expect(port, s.stdout()).toBeDefined();
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'mu').exec(text)?.[1]);
  return { in: value('chat_cluster_messages_in_total'), out: value('chat_cluster_forwarded_out_total') };
}

afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await stopAllRedis();
  removeTempDirs();
});

describe.skipIf(!HAS_REDIS)(redisSuite('channel messages go only to the nodes holding members of the channel'), () => {
  let redis: RedisProcess;
  let a: ServerProcess;
  let b: ServerProcess;
  let c: ServerProcess;
  let alice: LineClient;
  let bob: LineClient;

  beforeAll(async () => {
    redis = await startRedis();
    [a, b, c] = await Promise.all([node(redis.url), node(redis.url), node(redis.url)]);
  });

  it('a node with no member of a channel receives none of its messages, and the sender’s node none of its own', async () => {
    alice = await member(a.port, 'alice');
    expect(await ask(alice, 'CREATE room', /^RESULT CREATE/)).toBe('RESULT CREATE room 1');
    await join(alice, 'room');
    bob = await member(b.port, 'bob');
    await join(bob, 'room');
    // carol is online on the third node (it knows the others' users) but in no channel
    await member(c.port, 'carol');
    // once bob hears alice, node a knows node b holds the channel
    let n = 0;
    await until(async () => {
      alice.send(`SAY room ping${++n}`);
      return (await waitFor(bob, /^RECV alice room ping/, 300).catch(() => '')) !== '';
    }, 'bob hearing alice across the nodes');
    alice.send('SAY room synced');
    await waitFor(alice, /^RECV alice room synced$/);
    await waitFor(bob, /^RECV alice room synced$/);

    const before = await Promise.all([a, b, c].map(counters));
    for (let i = 0; i < MESSAGES; i++) alice.send(`SAY room m${i}`);
    await waitFor(bob, new RegExp(`^RECV alice room m${MESSAGES - 1}$`, 'u'));
    await waitFor(alice, new RegExp(`^RECV alice room m${MESSAGES - 1}$`, 'u'));
    const after = await Promise.all([a, b, c].map(counters));
    const [inA, inB, inC] = after.map((x, i) => x.in - before[i].in);
    expect({ inA, inC, outA: after[0].out - before[0].out }).toEqual({ inA: 0, inC: 0, outA: MESSAGES });
    expect(inB).toBeGreaterThanOrEqual(MESSAGES);

    // and the other way: bob's message goes to node a only
    const beforeC = (await counters(c)).in;
    bob.send('SAY room back');
    await waitFor(alice, /^RECV bob room back$/);
    expect((await counters(c)).in).toBe(beforeC);
  });

  it('a node that joins late learns which nodes hold the channel: its member is heard there, and hears them', async () => {
    const d = await node(redis.url);
    const dave = await member(d.port, 'dave');
    await join(dave, 'room');
    // nothing retried: d learnt from a and b, when it joined, that they hold `room`
    dave.send('SAY room hello from d');
    await waitFor(alice, /^RECV dave room hello from d$/);
    await waitFor(bob, /^RECV dave room hello from d$/);
    await waitFor(dave, /^RECV dave room hello from d$/);
    // and they learn that d holds it now
    let n = 0;
    await until(async () => {
      alice.send(`SAY room hi${++n}`);
      return (await waitFor(dave, /^RECV alice room hi/, 300).catch(() => '')) !== '';
    }, 'dave hearing alice');
  });

  it('a node that dies holds nothing any more: nothing is forwarded to it', async () => {
    const wanda = await connectClient(a.port);
    clients.push(wanda);
    expect(await ask(wanda, 'NAME wanda', /./)).toMatch(/^WELCOME wanda /u);
    const sent = (await counters(a)).out;
    alice.send('SAY room before');
    await waitFor(alice, /^RECV alice room before$/);
    await waitFor(bob, /^RECV alice room before$/);
    // b and d hold the channel
    await until(async () => (await counters(a)).out - sent === 2, 'node a forwarding to b and d');

    await b.stop('SIGKILL');
    await waitFor(wanda, /^LEFT bob lost$/, GONE_WITHIN_MS);
    const now = (await counters(a)).out;
    alice.send('SAY room after');
    await waitFor(alice, /^RECV alice room after$/);
    // only d: the dead node b was forgotten with its users
    await until(async () => (await counters(a)).out - now >= 1, 'node a forwarding to d');
    expect((await counters(a)).out - now).toBe(1);
  });
});
