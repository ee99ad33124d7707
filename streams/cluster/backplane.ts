// The cluster backplane: Redis (ioredis) between the nodes of one logical server. It claims and releases
// names atomically, keeps this node's lease, reaps nodes whose lease ran out, forwards messages for users on
// other nodes, and turns what the other nodes publish into events for the core. The decisions stay in the core.
import { BehaviorSubject, Observable, Subject } from 'rxjs';
import type { Sent } from '../../src/core/steps.js';
import { forwardTarget } from '../../src/core/cluster.js';
import type { Capability, ClaimOutcome, ClusterEvent, RemoteAck, RemoteUser, LogEvent } from '../../src/core/types.js';
import type { Store } from '../services/store.js';
import { AckWaits } from './acks.js';
import { batchingPublisher } from './publisher.js';
import { connect, scriptRunner, shownUrl, type ScriptRunner } from './redis.js';
import { redisStore } from './store.js';
import { decodeMessage, decodeUser, deliverPrefix, encodeAcked, encodeCan, encodeDeliver, splitBatch } from './wire.js';

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
}

/** A user this node holds, to claim again after its lease lapsed. */
export interface HeldUser {
  readonly user: string;
  readonly seq: number;
  readonly can: Iterable<Capability>;
}

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
  /** What the other nodes publish, from the moment the backplane opened (held until the first subscriber). */
  readonly event$: Observable<ClusterEvent>;
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

export async function openBackplane({ url, node, leaseMs, maxUsers, log, prefix = prefixOf(url), ackTimeoutMs }: BackplaneOptions): Promise<Backplane> {
  const cmd = await connect(url, 'commands', log);
  const sub = await connect(url, 'events', log).catch((error: unknown) => { cmd.disconnect(); throw error; });
  const runScript = scriptRunner(cmd, prefix);
  // scripts publish too: what this node published before a script call goes out before it
  const run: ScriptRunner = (script, ...args) => {
    publisher.flush();
    return runScript(script, ...args);
  };

  const incoming = new Subject<ClusterEvent>();
  let held: (() => Iterable<HeldUser>) | undefined;
  let buffer: ClusterEvent[] | undefined = [];
  const push = (event: ClusterEvent) => (buffer ? buffer.push(event) : incoming.next(event));

  /** Claims again the names of this node's users, after the others dropped them (its lease lapsed). */
  const reassert = async (why: string, level: 'info' | 'warn' = 'warn') => {
    const users = [...(held?.() ?? [])];
    const args = users.flatMap(({ user, seq, can }) => [user, seq, encodeCan(can)]);
    const lost = (await run('chatReassert', node, ...args)) as string[];
    for (const user of lost) push({ type: 'nameTaken', user });
    // the other node's claim of such a name reached this one while it still held the name, and was passed over as
    // stale: once this node's user of it is gone (nameTaken, just before), list the holder as Redis has it
    if (lost.length) push({ type: 'users', users: await usersNow() });
    log({ level: lost.length ? 'warn' : level, event: 'namesClaimedAgain', msg: `${why}: claimed this node's ${users.length} name(s) again${lost.length ? `; ${lost.length} taken meanwhile by other nodes: ${lost.join(', ')}` : ''}`, lost });
  };

  // names to give back once Redis answers again: a release it never got, or a claim whose answer was lost
  // (Redis may have granted it, yet the user was refused here)
  const owed = new Set<string>();
  const release = (user: string, how: 'quit' | 'lost') => {
    owed.delete(user);
    void run('chatRelease', node, user, how).catch((error: unknown) => {
      owed.add(user);
      failed(`releasing ${user} (retried once the backplane answers)`)(error);
    });
  };
  const settle = () => {
    const holding = new Set([...(held?.() ?? [])].map(({ user }) => user));
    for (const user of [...owed]) if (!holding.has(user)) release(user, 'lost');
    // and the other way round (a rename whose answer was lost): every name this node holds is in Redis again
    void reassert('the backplane is back', 'info').catch(failed('claiming names again'));
  };

  /** The users of other nodes as Redis holds them, to heal whatever this node missed while the backplane was away. */
  const resync = async () => {
    push({ type: 'users', users: await usersNow() });
    const [accounts, channels] = await Promise.all([cmd.hgetall(`${prefix}accounts`), cmd.smembers(`${prefix}channels`)]);
    for (const [user, hash] of Object.entries(accounts)) push({ type: 'account', user, hash });
    for (const channel of channels) push({ type: 'channel', channel });
  };

  const usersNow = async (): Promise<Array<[string, RemoteUser]>> => {
    const all = await cmd.hgetall(`${prefix}users`);
    const users: Array<[string, RemoteUser]> = [];
    for (const [name, text] of Object.entries(all)) {
      const user = decodeUser(text);
      if (user) users.push([name, user]);
    }
    return users;
  };

  // after the backplane was away, every node's lease may have lapsed: give the others a lease's time to renew
  // theirs before this node reaps anyone, or a Redis restart would look like every other node dying
  let backSince = Date.now();
  cmd.on('ready', () => {
    backSince = Date.now();
    settle();
  });
  const mayReap = () => (Date.now() - backSince >= leaseMs ? 1 : 0);
  const dialler$ = new BehaviorSubject(false);
  const renew = async () => {
    const live = await run('chatRenew', node, leaseMs);
    if (live === 0 && held) await reassert("this node's lease had lapsed");
    if (mayReap()) await run('chatReap', node);
    const dials = (await run('chatDialler', node, leaseMs)) === 1;
    if (dials !== dialler$.value) dialler$.next(dials);
  };
  const failed = (what: string) => (error: unknown) => log({ level: 'warn', event: 'backplaneFailed', msg: `${what} failed: ${String(error)}` });

  const publisher = batchingPublisher(cmd, prefix, failed('forwarding a message'));
  const { publish } = publisher;

  const acks = new AckWaits(ackTimeoutMs);

  // the bus brings back what this node published itself: its messages are told apart unread
  const own = deliverPrefix(node);
  const receive = (text: string) => {
    if (text.startsWith(own)) return;
    const message = decodeMessage(text);
    if (!message) return log({ level: 'warn', event: 'backplaneBadMessage', msg: `a message on the backplane is not one of ours: ${text.slice(0, 100)}` });
    if ('acked' in message) return acks.settle(message.acked.id, message.acked.ok);
    const { origin, event } = message;
    // this node applied its own events already, but not a reaping it did itself; if it was reaped, it claims its names back
    if (event.type === 'nodeGone' && event.node === node) return void reassert('another node reaped this one').catch(failed('claiming names again'));
    if (origin !== node || event.type === 'nodeGone') push(event);
  };
  sub.on('message', (_channel: string, text: string) => { for (const line of splitBatch(text)) receive(line); });
  let subscribed = false;
  sub.on('ready', () => {
    // ioredis subscribes again by itself after a reconnection; what was published meanwhile was missed
    if (subscribed) void resync().catch(failed('resynchronising'));
  });
  await sub.subscribe(`${prefix}bus`, `${prefix}to:${node}`);
  subscribed = true;
  await renew();
  await publish('bus', JSON.stringify({ type: 'nodeJoined', node, origin: node }));
  const heartbeat = setInterval(() => void renew().catch(failed('renewing the lease')), Math.max(100, Math.floor(leaseMs / 3)));
  heartbeat.unref();
  log({ level: 'info', event: 'clusterJoined', msg: `joined the cluster at ${shownUrl(url)} as node ${node} (lease ${leaseMs} ms)`, url: shownUrl(url) });

  return {
    node,
    store: redisStore(cmd, run, prefix, node, shownUrl(url)),
    users: usersNow,
    async claim(user, can, from) {
      const capabilities = encodeCan(can);
      const answer = await run('chatClaim', node, user, from ?? '', capabilities, maxUsers, mayReap()).catch((error: unknown) => {
        owed.add(user);
        // Redis may yet run the claim without any reconnection (it stalled past the command timeout): undo it right
        // behind it, in order on the same connection, rather than only once Redis is back (settle). A login's name is
        // given back (an undo that fails stays owed); a rename is renamed back. A claim that never ran: no change.
        if (from === undefined) release(user, 'lost');
        else void run('chatClaim', node, from, user, capabilities, maxUsers, 0).catch(failed(`renaming ${user} back to ${from}`));
        throw error;
      });
      const [outcome, seq] = answer as [ClaimOutcome, number?];
      return seq === undefined ? { outcome } : { outcome, seq };
    },
    release,
    announce(event, to) {
      void publish(to === undefined ? 'bus' : `to:${to}`, JSON.stringify({ ...event, origin: node }));
    },
    acked(to, ok) {
      void publish(`to:${to.node}`, encodeAcked(node, to.id, ok));
    },
    forward(sent) {
      const target = forwardTarget(sent);
      if (!target) return undefined;
      const channel = target.node === 'all' ? 'bus' : `to:${target.node}`;
      // a direct SEND's SEND-OK waits until the DELIVERY was written, on whichever node
      return sent.ack === undefined
        ? publish(channel, encodeDeliver(node, target.to, sent.msg))
        : acks.wait((id) => publish(channel, encodeDeliver(node, target.to, sent.msg, { node, id })));
    },
    event$: new Observable<ClusterEvent>((subscriber) => {
      const subscription = incoming.subscribe(subscriber);
      const held = buffer ?? [];
      buffer = undefined;
      for (const event of held) subscriber.next(event);
      return subscription;
    }),
    dialler$: dialler$.asObservable(),
    holding(users) {
      held = users;
    },
    async close() {
      publisher.flush();
      clearInterval(heartbeat);
      acks.close();
      dialler$.complete();
      sub.disconnect();
      if (dialler$.value) await cmd.del(`${prefix}dialler`).catch(() => {});
      // leave at once rather than after the lease: the others drop this node's users now
      await cmd.del(`${prefix}lease:${node}`).then(() => run('chatReap', node)).catch(() => {});
      await cmd.quit().catch(() => cmd.disconnect());
      incoming.complete();
    },
  };
}
