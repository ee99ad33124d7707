// Builds bench/loadgen.c with the system's C compiler and runs it: one process per load, pinned to the
// load core, talking to the runner through its stdout lines ("ready", "measuring", then a JSON result)
// and its stdin ("mark" opens the next measured window, end of input finishes).
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Child } from './child.js';
import type { Pinning } from './machine.js';
import type { Protocol } from './servers.js';

const SOURCE = resolve(import.meta.dirname, '../../../bench/loadgen.c');
const RESULT_MARGIN_MS = 30_000;

export interface LoadOptions {
  readonly protocol: Protocol;
  readonly port: number;
  readonly members: number;
  readonly mode: 'saturate' | 'rate' | 'idle';
  /** Name prefix of the members (unique per run on one server, since accounts persist). */
  readonly prefix: string;
  readonly channel?: string;
  readonly senders?: number;
  /** saturate: messages per sender not yet delivered to every member. */
  readonly inflight?: number;
  /** rate: messages/s in total. */
  readonly rate?: number;
  readonly warmupSeconds?: number;
  /** The measured window; with `control`, the most all windows together may take. */
  readonly seconds: number;
  readonly control?: boolean;
  readonly join?: boolean;
  /** ours only: which of REGISTER and LOGIN the members send. */
  readonly login?: 'register-and-login' | 'login-only' | 'register-only';
  /** Members logging in at once. */
  readonly burst?: number;
  readonly setupSeconds?: number;
}

export interface Window {
  readonly seconds: number;
  readonly sent: number;
  readonly unsent: number;
  readonly deliveries: number;
  readonly lost: number;
  readonly stray: number;
  readonly rejected: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly meanUs: number;
  readonly cpuSeconds: number;
}

export interface LoadResult {
  readonly protocol: Protocol;
  readonly members: number;
  readonly senders: number;
  readonly expectedPerMessage: number;
  readonly setupSeconds: number;
  readonly closedConnections: number;
  readonly phases: Window[];
}

/** Compiles the generator into `dir`; returns the binary's path. */
export function buildLoadgen(dir: string): string {
  const binary = join(dir, 'loadgen');
  execFileSync('cc', ['-O2', '-Wall', '-o', binary, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
  return binary;
}

function argumentsOf(o: LoadOptions): string[] {
  const args = ['--protocol', o.protocol, '--port', String(o.port), '--members', String(o.members), '--mode', o.mode, '--prefix', o.prefix, '--seconds', String(o.seconds)];
  const optional: Array<[string, number | string | undefined]> = [
    ['--channel', o.channel], ['--senders', o.senders], ['--inflight', o.inflight], ['--rate', o.rate],
    ['--warmup', o.warmupSeconds], ['--burst', o.burst], ['--setup-seconds', o.setupSeconds],
  ];
  for (const [flag, value] of optional) if (value !== undefined) args.push(flag, String(value));
  if (o.control) args.push('--control');
  if (o.join === false) args.push('--no-join');
  if (o.login === 'login-only') args.push('--login-only');
  if (o.login === 'register-only') args.push('--register-only');
  return args;
}

export class LoadRun {
  private constructor(private readonly child: Child, private readonly options: LoadOptions) {}

  static start(binary: string, pinning: Pinning, options: LoadOptions): LoadRun {
    return new LoadRun(Child.start(`the load generator (${options.protocol}, ${options.members} members)`, [...pinning.load, binary, ...argumentsOf(options)]), options);
  }

  /** Resolves once every member is logged in (and joined). */
  async ready(): Promise<void> {
    await this.child.waitForLine((line) => line === 'ready', (this.options.setupSeconds ?? 600) * 1000 + RESULT_MARGIN_MS, 'all members logged in');
  }

  async measuring(): Promise<void> {
    await this.child.waitForLine((line) => line === 'measuring', ((this.options.warmupSeconds ?? 1) + 10) * 1000, 'the measured window');
  }

  mark(): void { this.child.write('mark\n'); }
  finish(): void { this.child.endInput(); }

  /** Its report, once the measured windows are over (or finish() ended them). */
  async result(): Promise<LoadResult> {
    const limitMs = ((this.options.warmupSeconds ?? 1) + this.options.seconds) * 1000 + RESULT_MARGIN_MS;
    const line = await this.child.waitForLine((text) => text.startsWith('{'), limitMs, 'its result');
    return JSON.parse(line) as LoadResult;
  }

  /** Stops it whatever state it is in. */
  async stop(): Promise<void> {
    this.finish();
    await this.child.stop(2_000);
  }
}
