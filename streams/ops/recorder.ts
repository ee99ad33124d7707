// --record FILE: writes the traffic of the running server in the recording format, read where lines are
// read and written, so a session can be replayed as a regression test. Passwords become placeholders.
import { createWriteStream } from 'node:fs';
import type { Command, ConnId } from '../../src/core/types.js';
import { PRIVATE_FILE } from './paths.js';
import { expectedLine, FreshNames, Placeholders, sentLine, withoutPasswords } from '../../src/recording/write.js';

export interface Recorder {
  /** A command a socket caused: it opened, sent a line, finished sending, closed. */
  command(command: Command): void;
  /** A line the server writes to a connection. */
  wrote(conn: ConnId, line: string): void;
  /** The server closes a connection. */
  closing(conn: ConnId): void;
  /** Stops recording (before the server closes everything on shutdown) and writes out the file. */
  close(): Promise<void>;
}

/** Addresses a replay connects from anyway; any other is written after `~` (a federation peer's, say). */
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function openRecorder(file: string, header: readonly string[], maxLineLength: number): Recorder {
  const out = createWriteStream(file, { flags: 'w', mode: PRIVATE_FILE });
  out.on('error', () => { stopped = true; }); // a full disk ends the recording, not the server
  const placeholders = new Placeholders();
  // names made in the session become fresh names, so the file replays against this same server too
  const fresh = new FreshNames();
  /** Connections recorded from their start, and whether their end was written yet. */
  const open = new Map<ConnId, { ended: boolean; closedByServer: boolean }>();
  let stopped = false;
  const put = (line: string) => { if (!stopped) out.write(line + '\n'); };
  for (const line of header) put(line);
  const sent = (conn: ConnId, line: string) => {
    const text = withoutPasswords(line, placeholders);
    fresh.learn(text);
    put(sentLine(conn, fresh.mark(text)));
  };

  return {
    command(command) {
      if (stopped) return;
      if (command.kind === 'connected') {
        if (command.dialled) return; // a link this server dials cannot be replayed: the replay can only connect to it
        open.set(command.conn, { ended: false, closedByServer: false });
        const from = LOOPBACK.has(command.remote.address) ? '' : ` ${command.remote.address}`;
        put(`${command.conn} ~${from}`);
        return;
      }
      const conn = 'conn' in command ? open.get(command.conn) : undefined;
      if (!conn) return;
      switch (command.kind) {
        case 'line':
          sent(command.conn, command.text);
          break;
        case 'lines':
          for (const text of command.texts) sent(command.conn, text);
          break;
        case 'tooLong': put(sentLine(command.conn, 'x'.repeat(maxLineLength + 1))); break;
        case 'inputEnded':
          conn.ended = true;
          put(`${command.conn} !`);
          break;
        case 'closed':
          // the client went without a word: the nearest a recording says is that it closed its end
          if (!conn.ended) put(`${command.conn} !`);
          open.delete(command.conn);
          break;
        default:
      }
    },
    wrote(conn, line) {
      if (!stopped && open.has(conn)) put(expectedLine(conn, fresh.mark(line)));
    },
    closing(conn) {
      const recorded = open.get(conn);
      if (stopped || !recorded || recorded.closedByServer) return;
      put(`${conn} <!`);
      recorded.ended = true;
      recorded.closedByServer = true;
    },
    close() {
      stopped = true;
      return new Promise<void>((resolve) => out.end(resolve));
    },
  };
}
