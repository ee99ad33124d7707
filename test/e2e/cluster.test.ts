// Cluster mode end to end: a real redis-server and three real server processes on it (--cluster), clients of
// every dialect on every node. Names are one namespace across the nodes, messages cross them once and in each
// sender's order, a killed node's users go within its lease, and a Redis restart keeps every client.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type LineClient } from '../support/client.js';
import { HAS_REDIS, redisSuite, startRedis, stopAllRedis, type RedisProcess } from '../support/redis.js';
import { until } from '../support/process.js';
import { freePort, removeTempDirs, runServerToExit, startServerProcess, type ServerProcess } from '../support/server.js';

/** Short, so a killed node's users go quickly; each node renews every LEASE_MS / 3. */
const LEASE_MS = 1500;
/** How long after a kill every other node has dropped the killed node's users, by the lease's promise. */
const GONE_WITHIN_MS = LEASE_MS + LEASE_MS / 3;
/** Slack on top, for a loaded test machine. */
const MARGIN_MS = 1500;
/** How long a node waits for a write to a client (CHAT_SEND_TIMEOUT_MS); short, so a SEND-OK that cannot come is refused soon. */
const SEND_TIMEOUT_MS = 2000;

const processes: ServerProcess[] = [];
const clients: LineClient[] = [];

function node(url: string, env: Record<string, string> = {}, args: readonly string[] = []): Promise<ServerProcess> {
  return startServerProcess({
    args: ['--cluster', url, ...args],
    env: { CHAT_CLUSTER_LEASE_MS: String(LEASE_MS), CHAT_MAX_USERS: '1000', LOG_LEVEL: 'info', ...env },
  }).then((started) => {
    processes.push(started);
    return started;
  });
}

/** A client that keeps every line it read, so a test can wait for one line and later count them all. */
class Peer {
  readonly seen: string[] = [];
  constructor(readonly c: LineClient) {}

  send(line: string): void {
    this.c.send(line);
  }

  /** Reads lines until one matches, at most `ms`; every line read is kept in `seen`. */
  async waitFor(pattern: RegExp, ms = 5000): Promise<string> {
    const deadline = Date.now() + ms;
    for (let count = 0; count < 100_000; count++) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const line = await this.c.next(left).catch(() => undefined);
      if (line === undefined) break;
      this.seen.push(line);
      if (pattern.test(line)) return line;
    }
    throw new Error(`no line matching ${String(pattern)} within ${ms} ms; seen:\n${this.seen.slice(-20).join('\n')}`);
  }

  /** Sends `line`, then waits for the answer that matches `answer`. */
  ask(line: string, answer: RegExp, ms?: number): Promise<string> {
    this.send(line);
    return this.waitFor(answer, ms);
  }

  /** Reads whatever arrives within `ms` (to see that nothing more, no duplicate, comes). */
  async drain(ms = 300): Promise<readonly string[]> {
    const deadline = Date.now() + ms;
    const got: string[] = [];
    for (let count = 0; count < 100_000; count++) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const line = await this.c.next(left).catch(() => undefined);
      if (line === undefined) break;
      got.push(line);
      this.seen.push(line);
    }
    return got;
  }

  count(line: string): number {
    return this.seen.filter((l) => l === line).length;
  }
}

async function peer(port: number): Promise<Peer> {
  const c = await connectClient(port);
  clients.push(c);
  return new Peer(c);
}

async function direct(port: number, name: string): Promise<Peer> {
  const p = await peer(port);
  expect(await p.ask(`HELLO-FROM ${name}`, /./)).toBe(`HELLO ${name}`);
  return p;
}

async function messenger(port: number, name: string): Promise<Peer> {
  const p = await peer(port);
  expect(await p.ask(`NAME ${name}`, /./)).toMatch(new RegExp(`^WELCOME ${name} `, 'u'));
  return p;
}

async function channels(port: number, name: string, register = true): Promise<Peer> {
  const p = await peer(port);
  if (register) expect(await p.ask(`REGISTER ${name} pw`, /^RESULT REGISTER/)).toBe('RESULT REGISTER 1');
  expect(await p.ask(`LOGIN ${name} pw`, /^RESULT LOGIN/)).toBe('RESULT LOGIN 1');
  return p;
}

/** Asks until the answer is `expected` (other nodes learn of logins a moment later); skips presence notices. */
async function settles(p: Peer, line: string, answer: RegExp, expected: string, ms = 5000): Promise<void> {
  let last = '';
  await until(async () => (last = await p.ask(line, answer)) === expected, () => `${line} → ${expected}, last ${last}`, ms);
}

const closeClients = () => { for (const c of clients.splice(0)) c.close(); };

/** Users online anywhere in the cluster, as Redis holds them. */
async function onlineInRedis(redis: RedisProcess): Promise<number> {
  return Number(/^:(\d+)/.exec(await redis.command('HLEN', 'chat:users'))?.[1]);
}

afterAll(async () => {
  closeClients();
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await stopAllRedis();
  removeTempDirs();
});

describe.skipIf(!HAS_REDIS)(redisSuite('a cluster of three nodes on one Redis'), () => {
  let redis: RedisProcess;
  let a: ServerProcess;
  let b: ServerProcess;
  let c: ServerProcess;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { CHAT_SEND_TIMEOUT_MS: String(SEND_TIMEOUT_MS) };
    [a, b, c] = await Promise.all([node(redis.url, env), node(redis.url, env), node(redis.url, env)]);
  });

  // every test starts with nobody online anywhere: its lists hold only its own users
  afterEach(async () => {
    closeClients();
    await until(async () => (await onlineInRedis(redis)) === 0, () => 'every user released in Redis');
  });

  it('direct: SEND crosses nodes with SEND-OK, and LIST is cluster-wide in login order on every node', async () => {
    const dora = await direct(a.port, 'dora');
    const dan = await direct(b.port, 'dan');
    const dia = await direct(c.port, 'dia');
    const dot = await direct(a.port, 'dot');
    for (const p of [dora, dan, dia, dot]) await settles(p, 'LIST', /^LIST-OK/, 'LIST-OK dora,dan,dia,dot');

    expect(await dora.ask('SEND dan hello from a', /^(SEND-OK|BAD-)/)).toBe('SEND-OK');
    expect(await dan.waitFor(/^DELIVERY/)).toBe('DELIVERY dora hello from a');
    expect(await dia.ask('SEND dot  inner  spaces kept, ends trimmed ', /^(SEND-OK|BAD-)/)).toBe('SEND-OK');
    expect(await dot.waitFor(/^DELIVERY/)).toBe('DELIVERY dia inner  spaces kept, ends trimmed');
    // and once only
    await Promise.all([dan.drain(), dot.drain()]);
    expect(dan.seen.filter((l) => l.startsWith('DELIVERY'))).toEqual(['DELIVERY dora hello from a']);
    expect(dot.seen.filter((l) => l.startsWith('DELIVERY'))).toEqual(['DELIVERY dia inner  spaces kept, ends trimmed']);

    // a user who left another node is gone from LIST everywhere, and cannot be sent to
    dan.c.close();
    await settles(dora, 'LIST', /^LIST-OK/, 'LIST-OK dora,dia,dot');
    await settles(dia, 'LIST', /^LIST-OK/, 'LIST-OK dora,dia,dot');
    expect(await dora.ask('SEND dan still there?', /^(SEND-OK|BAD-)/)).toBe('BAD-DEST-USER');
  });

  it('messenger: BROADCAST, WHISPER, USERS, rename, JOINED and LEFT across nodes', async () => {
    const mia = await messenger(a.port, 'mia');
    const max = await messenger(b.port, 'max');
    expect(await mia.waitFor(/^JOINED/)).toBe('JOINED max');
    const moe = await messenger(c.port, 'moe');
    expect(await mia.waitFor(/^JOINED/)).toBe('JOINED moe');
    expect(await max.waitFor(/^JOINED/)).toBe('JOINED moe');
    for (const p of [mia, max, moe]) await settles(p, 'USERS', /^USERS/, 'USERS max, mia, moe');

    mia.send('BROADCAST hi all');
    for (const p of [mia, max, moe]) expect(await p.waitFor(/^BROADCAST/)).toBe('BROADCAST mia hi all');

    max.send('WHISPER moe psst');
    expect(await moe.waitFor(/^WHISPER/)).toBe('WHISPER max moe psst');
    expect(await max.waitFor(/^WHISPER/)).toBe('WHISPER max moe psst');

    // a rename on one node is RENAMED everywhere, keeps its place in the login order, and frees the old name
    const dee = await direct(a.port, 'dee');
    await settles(dee, 'LIST', /^LIST-OK/, 'LIST-OK mia,max,moe,dee');
    max.send('NAME maxi');
    for (const p of [mia, max, moe]) expect(await p.waitFor(/^RENAMED/)).toBe('RENAMED max maxi');
    for (const p of [mia, max, moe]) await settles(p, 'USERS', /^USERS/, 'USERS dee, maxi, mia, moe');
    await settles(dee, 'LIST', /^LIST-OK/, 'LIST-OK mia,maxi,moe,dee');
    dee.c.close();
    expect(await mia.waitFor(/^LEFT/)).toBe('LEFT dee quit');
    expect(await max.waitFor(/^LEFT/)).toBe('LEFT dee quit');
    moe.send('WHISPER maxi again');
    expect(await max.waitFor(/^WHISPER/)).toBe('WHISPER moe maxi again');
    const other = await messenger(c.port, 'max');
    expect(await mia.waitFor(/^JOINED/)).toBe('JOINED max');

    // the name taken on another node: NAME-TAKEN, for a login and for a rename
    const late = await peer(a.port);
    expect(await late.ask('NAME moe', /^(WELCOME|ERROR)/)).toMatch(/^ERROR NAME-TAKEN( |$)/);
    expect(await other.ask('NAME mia', /^(RENAMED|ERROR)/)).toMatch(/^ERROR NAME-TAKEN( |$)/);

    // QUIT on one node is LEFT quit on the others; a dropped connection is LEFT lost
    expect(await moe.ask('QUIT', /^BYE/)).toMatch(/^BYE/);
    expect(await mia.waitFor(/^LEFT/)).toBe('LEFT moe quit');
    expect(await max.waitFor(/^LEFT/)).toBe('LEFT moe quit');
    other.c.close();
    expect(await mia.waitFor(/^LEFT/)).toBe('LEFT max lost');
    expect(await max.waitFor(/^LEFT/)).toBe('LEFT max lost');
    for (const p of [mia, max]) await settles(p, 'USERS', /^USERS/, 'USERS maxi, mia');

    // every notice came once
    await Promise.all([mia.drain(), max.drain()]);
    for (const p of [mia, max]) {
      for (const line of ['BROADCAST mia hi all', 'RENAMED max maxi', 'LEFT moe quit', 'LEFT max lost']) expect(p.count(line), `${line} at most once`).toBe(1);
    }
  });

  it('direct and messenger users meet across nodes: SEND arrives as WHISPER, WHISPER as DELIVERY', async () => {
    const mia = await messenger(a.port, 'mia');
    const dora = await direct(b.port, 'dora');
    expect(await mia.waitFor(/^JOINED/)).toBe('JOINED dora');
    expect(await dora.ask('SEND mia from direct', /^(SEND-OK|BAD-)/)).toBe('SEND-OK');
    expect(await mia.waitFor(/^WHISPER/)).toBe('WHISPER dora mia from direct');
    mia.send('WHISPER dora from messenger');
    expect(await dora.waitFor(/^DELIVERY/)).toBe('DELIVERY mia from messenger');
    // a channels user has no private messages, wherever it is
    await channels(c.port, 'cato');
    await settles(dora, 'LIST', /^LIST-OK/, 'LIST-OK mia,dora,cato');
    expect(await dora.ask('SEND cato hi', /^(SEND-OK|BAD-)/)).toBe('BAD-DEST-USER');
  });

  it('channels: an account registered on one node logs in on another; a channel created on one is joined from the others; SAY reaches every member once', async () => {
    const reg = await peer(a.port);
    expect(await reg.ask('REGISTER cleo pw', /^RESULT/)).toBe('RESULT REGISTER 1');
    // the account is known cluster-wide: registering it elsewhere fails, logging in elsewhere works
    const again = await peer(c.port);
    expect(await again.ask('REGISTER cleo other', /^RESULT/)).toBe('RESULT REGISTER 0');
    const cleo = await channels(b.port, 'cleo', false);
    expect(await reg.ask('LOGIN cleo wrong', /^RESULT/)).toBe('RESULT LOGIN 0');

    expect(await cleo.ask('CREATE lounge', /^RESULT/)).toBe('RESULT CREATE lounge 1');
    const carl = await channels(c.port, 'carl');
    const cora = await channels(a.port, 'cora');
    // the channel exists on every node: creating it again anywhere fails
    expect(await carl.ask('CREATE lounge', /^RESULT/)).toBe('RESULT CREATE lounge 0');
    expect(await carl.ask('JOIN lounge', /^RESULT/)).toBe('RESULT JOIN lounge 1');
    expect(await cora.ask('JOIN lounge', /^RESULT/)).toBe('RESULT JOIN lounge 1');
    expect(await cleo.ask('JOIN lounge', /^RESULT/)).toBe('RESULT JOIN lounge 1');
    // CHANNELS is the same on every node
    const listed = await cleo.ask('CHANNELS', /^RESULT CHANNELS/);
    expect(listed).toMatch(/lounge/);
    expect(await carl.ask('CHANNELS', /^RESULT CHANNELS/)).toBe(listed);
    expect(await cora.ask('CHANNELS', /^RESULT CHANNELS/)).toBe(listed);

    cleo.send('SAY lounge hello lounge');
    carl.send('SAY lounge from c');
    cora.send('SAY lounge from a');
    for (const p of [cleo, carl, cora]) {
      const got = new Set<string>();
      for (let i = 0; i < 3; i++) got.add(await p.waitFor(/^RECV/));
      expect(got).toEqual(new Set(['RECV cleo lounge hello lounge', 'RECV carl lounge from c', 'RECV cora lounge from a']));
    }
    await Promise.all([cleo, carl, cora].map((p) => p.drain()));
    for (const p of [cleo, carl, cora]) expect(p.seen.filter((l) => l.startsWith('RECV'))).toHaveLength(3);
  });

  it('concurrent REGISTER and CREATE of one name on three nodes: exactly one succeeds', async () => {
    const ps = await Promise.all([a, b, c, a, b, c].map((s) => peer(s.port)));
    ps.forEach((p, i) => p.send(`REGISTER racer pw${i}`));
    const registered = await Promise.all(ps.map((p) => p.waitFor(/^RESULT REGISTER/)));
    expect(registered.filter((r) => r === 'RESULT REGISTER 1')).toHaveLength(1);
    const winner = registered.indexOf('RESULT REGISTER 1');
    // every node knows the winner's password, and only that one
    for (const s of [a, b, c]) {
      const p = await peer(s.port);
      expect(await p.ask(`LOGIN racer pw${(winner + 1) % 6}`, /^RESULT LOGIN/)).toBe('RESULT LOGIN 0');
    }
    const logged = await channels(c.port, 'racer2');
    expect(await logged.ask('LOGIN racer x', /^RESULT LOGIN/)).toBe('RESULT LOGIN 0');
    const racer = await peer(b.port);
    expect(await racer.ask(`LOGIN racer pw${winner}`, /^RESULT LOGIN/)).toBe('RESULT LOGIN 1');

    const creators = await Promise.all([a, b, c].map((s) => channels(s.port, `maker${s.port}`)));
    creators.forEach((p) => p.send('CREATE arena'));
    const created = await Promise.all(creators.map((p) => p.waitFor(/^RESULT CREATE/)));
    expect(created.filter((r) => r === 'RESULT CREATE arena 1')).toHaveLength(1);
    expect(created.filter((r) => r === 'RESULT CREATE arena 0')).toHaveLength(2);
  });

  it('keeps each sender’s order across nodes: 200 BROADCASTs and interleaved WHISPERs arrive in order, once', async () => {
    const sender = await messenger(a.port, 'sally');
    const far = await messenger(b.port, 'fred');
    const farther = await messenger(c.port, 'finn');
    await settles(sender, 'USERS', /^USERS/, 'USERS finn, fred, sally');
    await settles(far, 'USERS', /^USERS/, 'USERS finn, fred, sally');
    await settles(farther, 'USERS', /^USERS/, 'USERS finn, fred, sally');
    const N = 200;
    for (let i = 1; i <= N; i++) {
      sender.send(`BROADCAST n${i}`);
      // to one user on another node (that node's own channel on the backplane) between broadcasts (the bus)
      if (i % 10 === 0) sender.send(`WHISPER fred w${i}`);
    }
    const expectedAtFred = [];
    for (let i = 1; i <= N; i++) {
      expectedAtFred.push(`BROADCAST sally n${i}`);
      if (i % 10 === 0) expectedAtFred.push(`WHISPER sally fred w${i}`);
    }
    const expectedAtFinn = expectedAtFred.filter((l) => l.startsWith('BROADCAST'));
    const collect = async (p: Peer, count: number) => {
      const got: string[] = [];
      for (let i = 0; i < count; i++) got.push(await p.waitFor(/^(BROADCAST|WHISPER) /, 10_000));
      return got;
    };
    const [atFred, atFinn] = await Promise.all([collect(far, expectedAtFred.length), collect(farther, expectedAtFinn.length)]);
    expect(atFred).toEqual(expectedAtFred);
    expect(atFinn).toEqual(expectedAtFinn);
    const extra = await Promise.all([far.drain(), farther.drain()]);
    expect(extra.flat().filter((l) => /^(BROADCAST|WHISPER) /.test(l))).toEqual([]);
  });

  it('a name raced for from every node at the same instant, in every dialect, has exactly one winner', async () => {
    const names = ['rex', 'rio', 'ray', 'ron', 'rue'];
    // channels contenders need an account first
    const registrar = await peer(b.port);
    for (const name of names) expect(await registrar.ask(`REGISTER ${name} pw`, /^RESULT/)).toBe('RESULT REGISTER 1');
    for (const name of names) {
      const contenders: Array<{ p: Peer; dialect: 'direct' | 'messenger' | 'channels' }> = [];
      for (const s of [a, b, c]) {
        for (const dialect of ['direct', 'messenger', 'channels', 'direct', 'messenger'] as const) contenders.push({ p: await peer(s.port), dialect });
      }
      const verb = { direct: `HELLO-FROM ${name}`, messenger: `NAME ${name}`, channels: `LOGIN ${name} pw` };
      for (const { p, dialect } of contenders) p.send(verb[dialect]);
      const answers = await Promise.all(contenders.map(({ p }) => p.waitFor(/^(HELLO|IN-USE|BUSY|WELCOME|ERROR|RESULT LOGIN)/)));
      const won = answers.filter((line) => line === `HELLO ${name}` || line.startsWith(`WELCOME ${name} `) || line === 'RESULT LOGIN 1');
      expect(won, `answers for ${name}: ${answers.join(' | ')}`).toHaveLength(1);
      contenders.forEach(({ dialect }, i) => {
        if (answers[i] === won[0]) return;
        const refusal = { direct: /^IN-USE$/, messenger: /^ERROR NAME-TAKEN( |$)/, channels: /^RESULT LOGIN 0$/ }[dialect];
        expect(answers[i], `${dialect} contender ${i} for ${name}`).toMatch(refusal);
      });
      const held = await redis.command('HGET', 'chat:users', name);
      expect(held).toMatch(/"node"/);
    }
    // every node lists each name once
    const lister = await direct(a.port, 'lister');
    await settles(lister, 'LIST', /^LIST-OK/, 'LIST-OK ' + [...names, 'lister'].join(','));
    const listers = ['lister'];
    for (const s of [b, c]) {
      listers.push(`lister${s.port}`);
      const d = await direct(s.port, `lister${s.port}`);
      await settles(d, 'LIST', /^LIST-OK/, 'LIST-OK ' + [...names, ...listers].join(','));
    }
  });

  it('a node killed with kill -9: its users leave every other node within the lease (LEFT lost), and their names are free again', async () => {
    const victim = await node(redis.url);
    const watcher = await messenger(a.port, 'wanda');
    const lister = await direct(b.port, 'lou');
    const vicDirect = await direct(victim.port, 'vic');
    const vicMessenger = await messenger(victim.port, 'vim');
    expect(await watcher.waitFor(/^JOINED/)).toBe('JOINED lou');
    expect(await watcher.waitFor(/^JOINED/)).toBe('JOINED vic');
    expect(await watcher.waitFor(/^JOINED/)).toBe('JOINED vim');
    await settles(lister, 'LIST', /^LIST-OK/, 'LIST-OK wanda,lou,vic,vim');
    void vicDirect;
    void vicMessenger;

    const killed = Date.now();
    await victim.stop('SIGKILL');
    const left = new Set([await watcher.waitFor(/^LEFT/, GONE_WITHIN_MS + MARGIN_MS), await watcher.waitFor(/^LEFT/, GONE_WITHIN_MS + MARGIN_MS)]);
    const took = Date.now() - killed;
    expect(left).toEqual(new Set(['LEFT vic lost', 'LEFT vim lost']));
    expect(took).toBeLessThan(GONE_WITHIN_MS + MARGIN_MS);
    // not before the lease could have run out: a node is given its whole lease
    expect(took).toBeGreaterThan(LEASE_MS - LEASE_MS / 3 - 100);
    await settles(lister, 'LIST', /^LIST-OK/, 'LIST-OK wanda,lou', 1000);
    expect(await watcher.ask('USERS', /^USERS/)).toBe('USERS lou, wanda');
    // the names log in again, on other nodes
    await direct(c.port, 'vic');
    await messenger(b.port, 'vim');
    await settles(lister, 'LIST', /^LIST-OK/, 'LIST-OK wanda,lou,vic,vim');
    // the killed node is gone from Redis too
    expect(await redis.command('SCARD', 'chat:nodes')).toBe(':3\r\n');
  });

  // A node that stops renewing its lease without dying (a long GC, a frozen VM, SIGSTOP here) is reaped, and its
  // users' names are free for others. When it runs again it claims its names back: those still free stay its
  // users', one taken meanwhile is no longer its user's (that connection is closed), and it lists the new holder.
  it('a node paused past its lease: names still free are its users’ again, a name taken meanwhile is the new holder’s alone', async () => {
    const paused = await node(redis.url);
    try {
      const pat = await direct(paused.port, 'pat');
      const old = await direct(paused.port, 'zed');
      const tom = await direct(c.port, 'tom');
      await settles(tom, 'LIST', /^LIST-OK/, 'LIST-OK pat,zed,tom');
      process.kill(paused.child.pid!, 'SIGSTOP');
      await settles(tom, 'LIST', /^LIST-OK/, 'LIST-OK tom', GONE_WITHIN_MS + MARGIN_MS);
      const fresh = await direct(a.port, 'zed');
      const mark = paused.stdout().length;
      process.kill(paused.child.pid!, 'SIGCONT');
      await until(() => /taken meanwhile by other nodes: zed/.test(paused.stdout().slice(mark)), () => `the paused node noticing:\n${paused.stdout().slice(mark)}`);
      // the old zed is closed; pat keeps its name and its place in the login order
      await old.c.closed(3000);
      await settles(tom, 'LIST', /^LIST-OK/, 'LIST-OK pat,tom,zed');
      await settles(pat, 'LIST', /^LIST-OK/, 'LIST-OK pat,tom,zed');
      // one zed in the cluster: tom hears from the one that holds the name, and pat can reach it
      fresh.send('SEND tom from the new zed');
      expect(await tom.waitFor(/^DELIVERY/)).toBe('DELIVERY zed from the new zed');
      expect(await pat.ask('SEND zed from pat', /^(SEND-OK|BAD-)/)).toBe('SEND-OK');
      expect(await fresh.waitFor(/^DELIVERY/)).toBe('DELIVERY pat from pat');
      await tom.drain(300);
      expect(tom.seen.filter((l) => l.startsWith('DELIVERY'))).toEqual(['DELIVERY zed from the new zed']);
    } finally {
      process.kill(paused.child.pid!, 'SIGCONT');
      await paused.stop('SIGTERM');
    }
  });

  it('a node stopped cleanly (SIGTERM): its users leave the other nodes at once, not after the lease', async () => {
    const leaving = await node(redis.url);
    const watcher = await messenger(a.port, 'wes');
    await messenger(leaving.port, 'lea');
    expect(await watcher.waitFor(/^JOINED/)).toBe('JOINED lea');
    const stopped = Date.now();
    expect(await leaving.stop('SIGTERM')).toBe(0);
    expect(await watcher.waitFor(/^LEFT/, LEASE_MS)).toMatch(/^LEFT lea (quit|lost)$/);
    expect(Date.now() - stopped).toBeLessThan(LEASE_MS);
  });

  it('SEND-OK only for a message that reached the recipient’s node: not while that node is not subscribed', async () => {
    const sender = await direct(a.port, 'sid');
    const recipient = await direct(b.port, 'rae');
    await settles(sender, 'LIST', /^LIST-OK/, 'LIST-OK sid,rae');
    // every node's subscription is dropped; each subscribes again within moments, missing what is published meanwhile
    expect(await redis.command('CLIENT', 'KILL', 'TYPE', 'pubsub')).toMatch(/^:[1-9]/);
    // SEND-OK waits for rae's node to say it wrote the DELIVERY, at most CHAT_SEND_TIMEOUT_MS plus the lease
    const answer = await sender.ask('SEND rae sent while nobody listens', /^(SEND-OK|BAD-)/, SEND_TIMEOUT_MS + LEASE_MS + MARGIN_MS);
    const delivered = await recipient.waitFor(/^DELIVERY/, 1500).then((l) => l, () => undefined);
    // either it arrived, or the sender was not told it did
    if (answer === 'SEND-OK') expect(delivered).toBe('DELIVERY sid sent while nobody listens');
    else expect(answer).toBe('BAD-DEST-USER');
    // once that node listens again, so does SEND
    await until(async () => (await sender.ask('SEND rae again', /^(SEND-OK|BAD-)/)) === 'SEND-OK', () => 'SEND-OK once rae’s node listens again');
    expect(await recipient.waitFor(/^DELIVERY sid again/)).toBe('DELIVERY sid again');
  });

  it('Redis restarts: clients on every node stay, accounts stay, and messages cross nodes again', async () => {
    const reg = await peer(a.port);
    expect(await reg.ask('REGISTER keeper pw', /^RESULT/)).toBe('RESULT REGISTER 1');
    const ma = await messenger(a.port, 'ana');
    const mb = await messenger(b.port, 'bea');
    const mc = await messenger(c.port, 'cid');
    const dc = await direct(c.port, 'dee');
    for (const p of [ma, mb, mc]) await settles(p, 'USERS', /^USERS/, 'USERS ana, bea, cid, dee');
    const marks = [a, b, c].map((s) => s.stdout().length);

    await redis.stop('SIGTERM');
    // every node noticed the backplane is gone before it comes back
    for (const [i, s] of [a, b, c].entries()) {
      await until(() => /lost the cluster backplane/.test(s.stdout().slice(marks[i])), () => `node ${i} losing the backplane:\n${s.stdout().slice(marks[i])}`, 30_000);
    }
    await redis.start();
    // every node says both its connections are back
    for (const [i, s] of [a, b, c].entries()) {
      const back = () => s.stdout().slice(marks[i]);
      await until(() => /reconnected to the cluster backplane .*\(commands\)/.test(back()) && /reconnected to the cluster backplane .*\(events\)/.test(back()), () => `node ${i} reconnecting:\n${back()}`, 10_000);
    }
    // a node subscribes again a moment after it is back: what is published meanwhile reaches the others, not it
    // (pub/sub keeps nothing); once a probe gets through to both other nodes, every message does
    let crossed = false;
    for (let probe = 0; probe < 25 && !crossed; probe++) {
      ma.send(`BROADCAST probe ${probe}`);
      const through = await Promise.all([mb, mc].map((p) => p.waitFor(new RegExp(`^BROADCAST ana probe ${probe}$`), 200).then(() => true, () => false)));
      crossed = through.every(Boolean);
    }
    expect(crossed, 'a BROADCAST crossed to both other nodes within 5 s of their reconnecting').toBe(true);

    // the clients are still there, and everyone is still listed everywhere
    for (const p of [ma, mb, mc]) await settles(p, 'USERS', /^USERS/, 'USERS ana, bea, cid, dee');
    await settles(dc, 'LIST', /^LIST-OK/, 'LIST-OK ana,bea,cid,dee');
    // the account registered before the restart logs in on another node
    await channels(b.port, 'keeper', false);
    // messages cross nodes again
    ma.send('BROADCAST after the restart');
    for (const p of [ma, mb, mc]) expect(await p.waitFor(/^BROADCAST ana after/)).toBe('BROADCAST ana after the restart');
    expect(await dc.ask('SEND bea direct after the restart', /^(SEND-OK|BAD-)/)).toBe('SEND-OK');
    expect(await mb.waitFor(/^WHISPER/)).toBe('WHISPER dee bea direct after the restart');
    await Promise.all([ma, mb, mc].map((p) => p.drain()));
    for (const p of [ma, mb, mc]) expect(p.count('BROADCAST ana after the restart')).toBe(1);
    // and nobody seemed to leave meanwhile
    for (const p of [ma, mb, mc]) expect(p.seen.filter((l) => /^LEFT /.test(l)), 'LEFT during the restart').toEqual([]);
  });
});

describe.skipIf(!HAS_REDIS)(redisSuite('the user limit across a cluster'), () => {
  let redis: RedisProcess;
  let nodes: ServerProcess[];
  beforeAll(async () => {
    redis = await startRedis();
    nodes = await Promise.all([1, 2, 3].map(() => node(redis.url, { CHAT_MAX_USERS: '2' })));
  });
  afterEach(async () => {
    closeClients();
    await until(async () => (await onlineInRedis(redis)) === 0, () => 'every user released in Redis');
  });

  it('CHAT_MAX_USERS counts every node’s users: the third login, on a third node, is refused in each dialect', async () => {
    const [n1, n2, n3] = nodes as [ServerProcess, ServerProcess, ServerProcess];
    const first = await direct(n1.port, 'one');
    const two = await messenger(n2.port, 'two');
    await settles(first, 'LIST', /^LIST-OK/, 'LIST-OK one,two');
    const d = await peer(n3.port);
    expect(await d.ask('HELLO-FROM three', /./)).toBe('BUSY');
    const m = await peer(n3.port);
    expect(await m.ask('NAME three', /./)).toMatch(/^ERROR SERVER-FULL( |$)/);
    const ch = await peer(n3.port);
    // an account owns its name in every dialect: the channels user is another person, so the name three stays free
    expect(await ch.ask('REGISTER thrice pw', /^RESULT/)).toBe('RESULT REGISTER 1');
    expect(await ch.ask('LOGIN thrice pw', /^RESULT/)).toBe('RESULT LOGIN 0');
    // a rename adds nobody: it is allowed at the limit, and seen on the other nodes
    expect(await two.ask('NAME twain', /^(RENAMED|ERROR)/)).toBe('RENAMED two twain');
    await settles(first, 'LIST', /^LIST-OK/, 'LIST-OK one,twain');
    // a place frees up: the third gets in, on the node that refused it
    first.c.close();
    await until(async () => (await m.ask('NAME three', /^(WELCOME|ERROR)/)).startsWith('WELCOME'), () => 'a free place for three');
  });

  it('many logins at once on three nodes: exactly the limit gets in', async () => {
    const ps = await Promise.all(Array.from({ length: 12 }, (_, i) => peer(nodes[i % 3]!.port)));
    ps.forEach((p, i) => p.send(i % 2 ? `HELLO-FROM crowd${i}` : `NAME crowd${i}`));
    const answers = await Promise.all(ps.map((p) => p.waitFor(/^(HELLO|BUSY|WELCOME|ERROR)/)));
    expect(answers.filter((l) => /^(HELLO|WELCOME) /.test(l)), answers.join(' | ')).toHaveLength(2);
    for (const [i, line] of answers.entries()) if (!/^(HELLO|WELCOME) /.test(line)) expect(line).toMatch(i % 2 ? /^BUSY$/ : /^ERROR SERVER-FULL( |$)/);
    expect(await onlineInRedis(redis)).toBe(2);
  });
});

describe.skipIf(!HAS_REDIS)(redisSuite('a Redis that stalls'), () => {
  /** Longer than a stall here, so no node's lease lapses: only the claims in flight go unanswered. */
  const LONG_LEASE_MS = 30_000;
  /** The backplane gives up waiting on a command after 5 s (streams/cluster/backplane.ts), and a little more. */
  const UNANSWERED_MS = 5500;
  let redis: RedisProcess;
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([1, 2].map(() => node(redis.url, { CHAT_CLUSTER_LEASE_MS: String(LONG_LEASE_MS) }))) as [ServerProcess, ServerProcess];
  });
  afterEach(async () => {
    redis.resume();
    closeClients();
    await until(async () => (await onlineInRedis(redis)) === 0, () => 'every user released in Redis');
  });

  it('a login or rename refused because Redis did not answer in time leaves no name behind once Redis answers again', async () => {
    const watcher = await direct(b.port, 'watcher');
    const renamer = await messenger(b.port, 'mo');
    await settles(watcher, 'LIST', /^LIST-OK/, 'LIST-OK watcher,mo');
    const d = await peer(a.port);
    redis.pause();
    d.send('HELLO-FROM ghost');
    renamer.send('NAME mo2');
    // the claims are sent and go unanswered: each is refused (a claim queued behind another waits for that one's timeout)
    const [login, rename] = await Promise.all([d.waitFor(/./, 2 * UNANSWERED_MS), renamer.waitFor(/^(RENAMED|ERROR)/, 2 * UNANSWERED_MS)]);
    expect(login).toBe('BUSY');
    expect(rename).toMatch(/^ERROR SERVER-FULL /);
    redis.resume();
    // Redis now runs the claims it was sent: none may leave a name taken with nobody behind it
    await settles(watcher, 'LIST', /^LIST-OK/, 'LIST-OK watcher,mo');
    expect(await renamer.ask('USERS', /^USERS/)).toBe('USERS mo, watcher');
    await until(async () => !/ghost|mo2/.test(await redis.command('HKEYS', 'chat:users')), () => 'no ghost nor mo2 in Redis');
    await direct(a.port, 'ghost');
    await messenger(a.port, 'mo2');
    // and mo is still mo's alone
    expect(await (await peer(a.port)).ask('HELLO-FROM mo', /./)).toBe('IN-USE');
  }, 90_000);
});

describe.skipIf(!HAS_REDIS)(redisSuite('two clusters on two database numbers of one Redis'), () => {
  // --cluster accepts redis://host:port/N: the keys are in database N, and since Redis pub/sub ignores database
  // numbers the channels must differ too, or the nodes of both clusters would hear each other.
  it('each cluster sees only its own users and messages', async () => {
    const redis = await startRedis();
    const one = await node(`${redis.url}/1`);
    const two = await node(`${redis.url}/2`);
    const twoAgain = await node(`${redis.url}/2`);
    const ann = await direct(one.port, 'ann');
    const watcher = await direct(twoAgain.port, 'wat');
    const bob = await direct(two.port, 'bob');
    // the news of bob's login has crossed cluster two's backplane to its other node; had the two clusters
    // shared their channels, ann's node would have heard it as well
    await until(async () => (await watcher.ask('LIST', /^LIST-OK/)).includes('bob'), 'bob to reach the other node of cluster two', 30_000);
    expect(await ann.ask('LIST', /^LIST-OK/)).toBe('LIST-OK ann');
    expect(await bob.ask('LIST', /^LIST-OK/)).toBe('LIST-OK wat,bob');
    expect(await bob.ask('SEND ann across clusters', /^(SEND-OK|BAD-)/)).toBe('BAD-DEST-USER');
    // and the same name may be online in both
    await direct(two.port, 'ann');
  });
});

describe('a cluster node whose Redis is out of reach', () => {
  it('says so on one line of stderr, naming the URL, exits non-zero, and listens on nothing', async () => {
    const [redisPort, port] = [await freePort(), await freePort()];
    const url = `redis://127.0.0.1:${redisPort}`;
    const run = runServerToExit(['--port', String(port), '--cluster', url]);
    // meanwhile nothing accepts connections on its port
    const refused = await new Promise<boolean>((done) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => { socket.destroy(); done(false); });
      socket.once('error', () => done(true));
    });
    const { code, stdout, stderr } = await run;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^chat-server: cannot reach the cluster backplane at ${url.replace(/[.]/g, '\\.')}: `));
    expect(stdout).not.toMatch(/listening on|Server is on/);
    expect(refused).toBe(true);
  });
});

describe.skipIf(!HAS_REDIS)(redisSuite('--workers 2 on one port'), () => {
  it('two clients of the one port land on different workers, yet see each other in LIST and can SEND', async () => {
    const redis = await startRedis();
    const server = await startServerProcess({
      args: ['--cluster', redis.url, '--workers', '2'],
      env: { CHAT_CLUSTER_LEASE_MS: String(LEASE_MS), CHAT_MAX_USERS: '1000', LOG_LEVEL: 'info' },
    });
    try {
      expect(server.stdout()).toMatch(/^2 workers \(pids \d+, \d+\)$/m);
      const ann = await direct(server.port, 'ann');
      const ben = await direct(server.port, 'ben');
      await settles(ann, 'LIST', /^LIST-OK/, 'LIST-OK ann,ben');
      await settles(ben, 'LIST', /^LIST-OK/, 'LIST-OK ann,ben');
      expect(await ann.ask('SEND ben hi worker', /^(SEND-OK|BAD-)/)).toBe('SEND-OK');
      expect(await ben.waitFor(/^DELIVERY/)).toBe('DELIVERY ann hi worker');
      expect(await ben.ask('SEND ann hi back', /^(SEND-OK|BAD-)/)).toBe('SEND-OK');
      expect(await ann.waitFor(/^DELIVERY/)).toBe('DELIVERY ben hi back');
      // server.log names the node of each record: the two logins were on two different workers
      const logins = new Map<string, string>();
      await until(() => {
        for (const line of readFileSync(join(server.dir, 'server.log'), 'utf8').split('\n')) {
          if (!line) continue;
          const record = JSON.parse(line) as { event?: string; user?: string; node?: string };
          if (record.event === 'login' && record.user && record.node) logins.set(record.user, record.node);
        }
        return logins.size === 2;
      }, () => `both logins in server.log, have ${JSON.stringify([...logins])}`);
      expect(logins.get('ann')).not.toBe(logins.get('ben'));
      // and each connection id names its worker, so the two logins are not both "c1"
      const ids = readFileSync(join(server.dir, 'server.log'), 'utf8').split('\n').filter(Boolean)
        .map((line) => JSON.parse(line) as { event?: string; conn?: string; label?: string })
        .filter((record) => record.event === 'login');
      expect(ids.map((record) => record.conn).sort()).toEqual(ids.map((record) => `${record.label}.c1`).sort());
      expect(new Set(ids.map((record) => record.conn)).size).toBe(2);
      // logrotate signals the primary (its pid file); the primary passes SIGHUP on and every worker opens server.log again
      renameSync(join(server.dir, 'server.log'), join(server.dir, 'server.log.1'));
      process.kill(server.child.pid!, 'SIGHUP');
      await until(() => existsSync(join(server.dir, 'server.log')), () => 'server.log opened again after SIGHUP');
      const cal = await direct(server.port, 'cal');
      await settles(cal, 'LIST', /^LIST-OK/, 'LIST-OK ann,ben,cal');
      await until(() => readFileSync(join(server.dir, 'server.log'), 'utf8').includes('"user":"cal"'), () => "cal's login in the new server.log");
    } finally {
      closeClients();
      expect(await server.stop('SIGTERM')).toBe(0);
      await redis.stop();
    }
  });
});
