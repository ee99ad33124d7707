// An in-process server for replays: the real pipeline, the real store in a temp file, in-memory sockets.
import { Duplex } from 'node:stream';
import { Subject } from 'rxjs';
import type { ListenerMode } from '../../../src/core/types.js';
import { DEFAULT_LIMITS, type Limits } from '../../../src/config/limits.js';
import { composeServer } from '../../compose.js';
import { Drivers } from '../../drivers.js';
import { hasherDriver, storeDriver } from '../../services/effects.js';
import { openHasher, type Hasher } from '../../services/hasher.js';
import type { Connection } from '../../pipeline.js';
import { openStore, type Store } from '../../services/store.js';
import { LineQueue, type ReplayConnection, type Transport } from './transport.js';
import type { LogEvent } from '../../../src/core/types.js';
import type { Federation } from '../../../src/server-step.js';

type WriteCallback = (error: Error | null | undefined) => void;

/** One end of an in-memory socket pair; what one end writes, the other reads. */
class MemorySocket extends Duplex {
  peer!: MemorySocket;
  failWrites = false;
  /** A socket whose write() throws outright, as a misbehaving stream might. */
  throwOnWrite = false;

  /** The server's end stays half-open like the real listener; the client's closes once the server's does, like a net client. */
  constructor(allowHalfOpen: boolean) {
    super({ allowHalfOpen });
  }

  override _read(): void {}

  override write(chunk: unknown, callback?: WriteCallback): boolean;
  override write(chunk: unknown, encoding: BufferEncoding, callback?: WriteCallback): boolean;
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (this.throwOnWrite) throw new Error('this socket throws on write');
    return typeof encoding === 'function' ? super.write(chunk, encoding) : super.write(chunk, encoding ?? 'utf8', callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.failWrites) return done(new Error('EPIPE: the socket is broken'));
    this.peer.push(chunk);
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.peer.push(null);
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (!this.peer.destroyed) this.peer.push(null);
    done(error);
  }
}

export interface MemoryServerOptions {
  readonly dbFile: string;
  readonly protocol?: ListenerMode;
  readonly maxUsers?: number;
  readonly maxLineLength?: number;
  readonly quotas?: Partial<Pick<typeof DEFAULT_LIMITS, 'maxChannelsPerUser' | 'maxChannels' | 'registerPerHour'>>;
  readonly bcryptCost?: number;
  /** Limits other than the defaults (a short login timeout, say). */
  readonly limits?: Partial<Limits>;
  readonly log?: (event: LogEvent) => void;
  /** Where passwords are hashed (default: the bcrypt worker pool at `bcryptCost`). */
  readonly hasher?: Hasher;
  /** This server among federation peers (links come in as connections from the peers' addresses; none are dialled). */
  readonly federation?: Federation;
}

export async function memoryTransport(options: MemoryServerOptions): Promise<Transport> {
  const store: Store = await openStore(options.dbFile);
  const hasher = options.hasher ?? openHasher({ cost: options.bcryptCost ?? 4, perAddress: DEFAULT_LIMITS.hashQueuePerAddress, maxWaitMs: DEFAULT_LIMITS.hashMaxWaitMs });
  const connection$ = new Subject<Connection>();
  const drivers = new Drivers();
  await drivers.acquire(storeDriver(store));
  await drivers.acquire(hasherDriver(hasher));
  const pipeline = await drivers.acquire(composeServer({
    store,
    log: options.log ?? (() => {}),
    maxUsers: options.maxUsers ?? 16,
    ...(options.federation ? { federation: options.federation } : {}),
    limits: { ...DEFAULT_LIMITS, ...options.limits, ...(options.maxLineLength ? { maxLineLength: options.maxLineLength } : {}), ...options.quotas },
  }));
  await drivers.acquire({ name: 'memory sockets', connection$, close: async () => connection$.complete() });
  pipeline.run(drivers.all);
  let port = 40000;
  return {
    async open(_name: string, from = '127.0.0.1'): Promise<ReplayConnection> {
      const client = new MemorySocket(false);
      const server = new MemorySocket(true);
      client.peer = server;
      server.peer = client;
      const lines = new LineQueue();
      client.setEncoding('utf8');
      client.on('data', (chunk: string) => lines.push(chunk));
      client.on('end', () => lines.end());
      client.on('close', () => lines.end());
      connection$.next({ socket: server, remote: { address: from, port: ++port }, listener: options.protocol ?? 'auto' });
      return {
        write: (bytes) => { client.write(bytes); },
        end: () => { client.end(); },
        next: (ms) => lines.next(ms),
        closed: (ms) => lines.closed(ms),
        unread: () => lines.unread(),
        breakWrites: () => { server.failWrites = true; },
        throwOnWrite: () => { server.throwOnWrite = true; },
      };
    },
    async settle() {
      // a few turns of the event loop let queued writes and effect results land; effects are awaited
      for (let turn = 0; turn < 50; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        if (pipeline.pending() === 0 && turn >= 3) return;
      }
    },
    stop: () => drivers.release(),
  };
}
