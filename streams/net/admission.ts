// Admission at accept, one place for every listener (plain, TLS, web): each socket counts against
// CHAT_MAX_CONNECTIONS and CHAT_MAX_PER_ADDRESS from the moment it is accepted, before a TLS handshake or an
// HTTP request, until it closes. Sockets nobody has logged in on hold at most CHAT_PRE_LOGIN_SHARE of the
// places; past it the oldest of them is closed for the newcomer (src/core/admission.ts decides).
import type { Server, Socket } from 'node:net';
import type { Limits } from '../../src/config/limits.js';
import { admissionOf, loggedIn, preLoginLimit, type AdmissionLimits } from '../../src/core/admission.js';
import type { State } from '../../src/core/state.js';
import type { ConnId, LogEvent } from '../../src/core/types.js';
import type { ServerStats } from '../ops/stats.js';
import { Summary } from '../ops/summary.js';

/** What the pipeline tells the admission about an admitted socket: the connection it became. */
export interface Admitted {
  bind(conn: ConnId): void;
}

/** An admitted socket until it closes: one per open connection, so its methods live on the class, not in closures. */
class Entry implements Admitted {
  conn: ConnId | undefined = undefined;
  released = false;

  /** `key`: its four addresses, by which `found` finds it until it is bound. */
  constructor(readonly socket: Socket, readonly address: string, public key: string | undefined, private readonly found: Map<string, Entry>) {}

  /** Once bound, the socket is a connection and is not looked up by its addresses again. */
  bind(conn: ConnId): void {
    this.conn = conn;
    this.unlist();
  }

  unlist(): void {
    if (this.key !== undefined && this.found.get(this.key) === this) this.found.delete(this.key);
    this.key = undefined;
  }
}

export interface AdmissionOptions {
  readonly limits: AdmissionLimits;
  /** Whether someone logged in on this connection (the core's knowledge: `loggedIn` over the latest state). */
  readonly loggedIn: (conn: ConnId) => boolean;
  readonly log: (event: LogEvent) => void;
  /** Learns each socket refused or closed to make room (the metrics). */
  readonly onTurnedAway?: () => void;
}

/** Which accepted socket a later, wrapped one (a TLS socket, a WebSocket's request) is: the same four addresses. */
const keyOf = (socket: Pick<Socket, 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort'>) =>
  `${socket.localAddress}|${socket.localPort}|${socket.remoteAddress}|${socket.remotePort}`;

export class Admission {
  private open = 0;
  private readonly perAddress = new Map<string, number>();
  /** Admitted sockets nobody is known to have logged in on, oldest first. */
  private readonly preLogin = new Set<Entry>();
  private readonly byKey = new Map<string, Entry>();
  private readonly refusals: Summary;
  private readonly evictions: Summary;

  constructor(private readonly options: AdmissionOptions) {
    this.refusals = new Summary(options.log);
    this.evictions = new Summary(options.log);
  }

  /** Counts every socket `server` accepts from now on; `what` names the listener in log lines. */
  guard(server: Server, what: string): void {
    server.on('connection', (socket: Socket) => this.admit(socket, what));
  }

  /** The admitted socket that `socket` (the same one, or one wrapping it) came in as. */
  admitted(socket: Pick<Socket, 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort'>): Admitted | undefined {
    return this.byKey.get(keyOf(socket));
  }

  /** Open sockets counted, for the leak checks. */
  get size(): number {
    return this.open;
  }

  private admit(socket: Socket, what: string): void {
    const address = socket.remoteAddress ?? 'unknown';
    const { limits } = this.options;
    let verdict = admissionOf(this.tally(address), limits);
    if (verdict === 'admitEvictingOldest') {
      this.forgetLoggedIn();
      verdict = admissionOf(this.tally(address), limits);
    }
    if (verdict === 'refusePerAddress' || verdict === 'refuseFull') return this.refuse(socket, address, what, verdict);
    if (verdict === 'admitEvictingOldest') this.evictOldest(what);

    const key = keyOf(socket);
    const entry = new Entry(socket, address, key, this.byKey);
    this.open++;
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    this.preLogin.add(entry);
    this.byKey.set(key, entry);
    // `on`, not `once`: a socket closes once, and once's wrapper costs every idle socket ~200 bytes
    socket.on('close', () => this.release(entry));
  }

  private tally(address: string) {
    return { open: this.open, preLogin: this.preLogin.size, fromAddress: this.perAddress.get(address) ?? 0 };
  }

  /** Takes the sockets someone has logged in on out of the pre-login ones; runs only when their share is full. */
  private forgetLoggedIn(): void {
    for (const entry of this.preLogin) if (entry.conn !== undefined && this.options.loggedIn(entry.conn)) this.preLogin.delete(entry);
  }

  private evictOldest(what: string): void {
    const oldest = this.preLogin.values().next().value as Entry;
    this.release(oldest);
    oldest.socket.destroy();
    this.options.onTurnedAway?.();
    const { maxPreLogin, maxConnections } = this.options.limits;
    this.evictions.note('all',
      () => ({
        level: 'warn', event: 'evicted',
        msg: `closed a connection from ${oldest.address} nobody had logged in on, to make room for a new one on the ${what}: ${maxPreLogin} of ${maxConnections} places may wait for a login (CHAT_PRE_LOGIN_SHARE)`,
        remote: { address: oldest.address }, ...(oldest.conn ? { conn: oldest.conn } : {}),
      }),
      (more) => ({ level: 'warn', event: 'evicted', msg: `closed ${more} more connections nobody had logged in on, to make room, in ${this.evictions.windowSeconds} s (CHAT_PRE_LOGIN_SHARE)`, count: more }));
  }

  private refuse(socket: Socket, address: string, what: string, why: 'refusePerAddress' | 'refuseFull'): void {
    socket.destroy();
    this.options.onTurnedAway?.();
    const { maxPerAddress, maxConnections } = this.options.limits;
    const limit = why === 'refusePerAddress' ? `${maxPerAddress} are open from there (CHAT_MAX_PER_ADDRESS)` : `${maxConnections} are open, all logged in (CHAT_MAX_CONNECTIONS)`;
    this.refusals.note(why === 'refusePerAddress' ? address : 'all',
      () => ({ level: 'warn', event: 'refused', msg: `refused a connection from ${address} on the ${what}: ${limit}`, remote: { address } }),
      (more) => ({
        level: 'warn', event: 'refused', count: more,
        msg: `refused ${more} more connections${why === 'refusePerAddress' ? ` from ${address}` : ''} in ${this.refusals.windowSeconds} s: ${limit}`,
        ...(why === 'refusePerAddress' ? { remote: { address } } : {}),
      }));
  }

  private release(entry: Entry): void {
    if (entry.released) return;
    entry.released = true;
    this.open--;
    const left = (this.perAddress.get(entry.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(entry.address, left);
    else this.perAddress.delete(entry.address);
    this.preLogin.delete(entry);
    entry.unlist();
  }
}

/** The admission of a server with these limits; `state` is the pipeline's latest state (who has logged in). */
export function admissionFor(limits: Limits, state: () => State | undefined, log: (event: LogEvent) => void, stats?: ServerStats): Admission {
  return new Admission({
    limits: { maxConnections: limits.maxConnections, maxPerAddress: limits.maxPerAddress, maxPreLogin: preLoginLimit(limits.maxConnections, limits.preLoginShare) },
    loggedIn: (conn) => {
      const latest = state();
      return latest !== undefined && loggedIn(latest, conn);
    },
    log,
    ...(stats ? { onTurnedAway: () => stats.disconnected('connection_limit') } : {}),
  });
}
