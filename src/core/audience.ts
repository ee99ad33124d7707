// Resolving an audience to connections, and a message to each connection's own line. Pure; the router
// in streams/ calls it with the sockets' writer.
import type { Sent } from './steps.js';
import type { Registry } from './dialect.js';
import type { State } from './state.js';
import type { Audience, ConnId, DialectName } from './types.js';

/** Calls `visit` for each connection an audience names (with its dialect), as of `state`. */
export function forEachRecipient(state: State, to: Audience, visit: (conn: ConnId, dialect: DialectName) => void): void {
  switch (to.kind) {
    case 'conn':
    case 'user': {
      const conn = to.kind === 'conn' ? to.conn : state.online.get(to.user);
      const dialect = conn === undefined ? undefined : state.conns.get(conn)?.dialect;
      if (dialect !== undefined) visit(conn!, dialect);
      return;
    }
    case 'channel':
    case 'capable': {
      const members = to.kind === 'channel' ? state.channels.get(to.channel) : state.capable.get(to.capability);
      members?.forEach((conn, dialect) => { if (conn !== to.except) visit(conn, dialect); });
      return;
    }
  }
}

/**
 * Hands each recipient of `sent` its line: encoded once per dialect, skipped where the dialect cannot
 * show it. Returns how many lines were handed out.
 */
export function forEachDelivery(registry: Registry, sent: Sent, write: (conn: ConnId, line: string, dialect: DialectName) => void): number {
  const { state, msg } = sent;
  let count = 0;
  let lastDialect: DialectName | undefined;
  let lastLine: string | undefined;
  const lines = new Map<DialectName, string | undefined>();
  forEachRecipient(state, sent.to, (conn, dialect) => {
    let line: string | undefined;
    if (msg.kind === 'reply') line = msg.line;
    else if (dialect === lastDialect) line = lastLine;
    else {
      if (!lines.has(dialect)) lines.set(dialect, registry.dialects.get(dialect)?.encode(msg));
      line = lines.get(dialect);
      lastDialect = dialect;
      lastLine = line;
    }
    if (line === undefined) return;
    count++;
    write(conn, line, dialect);
  });
  return count;
}
