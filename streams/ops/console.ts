// The console: server.log's records as lines a person reads, and plain lines like `Server is on`. A console
// that cannot keep up never stalls the server: past `limit` bytes waiting to be written, info and debug lines
// are dropped and counted (server.log has them all); warnings and errors are always written, and the count
// is said as soon as the console catches up.
import type { pino } from 'pino';
import { escapeControls } from '../../src/log/escape.js';

/** What pino.destination gives: a SonicBoom writer. */
type Destination = ReturnType<typeof pino.destination>;

export class ConsoleEcho {
  /** Bytes handed to stdout and not yet written. */
  private waiting = 0;
  private dropped = 0;
  private broken = false;

  constructor(private readonly out: Destination, private readonly limit: number) {
    out.on('write', (bytes: number) => { this.waiting -= bytes; });
    // stdout closed (EPIPE) or gone: the console goes quiet, the server goes on
    out.on('error', () => { this.broken = true; });
  }

  /** A line that may be dropped when the console is behind (info and below). */
  minor(line: string): void {
    if (this.waiting > this.limit) {
      this.dropped++;
      return;
    }
    this.write(line);
  }

  /** A line that is always written (warnings, errors, `Server is on`). */
  major(line: string): void {
    this.write(line);
  }

  /** Says how many lines were dropped, if any still wait to be said, and writes out what is buffered. */
  flush(): void {
    this.sayDropped();
    if (this.broken || this.waiting <= 0) return;
    try { this.out.flushSync(); } catch { /* stdout is gone, or not open yet */ }
  }

  /**
   * Says how many lines were dropped and resolves once everything handed over is written, or after
   * `withinMs` (a console nobody reads must not hold the server up). A synchronous flush alone would race
   * with a write still under way, which the process would lose on exit.
   */
  drained(withinMs: number): Promise<void> {
    this.sayDropped();
    if (this.broken || this.waiting <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.out.off('write', check);
        this.out.off('error', done);
        resolve();
      };
      const check = () => { if (this.waiting <= 0) done(); };
      const timer = setTimeout(done, withinMs);
      this.out.on('write', check);
      this.out.once('error', done);
    });
  }

  private write(line: string): void {
    if (this.broken) return;
    if (this.waiting <= this.limit) this.sayDropped();
    this.put(line);
  }

  private sayDropped(): void {
    if (this.dropped === 0 || this.broken) return;
    const count = this.dropped;
    this.dropped = 0;
    this.put(`(the console fell behind and skipped ${count} info line${count === 1 ? '' : 's'}; server.log has every line)`);
  }

  private put(line: string): void {
    // log records come escaped already; this keeps any other line from writing a control to the terminal
    const text = escapeControls(line) + '\n';
    this.waiting += Buffer.byteLength(text);
    this.out.write(text);
  }
}
