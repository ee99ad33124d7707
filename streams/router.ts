// The router: resolves each outbound message's audience (against the state it was sent in), has each
// recipient's dialect encode it once, and hands the lines to the socket sink. A federation link is a
// connection like any other (its audience is `peer`); a cluster backplane would plug in here, beside the sink.
import { forEachDelivery } from '../src/core/audience.js';
import type { Sent } from '../src/core/build.js';
import type { Registry } from '../src/core/dialect.js';
import type { ConnId, DialectName, LogEvent } from '../src/core/types.js';
import type { SocketSink } from './sink.js';

export interface RouterOptions {
  readonly registry: Registry;
  readonly sink: SocketSink;
  readonly log: (event: LogEvent) => void;
  /** Reports whether an acknowledged message reached its recipient's socket. */
  readonly ack: (conn: ConnId, ok: boolean) => void;
  /** Unread bytes a connection of this dialect may hold before it is dropped as a slow reader. */
  readonly maxSendQueue: (dialect: DialectName) => number;
}

export function createRouter({ registry, sink, log, ack, maxSendQueue }: RouterOptions): (sent: Sent) => void {
  return (sent) => {
    const done = sent.ack === undefined ? undefined : (ok: boolean) => ack(sent.ack!, ok);
    const count = forEachDelivery(registry, sent, (conn, line, dialect) => {
      try {
        sink.write(conn, line, done, maxSendQueue(dialect));
      } catch (error) {
        // a socket that throws costs its own connection, nobody else's
        log({ level: 'error', event: 'writeFailed', msg: `writing to ${conn} failed, closing it: ${String(error)}`, conn, stack: (error as Error).stack });
        sink.destroy(conn);
        done?.(false);
      }
    });
    if (count === 0) done?.(false);
  };
}
