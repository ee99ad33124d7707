// server.log (pino JSON lines) and the human-readable echo of it on stdout.
import { pino, type Logger } from 'pino';
import type { LogEvent } from '../src/core/types.js';
import { formatRecord, LEVEL_VALUES } from '../src/log/format.js';

/** Console output is dropped past this many buffered bytes rather than stalling the server on a full pipe. */
const STDOUT_BUFFER_LIMIT = 1024 * 1024;

export interface ServerLog {
  readonly log: (event: LogEvent) => void;
  /** A plain line on stdout, e.g. `Server is on`. */
  readonly say: (line: string) => void;
  readonly close: () => void;
}


export function openServerLog(file: string, level: string, echo = true): ServerLog {
  const fileOut = pino.destination({ dest: file, sync: false, mkdir: true });
  const stdout = pino.destination({ dest: 1, sync: false, maxLength: STDOUT_BUFFER_LIMIT });
  const logger: Logger = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, fileOut);
  const threshold = LEVEL_VALUES[level] ?? 30;
  return {
    log(event) {
      const { level: eventLevel, msg, ...fields } = event;
      logger[eventLevel](fields, msg);
      if (echo && LEVEL_VALUES[eventLevel] >= threshold) {
        stdout.write(formatRecord({ time: new Date().toISOString(), level: LEVEL_VALUES[eventLevel], msg }) + '\n');
      }
    },
    say(line) {
      stdout.write(line + '\n');
    },
    close() {
      for (const out of [fileOut, stdout]) {
        try { out.flushSync(); } catch { /* nothing left to flush, or stdout is gone */ }
      }
    },
  };
}
