// Starts each server under test on 127.0.0.1, pinned to its core, each with its own temp dir:
// this one (the built dist/streams/cli/server.js), ngircd, mosquitto, and a bare Node socket reader (the
// memory floor, bare-reader.ts).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Child, sleep } from './child.js';
import { ensureInstalled } from './install.js';
import { cpuSeconds, residentKb, type Pinning } from './machine.js';
import { mosquittoConfig, ngircdConfig } from './peer-configs.js';

const SERVER_ENTRY = resolve(import.meta.dirname, '../../streams/cli/server.js');
const BARE_ENTRY = resolve(import.meta.dirname, 'bare-reader.js');
const PROBE = pathToFileURL(resolve(import.meta.dirname, 'probe.js')).href;
const PROBE_LIMIT_MS = 120_000;
const HOST = '127.0.0.1';
const START_LIMIT_MS = 15_000;
const START_TRIES = 3;

export type ServerKind = 'ours' | 'ngircd' | 'mosquitto' | 'bare';
export type Protocol = 'ours' | 'irc' | 'mqtt' | 'bare';

export const SERVER_KINDS: readonly ServerKind[] = ['ours', 'ngircd', 'mosquitto', 'bare'];
export const PROTOCOL_OF: Readonly<Record<ServerKind, Protocol>> = { ours: 'ours', ngircd: 'irc', mosquitto: 'mqtt', bare: 'bare' };
export const NAME_OF: Readonly<Record<ServerKind, string>> = { ours: 'this server', ngircd: 'ngircd', mosquitto: 'mosquitto', bare: 'bare node' };

export interface OurSettings {
  /** bcrypt cost for REGISTER and LOGIN; 4 where logins are only the setup. */
  readonly bcryptCost: number;
  readonly maxUsers: number;
  /** Write a V8 CPU profile of the server here when it exits (with --workers, one per process). */
  readonly cpuProfileDir?: string;
  /** More command-line options, such as `--cluster URL --workers 2`. */
  readonly args?: readonly string[];
  /** Load probe.ts into it: event-loop delay on SIGWINCH, a heap snapshot on SIGPWR (see RunningServer.probe). */
  readonly probe?: boolean;
}

/** Event-loop delay of this server over a stretch of time, from probe.ts. */
export interface LoopDelay { readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number; readonly meanMs: number; readonly samples: number }

/** The figures of a `loop-delay {…}` line of probe.ts, or undefined for any other line. */
export function parseLoopDelay(line: string): LoopDelay | undefined {
  if (!line.startsWith('loop-delay {')) return undefined;
  try {
    const figures = JSON.parse(line.slice('loop-delay '.length)) as Partial<LoopDelay>;
    const { p50Ms, p99Ms, maxMs, meanMs, samples } = figures;
    return [p50Ms, p99Ms, maxMs, meanMs, samples].every((v) => typeof v === 'number') ? { p50Ms, p99Ms, maxMs, meanMs, samples } as LoopDelay : undefined;
  } catch {
    return undefined;
  }
}

/** A process that serves beside the server, such as the cluster's redis-server: stopped with it, its CPU counted apart. */
export interface Companion {
  readonly label: string;
  cpuSeconds(): number;
  /** Throws with its last output if it has died. */
  checkAlive(): void;
  stop(): Promise<void>;
}

export class RunningServer {
  private readonly companions: Companion[] = [];

  /** `workerPids`: with --workers, the processes the primary (`child`) started, which do the serving. */
  constructor(readonly kind: ServerKind, readonly port: number, private readonly child: Child, readonly dir: string, readonly workerPids: readonly number[] = []) {}

  get pid(): number { return this.child.pid; }
  get name(): string { return NAME_OF[this.kind]; }
  get protocol(): Protocol { return PROTOCOL_OF[this.kind]; }
  rssKb(): number { return residentKb(this.pid); }
  /** CPU seconds of the server: its process, and its workers if any (not its companions). */
  cpuSeconds(): number { return this.workerPids.reduce((sum, pid) => sum + cpuSeconds(pid), cpuSeconds(this.pid)); }

  /** CPU seconds of each process that serves, by label: the server (or its primary and each worker), then each companion. */
  cpuByProcess(): Record<string, number> {
    const byProcess: Record<string, number> = this.workerPids.length ? { primary: cpuSeconds(this.pid) } : { server: cpuSeconds(this.pid) };
    this.workerPids.forEach((pid, i) => { byProcess[`worker ${i + 1}`] = cpuSeconds(pid); });
    for (const companion of this.companions) byProcess[companion.label] = companion.cpuSeconds();
    return byProcess;
  }

  /** Open file descriptors of its process (its sockets among them). */
  openFiles(): number { return readdirSync(`/proc/${this.pid}/fd`).length; }

  /** Event-loop delay since the last call (or its start); the server must run with `probe`. */
  async loopDelay(): Promise<LoopDelay> {
    process.kill(this.pid, 'SIGWINCH');
    const line = await this.child.waitForLine((text) => parseLoopDelay(text) !== undefined, PROBE_LIMIT_MS, 'its event-loop delay');
    return parseLoopDelay(line)!;
  }

  /** Writes a heap snapshot of it (which collects garbage first) and returns the file's path; the server must run with `probe`. */
  async heapSnapshot(): Promise<string> {
    process.kill(this.pid, 'SIGPWR');
    const line = await this.child.waitForLine((text) => text.startsWith('heap-snapshot '), PROBE_LIMIT_MS, 'a heap snapshot');
    return resolve(this.dir, line.slice('heap-snapshot '.length));
  }

  /** Has `companion` checked and stopped with this server. */
  attach(companion: Companion): void { this.companions.push(companion); }

  /** Throws with its last output if it (or a companion) has died. */
  checkAlive(): void {
    if (!this.child.running) throw new Error(`${this.name} died; its last output:\n${this.child.output()}`);
    for (const companion of this.companions) companion.checkAlive();
  }

  async stop(): Promise<void> {
    try {
      await this.child.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
      for (const companion of this.companions) await companion.stop();
    }
  }
}

/** The paths of the peers that are installed (installing them if need be), and why any other is missing. */
export function availablePeers(): { paths: Partial<Record<ServerKind, string>>; missing: string[] } {
  const paths: Partial<Record<ServerKind, string>> = {};
  const missing: string[] = [];
  for (const kind of ['ngircd', 'mosquitto'] as const) {
    const found = ensureInstalled(kind);
    if ('path' in found) paths[kind] = found.path;
    else missing.push(found.missing);
  }
  return { paths, missing };
}

export async function startServer(kind: ServerKind, pinning: Pinning, ours: OurSettings, peerPath?: string): Promise<RunningServer> {
  if (kind === 'ours') return startOurs(pinning, ours);
  if (kind === 'bare') return startBare(pinning);
  if (!peerPath) throw new Error(`${kind} is not installed`);
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= START_TRIES; attempt++) {
    try {
      return await startPeer(kind, peerPath, pinning);
    } catch (error) {
      lastError = error as Error; // most likely the probed port was taken meanwhile: probe another
    }
  }
  throw lastError!;
}

async function startOurs(pinning: Pinning, settings: OurSettings): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-compare-'));
  const env = {
    ...process.env,
    CHAT_ADDRESS: HOST,
    CHAT_DB: join(dir, 'chat.db'),
    CHAT_LOG: join(dir, 'server.log'),
    LOG_LEVEL: 'warn',
    CHAT_BCRYPT_COST: String(settings.bcryptCost),
    CHAT_MAX_USERS: String(settings.maxUsers),
    CHAT_MAX_CONNECTIONS: String(settings.maxUsers + 100),
    // every load comes from 127.0.0.1 and sends as fast as it may: the per-address cap and the rate limit off
    CHAT_MAX_PER_ADDRESS: String(settings.maxUsers + 100),
    CHAT_RATE_LIMIT: '0',
    // every client connects before any has logged in: none of them is to be closed to make room
    CHAT_PRE_LOGIN_SHARE: '100',
    // every account is registered from 127.0.0.1: the registration quota off too
    CHAT_REGISTER_PER_HOUR: String(settings.maxUsers + 100),
    CHAT_WEB_PORT: 'off',
  };
  const profile = [...(settings.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', settings.cpuProfileDir] : []), ...(settings.probe ? ['--import', PROBE] : [])];
  // cwd: the temp dir, so no .env of the developer's applies
  const child = Child.start(NAME_OF.ours, [...pinning.server, process.execPath, ...profile, SERVER_ENTRY, '--port', '0', ...(settings.args ?? [])], { env, cwd: dir });
  try {
    const listening = await child.waitForLine((line) => /listening on \S+:\d+/.test(line), START_LIMIT_MS, '"listening on"');
    // with --workers, the primary names its workers before it says it is on
    let workerPids: number[] = [];
    const on = (line: string) => {
      const workers = /^\d+ workers \(pids ([\d, ]+)\)/.exec(line);
      if (workers) workerPids = workers[1].split(',').map(Number);
      return line.includes('Server is on');
    };
    await child.waitForLine(on, START_LIMIT_MS, '"Server is on"');
    return new RunningServer('ours', Number(/:(\d+)\s*$/.exec(listening)![1]), child, dir, workerPids);
  } catch (error) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startBare(pinning: Pinning): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-compare-bare-'));
  const child = Child.start(NAME_OF.bare, [...pinning.server, process.execPath, BARE_ENTRY], { cwd: dir });
  try {
    const listening = await child.waitForLine((line) => /listening on \S+:\d+/.test(line), START_LIMIT_MS, '"listening on"');
    return new RunningServer('bare', Number(/:(\d+)\s*$/.exec(listening)![1]), child, dir);
  } catch (error) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startPeer(kind: 'ngircd' | 'mosquitto', path: string, pinning: Pinning): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), `chat-compare-${kind}-`));
  const port = await freePort();
  const config = join(dir, `${kind}.conf`);
  if (kind === 'ngircd') {
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(config, ngircdConfig(port, join(dir, 'conf.d')));
  } else {
    writeFileSync(config, mosquittoConfig(port));
  }
  const command = kind === 'ngircd' ? [path, '-n', '-f', config] : [path, '-c', config];
  const child = Child.start(kind, [...pinning.server, ...command], { cwd: dir });
  try {
    await untilAccepting(port, child);
    return new RunningServer(kind, port, child, dir);
  } catch (error) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

async function untilAccepting(port: number, child: Child): Promise<void> {
  const deadline = Date.now() + START_LIMIT_MS;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.label} exited while starting; its output:\n${child.output()}`);
    const accepted = await new Promise<boolean>((done) => {
      const socket = connect({ port, host: HOST });
      socket.once('connect', () => { socket.destroy(); done(true); });
      socket.once('error', () => done(false));
    });
    // a port taken meanwhile by someone else also accepts: ours is up only if it is still running a moment later
    if (accepted) {
      await sleep(200);
      if (child.running) return;
    }
    await sleep(50);
  }
  throw new Error(`${child.label} did not accept connections on ${HOST}:${port} within ${START_LIMIT_MS / 1000} s; its output:\n${child.output()}`);
}
