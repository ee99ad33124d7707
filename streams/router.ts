// The router: resolves each outbound message's audience (against the state it was sent in), has each
// recipient's dialect encode it once, and hands the lines to the socket sink. A federation link is a
// connection like any other (its audience is `peer`). In a cluster, the backplane sends messages on to the
// users of other nodes from here, beside the sink.
import { forEachDelivery } from '../src/core/audience.js';
import type { Sent } from '../src/core/steps.js';
import type { Registry } from '../src/core/dialect.js';
import type { ConnId } from '../src/core/types.js';
import type { Relay, TrafficTap } from './drivers.js';
import type { SocketSink } from './net/sink.js';
import type { ServerStats } from './ops/stats.js';

export interface RouterOptions {
  readonly registry: Registry;
  readonly sink: SocketSink;
  /** Reports whether an acknowledged message reached its recipient's socket. */
  readonly ack: (conn: ConnId, ok: boolean) => void;
  /** Learns each line handed to a connection (the --record recorder). */
  readonly tap?: Pick<TrafficTap, 'wrote'>;
  readonly stats?: ServerStats;
  /** The cluster backplane: sends a message on to other nodes' users, and tells them whether theirs were written here. */
  readonly relay?: Relay;
}

export function createRouter({ registry, sink, ack, tap, stats, relay }: RouterOptions): (sent: Sent) => void {
  return (sent) => {
    const done = sent.ack !== undefined ? (ok: boolean) => ack(sent.ack!, ok)
      : sent.remoteAck && relay ? (ok: boolean) => relay.acked(sent.remoteAck!, ok) : undefined;
    // each distinct line becomes bytes once, however many sockets it goes to
    let lastLine: string | undefined;
    let lastBytes: Buffer | undefined;
    const count = forEachDelivery(registry, sent, (conn, line, dialect) => {
      if (line !== lastLine) {
        lastLine = line;
        lastBytes = Buffer.from(`${line}\n`);
      }
      // the sink asks the connection's cap (as of this state) once a flush, not once a line
      sink.write(conn, lastBytes!, done, sent.state);
      tap?.wrote(conn, line);
    });
    // a message another node forwarded here is never forwarded again
    const forwarded = relay && !sent.here ? relay.forward(sent) : undefined;
    if (count === 0 && done) {
      if (forwarded) void forwarded.then(done);
      else done(false);
    }
    if (stats) {
      stats.linesOut += count;
      if (sent.msg.kind !== 'reply') stats.deliveries += count;
    }
  };
}
