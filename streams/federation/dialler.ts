// Outgoing federation links: this server dials each peer in its peers file and keeps dialling, with
// capped exponential backoff, whenever the link is down. Each link that opens joins the pipeline's
// connections like an accepted socket; the core greets the peer and decides everything else.
import { connect } from 'node:net';
import { combineLatest, filter, map, merge, Observable, of, retry, switchMap, take, timer } from 'rxjs';
import { usesLinkFrom } from '../../src/dialects/channels/federation/links.js';
import type { State } from '../../src/core/state.js';
import type { HostPort } from '../../src/core/types.js';
import type { Connection } from '../pipeline.js';

/** The first wait before dialling a peer again; it doubles on each failure up to the configured cap. */
const FIRST_RETRY_MS = 500;
/** A link that stayed up this long was healthy: the next failure waits the first delay again. */
const HEALTHY_LINK_MS = 10_000;

export interface LinkOptions {
  /** Our listen address, bound as the local address so a peer knows who dialled. */
  readonly localAddress: string;
  readonly retryMaxMs: number;
  /** The server's state, first as it starts and then after each command, to see which peers linked to us. */
  readonly state$: Observable<State>;
  /** In a cluster, whether this node is the one that dials for all (unset: it is). */
  readonly dials$?: Observable<boolean>;
}

/** Emits the socket once it connects; errors when it closes (or never connects), so retry dials again. */
function dialOnce(peer: HostPort, localAddress: string, wasUp: (ms: number) => void): Observable<Connection> {
  return new Observable<Connection>((subscriber) => {
    const bindable = localAddress !== '0.0.0.0' && localAddress !== '::';
    const socket = connect({ host: peer.address, port: peer.port, ...(bindable ? { localAddress } : {}) });
    let openedAt: number | undefined;
    socket.setNoDelay(true);
    // errors surface as the close that follows
    socket.on('error', () => {});
    socket.once('connect', () => {
      openedAt = Date.now();
      subscriber.next({ socket, remote: { address: peer.address, port: peer.port }, listener: 'channels', dialled: { address: peer.address, port: peer.port } });
    });
    socket.once('close', () => {
      if (openedAt !== undefined) wasUp(Date.now() - openedAt);
      subscriber.error(new Error(`the link to ${peer.address}:${peer.port} closed`));
    });
    return () => socket.destroy();
  });
}

/**
 * Dials `peer` and dials again, after a growing wait, whenever the link is down; but not while the peer's own
 * link to us is the one both ends keep (when both list each other, one link per pair carries traffic, and a
 * link we dialled would only be closed again).
 */
function dialPeer(peer: HostPort, { localAddress, retryMaxMs, state$, dials$ = of(true) }: LinkOptions): Observable<Connection> {
  let failures = 0;
  const wasUp = (ms: number) => { if (ms >= HEALTHY_LINK_MS) failures = 0; };
  // a socket of ours still open when we stand aside is left alone: the peer closes it when its own link wins
  const needed$ = combineLatest([state$, dials$]).pipe(map(([state, dials]) => dials && !usesLinkFrom(state, peer.address)), filter(Boolean), take(1));
  return needed$.pipe(
    switchMap(() => dialOnce(peer, localAddress, wasUp)),
    retry({
      delay: () => {
        const wait = Math.min(retryMaxMs, FIRST_RETRY_MS * 2 ** failures++);
        return needed$.pipe(switchMap(() => timer(wait)));
      },
    }),
  );
}

/** Every outgoing link, for as long as it is subscribed to. */
export function linksTo(peers: readonly HostPort[], options: LinkOptions): Observable<Connection> {
  return merge(...peers.map((peer) => dialPeer(peer, options)));
}
