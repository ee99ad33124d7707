// The cluster backplane: Redis (ioredis) between the nodes of one logical server. It claims and releases
// names atomically, keeps this node's lease, reaps nodes whose lease ran out, forwards messages for users on
// other nodes, and turns what the other nodes publish into events for the core. The decisions stay in the core.
import { BehaviorSubject, type Observable } from 'rxjs';
import type { Redis } from 'ioredis';
import type { Sent } from '../../src/core/steps.js';
import { forwardTarget } from '../../src/core/cluster.js';
import type { Capability, ClaimOutcome, ClusterEvent, RemoteAck, RemoteUser, LogEvent } from '../../src/core/types.js';
import { heldEvents } from './events.js';
import { nameKeeper, type HeldUser } from './names.js';
import type { Store } from '../services/store.js';
import { AckWaits } from './acks.js';
import { batchingPublisher } from './publisher.js';
import { connect, scriptRunner, shownUrl, type ScriptRunner } from './redis.js';
import { redisStore } from './store.js';
import { decodeMessage, decodeUser, encodeAcked, encodeDeliver, splitBatch } from './wire.js';
import type { ServerStats } from '../ops/stats.js';

export { nodeName, shownUrl } from './redis.js';


export interface BackplaneOptions {
  /** redis://host:port (a database number may follow: redis://host:port/2). */
  readonly url: string;
  /** This node's name (see nodeName). */
  readonly node: string;
  /** How long a node's users outlive it if it dies without a word; it renews its lease three times as often. */
  readonly leaseMs: number;
  readonly maxUsers: number;
  readonly log: (event: LogEvent) => void;
  /** Prefix of every key and channel, so several clusters can share one Redis (default: by the URL's database). */
  readonly prefix?: string;
  /** How long a message that asked to know waits to hear it was written on another node before it counts as not. */
  readonly ackTimeoutMs: number;
  /** Counts what Redis brings here and what this node forwards (the metrics endpoint shows them). */
  readonly stats?: Pick<ServerStats, 'clusterMessagesIn' | 'clusterForwardedOut'>;
}

export type { HeldUser };

export interface Backplane {
  /** This node's name: host, process and a random part, unique for the life of the process. */
  readonly node: string;
  /** Accounts and channels, in Redis. */
  readonly store: Store;
  /** Users online on every node, as the backplane holds them now. */
  users(): Promise<Array<[string, RemoteUser]>>;
  claim(user: string, can: Iterable<Capability>, from?: string): Promise<{ readonly outcome: ClaimOutcome; readonly seq?: number }>;
  release(user: string, how: 'quit' | 'lost'): void;
  /** Tells every other node (or only `node`) something the core decided they must know. */
  announce(event: ClusterEvent, node?: string): void;
  /**
   * Sends a message on to the nodes whose users it is for. Undefined: it stays here. Otherwise resolves with
   * whether it was written there, if it asked (`ack`), or else once Redis took it.
   */
  forward(sent: Sent): Promise<boolean> | undefined;
  /** Tells the node a forwarded message came from whether it was written here. */
  acked(to: RemoteAck, ok: boolean): void;
  /** What the other nodes publish, from the moment the backplane opened (held until the first subscriber); what arrived together comes as one array. */
  readonly event$: Observable<readonly ClusterEvent[]>;
  /** True while this node is the one that dials the federation peers (one node dials for the whole cluster). */
  readonly dialler$: Observable<boolean>;
  /** Tells the backplane where to find the users this node holds (for claiming them again after a lapse). */
  holding(users: () => Iterable<HeldUser>): void;
  close(): Promise<void>;
}

/** `chat:`, or `chat:N:` for database N: keys live in their database, but pub/sub channels are one for all of Redis. */
export function prefixOf(url: string): string {
  const db = /\/(\d+)\/?$/u.exec(new URL(url).pathname)?.[1];
  return db === undefined || Number(db) === 0 ? 'chat:' : `chat:${Number(db)}:`;
}

/** Whether this node dials the federation peers for the cluster, kept with its lease. */
interface Lease {
  renew(): Promise<void>;
  readonly dialler$: BehaviorSubject<boolean>;
}

export async function openBackplane({ url, node, leaseMs, maxUsers, log, prefix = prefixOf(url), ackTimeoutMs, stats }: BackplaneOptions): Promise<Backplane> {
  const cmd = await connect(url, 'commands', log);
  const sub = await connect(url, 'events', log).catch((error: unknown) => { cmd.disconnect(); throw error; });
  const runScript = scriptRunner(cmd, prefix);
  // scripts publish too: what this node published before a script call goes out before it
  const run: ScriptRunner = (script, ...args) => {
    publisher.flush();
    return runScript(script, ...args);
  };
  const failed = (what: string) => (error: unknown) => log({ level: 'warn', event: 'backplaneFailed', msg: `${what} failed: ${String(error)}` });
  const publisher = batchingPublisher(cmd, prefix, failed('forwarding a message'));
  const { publish } = publisher;
  const events = heldEvents();
  const usersNow = () => usersIn(cmd, prefix);

  // after the backplane was away, every node's lease may have lapsed: give the others a lease's time to renew
  // theirs before this node reaps anyone, or a Redis restart would look like every other node dying
  let backSince = Date.now();
  const mayReap = () => (Date.now() - backSince >= leaseMs ? 1 : 0);
  const names = nameKeeper({ node, maxUsers, run, push: events.push, usersNow, mayReap, log, failed });
  cmd.on('ready', () => {
    backSince = Date.now();
    names.settle();
  });
  const lease = keepLease(run, node, leaseMs, names, mayReap);
  const acks = new AckWaits(ackTimeoutMs);
  await listen(sub, [`${prefix}bus`, `${prefix}to:${node}`], { node, acks, names, events, log, failed, stats }, () => resync(cmd, prefix, events.push));
  await lease.renew();
  await publish('bus', JSON.stringify({ kind: 'nodeJoined', node, origin: node }));
  const heartbeat = setInterval(() => void lease.renew().catch(failed('renewing the lease')), Math.max(100, Math.floor(leaseMs / 3)));
  heartbeat.unref();
  log({ level: 'info', event: 'clusterJoined', msg: `joined the cluster at ${shownUrl(url)} as node ${node} (lease ${leaseMs} ms)`, url: shownUrl(url) });

  return {
    node,
    store: redisStore(cmd, run, prefix, node, shownUrl(url)),
    users: usersNow,
    claim: names.claim,
    release: names.release,
    announce(event, to) {
      void publish(to === undefined ? 'bus' : `to:${to}`, JSON.stringify({ ...event, origin: node }));
    },
    acked(to, ok) {
      void publish(`to:${to.node}`, encodeAcked(node, to.id, ok));
    },
    forward(sent) {
      // only to the nodes that want it (src/core/cluster-groups.ts), each on its own channel: never back to this one
      const target = forwardTarget(sent);
      if (!target) return undefined;
      const { nodes, to } = target;
      if (stats) stats.clusterForwardedOut += nodes.length;
      if (sent.ack === undefined) {
        const text = encodeDeliver(node, to, sent.msg);
        let taken!: Promise<boolean>;
        for (const other of nodes) taken = publish(`to:${other}`, text);
        return taken;
      }
      // a direct SEND's SEND-OK waits until the DELIVERY was written, on whichever node (its user's: one)
      return acks.wait((id) => publish(`to:${nodes[0]}`, encodeDeliver(node, to, sent.msg, { node, id })));
    },
    event$: events.event$,
    dialler$: lease.dialler$.asObservable(),
    holding: names.holding,
    async close() {
      publisher.flush();
      clearInterval(heartbeat);
      acks.close();
      lease.dialler$.complete();
      sub.disconnect();
      if (lease.dialler$.value) await cmd.del(`${prefix}dialler`).catch(() => {});
      // leave at once rather than after the lease: the others drop this node's users now
      await cmd.del(`${prefix}lease:${node}`).then(() => run('chatReap', node)).catch(() => {});
      await cmd.quit().catch(() => cmd.disconnect());
      events.complete();
    },
  };
}

/** Renews this node's lease (claiming its names again if it had lapsed), reaps dead nodes, and settles who dials. */
function keepLease(run: ScriptRunner, node: string, leaseMs: number, names: ReturnType<typeof nameKeeper>, mayReap: () => number): Lease {
  const dialler$ = new BehaviorSubject(false);
  return {
    dialler$,
    async renew() {
      const live = await run('chatRenew', node, leaseMs);
      if (live === 0 && names.holds()) await names.reassert("this node's lease had lapsed");
      if (mayReap()) await run('chatReap', node);
      const dials = (await run('chatDialler', node, leaseMs)) === 1;
      if (dials !== dialler$.value) dialler$.next(dials);
    },
  };
}

interface Receiving {
  readonly node: string;
  readonly acks: AckWaits;
  readonly names: ReturnType<typeof nameKeeper>;
  readonly events: ReturnType<typeof heldEvents>;
  readonly stats?: Pick<ServerStats, 'clusterMessagesIn' | 'clusterForwardedOut'>;
  readonly log: (event: LogEvent) => void;
  readonly failed: (what: string) => (error: unknown) => void;
}

/**
 * Reads the bus and this node's own channel; after a reconnection, heals what was missed (`resync`). What one
 * read from Redis brings (ioredis emits its messages one after the other, in one turn) goes on as one batch.
 */
async function listen(sub: Redis, channels: readonly string[], { node, acks, names, events, log, failed, stats }: Receiving, resyncNow: () => Promise<void>): Promise<void> {
  let batch: ClusterEvent[] = [];
  const pass = () => {
    const taken = batch;
    batch = [];
    events.pushBatch(taken);
  };
  const receive = (text: string) => {
    const message = decodeMessage(text);
    if (!message) return log({ level: 'warn', event: 'backplaneBadMessage', msg: `a message on the backplane is not one of ours: ${text.slice(0, 100)}` });
    if ('acked' in message) return acks.settle(message.acked.id, message.acked.ok);
    const { origin, event } = message;
    // the bus brings back the events this node published; it applied them already, but not a reaping it did itself.
    // If it was reaped, it claims its names back and tells every node again what it holds (the `users` resync)
    if (event.kind === 'nodeGone' && event.node === node) {
      return void names.reassert('another node reaped this one').then(resyncNow).catch(failed('claiming names again'));
    }
    if (origin === node && event.kind !== 'nodeGone') return;
    if (!batch.length) queueMicrotask(pass);
    batch.push(event);
  };
  sub.on('message', (_channel: string, text: string) => {
    const lines = splitBatch(text);
    if (stats) stats.clusterMessagesIn += lines.length;
    for (const line of lines) receive(line);
  });
  let subscribed = false;
  sub.on('ready', () => {
    // ioredis subscribes again by itself after a reconnection; what was published meanwhile was missed
    if (subscribed) void resyncNow().catch(failed('resynchronising'));
  });
  await sub.subscribe(...channels);
  subscribed = true;
}

/** The users of other nodes as Redis holds them. */
async function usersIn(cmd: Redis, prefix: string): Promise<Array<[string, RemoteUser]>> {
  const all = await cmd.hgetall(`${prefix}users`);
  const users: Array<[string, RemoteUser]> = [];
  for (const [name, text] of Object.entries(all)) {
    const user = decodeUser(text);
    if (user) users.push([name, user]);
  }
  return users;
}

/** What this node missed while the backplane was away, to heal it: the users, accounts and channels Redis holds. */
async function resync(cmd: Redis, prefix: string, push: (event: ClusterEvent) => void): Promise<void> {
  push({ kind: 'users', users: await usersIn(cmd, prefix) });
  const [accounts, channels] = await Promise.all([cmd.hgetall(`${prefix}accounts`), cmd.smembers(`${prefix}channels`)]);
  for (const [user, hash] of Object.entries(accounts)) push({ kind: 'account', user, hash });
  for (const channel of channels) push({ kind: 'channel', channel });
}
