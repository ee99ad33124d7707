// Counts the edges keep as traffic passes (plain numbers, nothing on the hot path but an addition); the
// metrics endpoint reads them when it is scraped.
import type { ConnId } from '../../src/core/types.js';

/** Why a connection ended, as the metrics tell it. */
export type DisconnectReason = 'client_closed' | 'connection_error' | 'server_closed' | 'slow_reader' | 'broken_socket' | 'connection_limit';

export class ServerStats {
  linesIn = 0;
  linesOut = 0;
  /** Messages handed to someone other than the sender as a reply: broadcasts, whispers, channel lines, presence. */
  deliveries = 0;
  /** Messages Redis brought this cluster node: other nodes' events and forwarded messages (and its own events, on the bus). */
  clusterMessagesIn = 0;
  /** Messages (SEND, BROADCAST, SAY) this cluster node forwarded to others, one per node it went to. */
  clusterForwardedOut = 0;
  /** Connections dropped because they left more than the send-queue limit unread. */
  sendQueueDrops = 0;
  /** Lines the rate limit (CHAT_RATE_LIMIT) made wait for their turn. */
  rateLimitDelays = 0;
  readonly disconnects = new Map<DisconnectReason, number>();
  /** Why a connection is ending, until its close arrives. */
  private readonly closing = new Map<ConnId, DisconnectReason>();

  /** The client finished sending: whatever the server does next, the client ended it. */
  clientEnds(conn: ConnId): void {
    this.serverCloses(conn, 'client_closed');
  }

  /** The server starts closing `conn` for `reason` (the first reason given counts). */
  serverCloses(conn: ConnId, reason: DisconnectReason): void {
    if (!this.closing.has(conn)) this.closing.set(conn, reason);
  }

  /** A connection closed; the socket said whether cleanly (`ended`) or not. */
  closed(conn: ConnId, cause: 'ended' | 'error'): void {
    const reason = this.closing.get(conn) ?? (cause === 'ended' ? 'client_closed' : 'connection_error');
    this.closing.delete(conn);
    this.disconnected(reason);
  }

  disconnected(reason: DisconnectReason): void {
    this.disconnects.set(reason, (this.disconnects.get(reason) ?? 0) + 1);
  }
}
