// --pid-file: this process's id in a file while it runs, so `kill -HUP "$(cat FILE)"` (logrotate) names one
// process even when several servers run on the machine. Removed again when the server stops.
import { rmSync, writeFileSync } from 'node:fs';
import { StartupError } from './startup-error.js';

export function writePidFile(file: string): void {
  try {
    writeFileSync(file, `${process.pid}\n`);
  } catch (error) {
    throw new StartupError(`cannot write the pid file ${file}: ${(error as Error).message} — pass --pid-file or set CHAT_PID_FILE`);
  }
  process.once('exit', () => rmSync(file, { force: true }));
}
