// A child process whose stdout lines can be awaited, whose output tail is kept for error messages,
// and which is always stopped: SIGTERM, then SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';

const TAIL_CHARS = 4_000;
const KEPT_LINES = 1_000;

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export interface Exit { readonly code: number | null; readonly signal: NodeJS.Signals | null }

export class Child {
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private tail = '';
  private partial = '';
  private readonly lines: string[] = [];
  private wake: (() => void) | undefined;

  private constructor(private readonly child: ChildProcess, readonly label: string) {
    this.exited = new Promise((done) => child.once('exit', (code, signal) => { this.exit = { code, signal }; this.wake?.(); done(this.exit); }));
    child.once('error', (error) => { this.tail += `\n${error.message}`; });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.receive(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => this.remember(chunk));
    child.stdin!.on('error', () => {}); // the child may exit before it reads its input
  }

  static start(label: string, command: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Child {
    const [program, ...args] = command;
    return new Child(spawn(program, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] }), label);
  }

  get pid(): number { return this.child.pid!; }
  get running(): boolean { return this.exit === undefined; }

  /** The last few thousand characters it printed, for error messages. */
  output(): string { return this.tail.trim() || '(nothing)'; }

  write(text: string): void { if (this.running) this.child.stdin!.write(text); }
  endInput(): void { this.child.stdin!.end(); }

  /** The first stdout line (from those not yet taken) that passes `test`; rejects on exit or after `limitMs`. */
  async waitForLine(test: (line: string) => boolean, limitMs: number, what: string): Promise<string> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      while (this.lines.length) {
        const line = this.lines.shift()!;
        if (test(line)) return line;
      }
      if (this.exit) throw new Error(`${this.label} exited (${this.exit.signal ?? `code ${this.exit.code}`}) before ${what}; its last output:\n${this.output()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: no ${what} within ${limitMs / 1000} s; its last output:\n${this.output()}`);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, left);
        this.wake = () => { clearTimeout(timer); done(); };
      });
      this.wake = undefined;
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 8_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const inTime = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!inTime) {
      this.child.kill('SIGKILL');
      await Promise.race([this.exited, sleep(2_000)]);
    }
  }

  kill(): void { if (this.running) this.child.kill('SIGKILL'); }

  private receive(chunk: string): void {
    this.remember(chunk);
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop()!;
    this.lines.push(...parts);
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
    this.wake?.();
  }

  private remember(chunk: string): void {
    this.tail = (this.tail + chunk).slice(-TAIL_CHARS);
  }
}
