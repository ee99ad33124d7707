// server.log (pino JSON lines) and its human-readable echo on the console.
import { pino, type Logger } from 'pino';
import type { LogEvent } from '../../src/core/types.js';
import { escapeFields } from '../../src/log/escape.js';
import { formatRecord, LEVEL_VALUES } from '../../src/log/format.js';
import { ConsoleEcho } from './console.js';
import { prepareFile, PRIVATE_FILE } from './paths.js';

/** How long stopping waits for the console to catch up before it gives up on the rest. */
const CONSOLE_DRAIN_MS = 1000;

export interface ServerLog {
  readonly log: (event: LogEvent) => void;
  /** A plain line on stdout, e.g. `Server is on`; never dropped. */
  readonly say: (line: string) => void;
  /** Opens the file again by its name (after logrotate moved it away); resolves once the new file is open. */
  readonly reopen: () => Promise<void>;
  /** Writes out the file and the console (the console for at most a second); later records are flushed at once. */
  readonly close: () => Promise<void>;
}

export interface LogOptions {
  readonly level: string;
  /** Bytes the console may fall behind before it skips info lines. */
  readonly consoleBuffer: number;
  /** Echo records on stdout (off for tests that only want the file). */
  readonly echo?: boolean;
  /** Fields every record carries (a cluster node's name, when several nodes share one server.log). */
  readonly fields?: Record<string, unknown>;
}

/** Opens server.log; rejects with a reason a person reads when the file cannot be written. */
export async function openServerLog(file: string, { level, consoleBuffer, echo = true, fields }: LogOptions): Promise<ServerLog> {
  await prepareFile(file);
  const fileOut = pino.destination({ dest: file, sync: false, mode: PRIVATE_FILE });
  await new Promise<void>((resolve, reject) => {
    fileOut.once('ready', resolve);
    fileOut.once('error', reject);
  });
  const screen = new ConsoleEcho(pino.destination({ dest: 1, sync: false }), consoleBuffer);
  // a write that fails later (disk full, file system gone) is said once on the console; the server goes on
  let fileFailed = false;
  fileOut.on('error', (error: Error) => {
    if (fileFailed) return;
    fileFailed = true;
    screen.major(`writing ${file} failed: ${error.message} — the console still shows warnings and errors`);
  });
  const logger: Logger = pino({ level, base: fields, timestamp: pino.stdTimeFunctions.isoTime }, fileOut);
  const threshold = LEVEL_VALUES[level] ?? LEVEL_VALUES.info;
  // a worker's console lines say which worker (`[n2]`), as its records in the file do
  const label = typeof fields?.label === 'string' ? fields.label : undefined;
  // after close() a late record (a connection that closes while the server stops) is flushed at once:
  // the process may exit before an asynchronous write would land
  let closed = false;
  const flush = () => {
    try { fileOut.flushSync(); } catch { /* nothing left to flush */ }
    screen.flush();
  };
  return {
    log(event) {
      const value = LEVEL_VALUES[event.level];
      // below the level nothing is written anywhere: skip the copy of every message's fields
      if (value < threshold) return;
      // what a client wrote reaches the file and the console escaped (docs/security.md, "What reaches the logs")
      const { level: eventLevel, msg, ...fields } = escapeFields(event);
      logger[eventLevel](fields, msg);
      if (echo) {
        const line = formatRecord({ time: new Date().toISOString(), level: value, msg, label });
        if (value >= LEVEL_VALUES.warn) screen.major(line);
        else screen.minor(line);
      }
      if (closed) flush();
    },
    say: (line) => screen.major(line),
    reopen: () => new Promise<void>((resolve) => {
      // a file that cannot be opened again is said once (the error handler above); the server goes on
      fileOut.once('ready', resolve);
      fileOut.once('error', () => resolve());
      fileFailed = false;
      fileOut.reopen();
    }),
    async close() {
      closed = true;
      try { fileOut.flushSync(); } catch { /* nothing left to flush */ }
      await screen.drained(CONSOLE_DRAIN_MS);
    },
  };
}
