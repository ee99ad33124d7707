// How logins, logouts and idle memory scale with the number of connections, over real TCP on 127.0.0.1.
// Prints numbers and never asserts timings. `node dist/bench/tcp-scale.js [--quick]`, or tcpScale() from
// another bench. Each scenario runs against a fresh server child process with its own temp data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuSeconds, openFileLimit, pinCores, residentKb, settledRssKb, type Pinning } from './compare/machine.js';

const SERVER_ENTRY = resolve(import.meta.dirname, '../streams/cli/server.js');
const HOST = '127.0.0.1';
const CONNECTS_IN_FLIGHT = 200;
const START_LIMIT_MS = 15_000;
const LOGINS_LIMIT_MS = 180_000;
const LEAVE_POLL_MS = 20;
const LEAVE_LIMIT_MS = 120_000;
const IDLE_SETTLE_MS = 1_000;
const RSS_SAMPLE_MS = 250;
const RSS_STABLE_LIMIT_MS = 10_000;
const STOP_LIMIT_MS = 8_000;
/** File descriptors a process needs beside its sockets: stdio, the log, the database, node's own. */
const FD_MARGIN = 100;
const TARGET_STORM_RATIO = 2;
const TARGET_KB_PER_CONNECTION = 12;

interface Sizes {
  storm: [number, number];
  directMemory: [number, number];
  channelsMemory: [number, number];
}

const FULL: Sizes = { storm: [1_000, 8_000], directMemory: [1_000, 10_000], channelsMemory: [1_000, 5_000] };
const QUICK: Sizes = { storm: [500, 2_000], directMemory: [1_000, 3_000], channelsMemory: [1_000, 2_000] };

// ---------- small helpers ----------

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const now = () => performance.now();

/** Seconds of CPU the load generator (this process) used since `since`. */
function generatorCpuSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

/** Rejects after `limitMs`, or as soon as the server dies, whichever comes first. */
async function bounded<T>(work: Promise<T>, limitMs: number, what: string, server: ServerProcess): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} took over ${limitMs / 1000} s`)), limitMs);
  });
  try {
    return await Promise.race([work, timeout, server.died]);
  } catch (error) {
    // sockets report a dead server before the child's exit does; the exit says more
    throw (await server.deathWithin(500)) ?? error;
  } finally {
    clearTimeout(timer);
  }
}

// ---------- the server child process ----------

class ServerProcess {
  /** Rejects when the process exits before stop() was called. */
  readonly died: Promise<never>;
  private output = '';
  private stopping = false;

  private constructor(private readonly child: ChildProcess, private readonly dir: string, readonly port: number, private readonly label: string) {
    this.died = new Promise<never>((_, fail) => {
      child.once('exit', (code, signal) => {
        if (!this.stopping) fail(new Error(`the server (${label}) exited (${signal ?? `code ${code}`}); its last output:\n${this.recentOutput()}`));
      });
    });
    this.died.catch(() => {}); // only a failure when someone is waiting on it
  }

  get pid(): number { return this.child.pid!; }

  static async start(pinning: Pinning, label: string, settings: Record<string, string>): Promise<ServerProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'chat-scale-'));
    // every client comes from 127.0.0.1 and all connect before logging in: the per-address cap and the pre-login share
    // are lifted, as the connection cap is below
    const env = { ...process.env, CHAT_DB: join(dir, 'chat.db'), CHAT_LOG: join(dir, 'server.log'), LOG_LEVEL: 'warn', CHAT_MAX_PER_ADDRESS: '1000000', CHAT_PRE_LOGIN_SHARE: '100', CHAT_REGISTER_PER_HOUR: '1000000', ...settings };
    const [command, ...args] = [...pinning.server, process.execPath, SERVER_ENTRY, '--port', '0', '--web-port', 'off'];
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const port = await new Promise<number>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the server did not print "Server is on" within ${START_LIMIT_MS / 1000} s:\n${seen}`)), START_LIMIT_MS);
      child.once('exit', (code, signal) => { clearTimeout(timer); fail(new Error(`the server exited while starting (${signal ?? `code ${code}`}):\n${seen}`)); });
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { seen += chunk; });
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        seen += chunk;
        const port = /listening on [^\s]+:(\d+)/.exec(seen)?.[1];
        if (port && seen.includes('Server is on')) { clearTimeout(timer); done(Number(port)); }
      });
    }).catch((error: Error) => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); throw error; });
    const server = new ServerProcess(child, dir, port, label);
    child.stdout!.removeAllListeners('data').on('data', (chunk: string) => server.remember(chunk));
    child.stderr!.removeAllListeners('data').on('data', (chunk: string) => server.remember(chunk));
    return server;
  }

  /** Why the server died, if it does within `ms`. */
  deathWithin(ms: number): Promise<Error | undefined> {
    return Promise.race([this.died.catch((error: Error) => error), sleep(ms).then(() => undefined)]);
  }

  rssKb(): number { return residentKb(this.pid); }
  cpuSeconds(): number { return cpuSeconds(this.pid); }

  recentOutput(): string {
    return this.output.trim() || '(nothing)';
  }

  /** SIGTERM, then SIGKILL if it does not exit in time; removes the temp dir either way. */
  async stop(): Promise<void> {
    this.stopping = true;
    try {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
        this.child.kill('SIGTERM');
        const inTime = await Promise.race([exited.then(() => true), sleep(STOP_LIMIT_MS).then(() => false)]);
        if (!inTime) {
          console.log(`  (the server of ${this.label} did not exit within ${STOP_LIMIT_MS / 1000} s of SIGTERM; killed it)`);
          this.child.kill('SIGKILL');
          await Promise.race([exited, sleep(2_000)]);
        }
      }
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  // the server prints at LOG_LEVEL=warn: keep the tail, for the story when something fails
  private remember(chunk: string): void {
    this.output = (this.output + chunk).slice(-4_000);
  }
}

// ---------- client connections ----------

/** One client socket with a queue of the lines it received. */
class Peer {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiter: { done: (line: string) => void; fail: (error: Error) => void } | undefined;
  private closed: Error | undefined;

  private constructor(readonly socket: Socket, readonly name: string) {
    socket.setEncoding('utf8');
    socket.on('error', () => {}); // surfaces as 'close'
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.once('close', () => {
      this.closed = new Error(`${name}: the connection closed`);
      this.waiter?.fail(this.closed);
      this.waiter = undefined;
    });
  }

  static open(port: number, name: string): Promise<Peer> {
    return new Promise((done, fail) => {
      const socket = connect({ port, host: HOST });
      socket.setNoDelay(true);
      socket.once('error', fail);
      socket.once('connect', () => { socket.off('error', fail); done(new Peer(socket, name)); });
    });
  }

  send(...lines: string[]): void {
    this.socket.write(lines.map((line) => line + '\n').join(''));
  }

  next(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((done, fail) => { this.waiter = { done, fail }; });
  }

  async expect(...answers: string[]): Promise<void> {
    for (const answer of answers) {
      const line = await this.next();
      if (line !== answer) throw new Error(`${this.name} expected "${answer}" but got "${line.slice(0, 200)}"`);
    }
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter) waiter.done(line);
      else this.lines.push(line);
    }
  }
}

/** Every client socket of a scenario, so all of them can be destroyed at once. */
class Crowd {
  readonly peers: Peer[] = [];
  private dispersed = false;

  add(peer: Peer): void {
    if (this.dispersed) peer.socket.destroy(); // a login still under way when the scenario gave up
    else this.peers.push(peer);
  }

  destroyAll(): void {
    this.dispersed = true;
    for (const peer of this.peers) peer.socket.destroy();
  }
}

type Login = (port: number, index: number, crowd: Crowd) => Promise<void>;

async function loginDirect(port: number, index: number, crowd: Crowd): Promise<void> {
  const name = `u${index}`;
  const peer = await Peer.open(port, name);
  crowd.add(peer);
  peer.send(`HELLO-FROM ${name}`);
  await peer.expect(`HELLO ${name}`);
}

const ROOM = 'scale';

/** REGISTER, LOGIN and JOIN in one write; member 0 also creates the room first. */
async function loginChannels(port: number, index: number, crowd: Crowd): Promise<void> {
  const name = `m${index}`;
  const peer = await Peer.open(port, name);
  crowd.add(peer);
  const create = index === 0 ? [`CREATE ${ROOM}`] : [];
  peer.send(`REGISTER ${name} pw`, `LOGIN ${name} pw`, ...create, `JOIN ${ROOM}`);
  await peer.expect('RESULT REGISTER 1', 'RESULT LOGIN 1', ...(index === 0 ? [`RESULT CREATE ${ROOM} 1`] : []), `RESULT JOIN ${ROOM} 1`);
}

/**
 * Runs login(first … end-1) with at most CONNECTS_IN_FLIGHT under way; stops at the first failure.
 * Login 0 runs alone first, since it may prepare for the others (it creates the channels room).
 */
async function loginRange(port: number, first: number, end: number, login: Login, crowd: Crowd): Promise<void> {
  if (first === 0 && end > 0) await login(port, 0, crowd);
  let next = Math.max(first, 1);
  let failed = false;
  const worker = async () => {
    while (!failed && next < end) {
      const index = next++;
      await login(port, index, crowd).catch((error: Error) => { failed = true; throw error; });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECTS_IN_FLIGHT, end - first) }, worker));
}

interface Timing {
  readonly seconds: number;
  readonly generatorCpu: number;
  readonly serverCpu: number;
}

async function timed(server: ServerProcess, work: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const serverCpu = server.cpuSeconds();
  const started = now();
  await work();
  return { seconds: (now() - started) / 1000, generatorCpu: generatorCpuSince(cpu), serverCpu: server.cpuSeconds() - serverCpu };
}

// ---------- scenario 1: login storm and leave storm ----------

interface StormResult { logins: Timing; leave: Timing; polls: number }

/** Sends LIST every LEAVE_POLL_MS at most until only the probe is listed; returns how many LISTs it took. */
async function untilOnlyProbeListed(probe: Peer, server: ServerProcess): Promise<number> {
  const deadline = now() + LEAVE_LIMIT_MS;
  let last = '';
  for (let polls = 1; now() < deadline; polls++) {
    const sent = now();
    probe.send('LIST');
    last = await bounded(probe.next(), Math.max(1, deadline - now()), 'waiting for LIST-OK', server);
    if (last === `LIST-OK ${probe.name}`) return polls;
    await sleep(Math.max(0, sent + LEAVE_POLL_MS - now()));
  }
  const left = last.startsWith('LIST-OK ') ? last.slice(8).split(',').length - 1 : '?';
  throw new Error(`after ${LEAVE_LIMIT_MS / 1000} s the server still listed ${left} users besides the probe`);
}

async function stormOnce(pinning: Pinning, n: number): Promise<StormResult> {
  const server = await ServerProcess.start(pinning, `the storm with N=${n}`, { CHAT_MAX_USERS: String(2 * n + 100), CHAT_MAX_CONNECTIONS: String(2 * n + 100) });
  const crowd = new Crowd();
  let probe: Peer | undefined;
  try {
    const logins = await timed(server, () => bounded(loginRange(server.port, 0, n, loginDirect, crowd), LOGINS_LIMIT_MS, `${n} logins`, server));
    probe = await Peer.open(server.port, 'probe');
    probe.send('HELLO-FROM probe');
    await bounded(probe.expect('HELLO probe'), 10_000, 'the probe login', server);
    let polls = 0;
    const leave = await timed(server, async () => {
      crowd.destroyAll();
      polls = await untilOnlyProbeListed(probe!, server);
    });
    return { logins, leave, polls };
  } finally {
    crowd.destroyAll();
    probe?.socket.destroy();
    await server.stop();
  }
}

// ---------- scenario 2: idle memory ----------

interface MemoryResult { idleKb: number; steps: Array<{ n: number; rssKb: number; stable: boolean; logins: Timing }> }

async function memoryOnce(pinning: Pinning, title: string, login: Login, totals: [number, number]): Promise<MemoryResult> {
  const most = Math.max(...totals);
  const server = await ServerProcess.start(pinning, `${title} with N=${most}`, {
    CHAT_MAX_USERS: String(2 * most + 100), CHAT_MAX_CONNECTIONS: String(2 * most + 100), CHAT_BCRYPT_COST: '4',
    // every member's REGISTER and LOGIN are pipelined at once from one address: let them all wait for a bcrypt worker
    CHAT_HASH_QUEUE_PER_ADDRESS: String(2 * most + 100), CHAT_HASH_MAX_WAIT_MS: String(2 ** 31),
  });
  const crowd = new Crowd();
  try {
    await sleep(IDLE_SETTLE_MS);
    const result: MemoryResult = { idleKb: server.rssKb(), steps: [] };
    let online = 0;
    for (const n of totals) {
      const logins = await timed(server, () => bounded(loginRange(server.port, online, n, login, crowd), LOGINS_LIMIT_MS, `logins ${online}…${n}`, server));
      online = n;
      const rss = await settledRssKb(() => server.rssKb(), RSS_SAMPLE_MS, RSS_STABLE_LIMIT_MS);
      result.steps.push({ n, rssKb: rss.kb, stable: rss.settled, logins });
    }
    return result;
  } finally {
    crowd.destroyAll();
    await server.stop();
  }
}

// ---------- output ----------

type Row = [label: string, ...cells: string[]];

function printTable(title: string, header: string[], rows: Row[]): void {
  const widths = [Math.max(title.length, ...rows.map((r) => r[0].length + 2)) + 2, ...header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i + 1] ?? '').length)) + 3)];
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[i]))).join('').trimEnd();
  console.log(line([title, ...header]));
  for (const [label, ...cells] of rows) console.log(line([`  ${label}`, ...cells]));
  console.log();
}

const seconds = (s: number) => (s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`);
const micros = (s: number, n: number) => `${((s / n) * 1e6).toFixed(0)} µs`;
const megabytes = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const kilobytes = (kb: number) => `${kb.toFixed(1)} KB`;
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(b / a).toFixed(1)}×` : '—');
const cpuShare = (t: Timing, cpu: number) => `${seconds(cpu)} (${((cpu / t.seconds) * 100).toFixed(0)}%)`;

/** Runs `work` for each size; a failure becomes a message instead of stopping the other sizes. */
async function eachSize<T>(sizes: readonly number[], work: (n: number) => Promise<T>, failures: string[], scenario: string): Promise<Array<T | undefined>> {
  const limit = openFileLimit();
  const results: Array<T | undefined> = [];
  for (const n of sizes) {
    if (n + FD_MARGIN > limit) {
      failures.push(`${scenario} N=${n}: skipped, \`ulimit -n\` is ${limit} but N=${n} needs at least ${n + FD_MARGIN} open files; raise it in the shell first (ulimit -n ${n + FD_MARGIN})`);
      results.push(undefined);
      continue;
    }
    try {
      results.push(await work(n));
    } catch (error) {
      failures.push(`${scenario} N=${n}: ${(error as Error).message}`);
      results.push(undefined);
    }
  }
  return results;
}

function printStorms(sizes: [number, number], results: Array<StormResult | undefined>): void {
  const [small, large] = results;
  const scale = sizes[1] / sizes[0];
  const header = [...sizes.map((n) => `N=${n}`), 'ratio'];
  const phase = (pick: (r: StormResult) => Timing, label: string, unit: string): Row[] => [
    [`${label}: wall`, ...results.map((r) => (r ? seconds(pick(r).seconds) : 'failed')), ratio(small && pick(small).seconds, large && pick(large).seconds)],
    [`${label}: per ${unit}`, ...results.map((r, i) => (r ? micros(pick(r).seconds, sizes[i]) : '—')), ''],
    [`${label}: generator CPU`, ...results.map((r) => (r ? cpuShare(pick(r), pick(r).generatorCpu) : '—')), ''],
    [`${label}: server CPU`, ...results.map((r) => (r ? cpuShare(pick(r), pick(r).serverCpu) : '—')), ''],
  ];
  printTable('login/leave storm (direct)', header, [
    ...phase((r) => r.logins, 'logins', 'login'),
    ...phase((r) => r.leave, 'leave', 'logout'),
    ['leave: LIST polls by the probe', ...results.map((r) => (r ? String(r.polls) : '—')), ''],
  ]);
  console.log(`  ratio = time(N=${sizes[1]}) / time(N=${sizes[0]}); linear would be ${scale}×, the target is ≤ ${scale * TARGET_STORM_RATIO}×`);
  console.log('  logins: first connect → last HELLO; leave: all sockets destroyed → LIST-OK names only the probe\n');
}

function printMemory(title: string, result: MemoryResult | undefined): void {
  if (!result) return;
  const header = ['idle', ...result.steps.map((s) => `N=${s.n}`)];
  const [first, second] = result.steps;
  const marginal = first && second ? kilobytes((second.rssKb - first.rssKb) / (second.n - first.n)) : '—';
  printTable(title, header, [
    ['RSS', megabytes(result.idleKb), ...result.steps.map((s) => megabytes(s.rssKb) + (s.stable ? '' : ' (still moving)'))],
    ['per connection (RSS − idle) / N', '', ...result.steps.map((s) => kilobytes((s.rssKb - result.idleKb) / s.n))],
    [`marginal, N=${first?.n}→${second?.n}`, '', '', marginal],
    ['logins to reach N: wall', '', ...result.steps.map((s) => seconds(s.logins.seconds))],
    ['logins: generator CPU', '', ...result.steps.map((s) => cpuShare(s.logins, s.logins.generatorCpu))],
    ['logins: server CPU', '', ...result.steps.map((s) => cpuShare(s.logins, s.logins.serverCpu))],
  ]);
}

// ---------- entry points ----------

export async function tcpScale(options: { quick: boolean }): Promise<void> {
  const sizes = options.quick ? QUICK : FULL;
  const pinning = pinCores();
  const failures: string[] = [];
  try {
    console.log(`tcp-scale${options.quick ? ' (quick)' : ''}: real TCP on ${HOST}, ${CONNECTS_IN_FLIGHT} connects in flight, LOG_LEVEL=warn; ${pinning.description}; ulimit -n ${openFileLimit()}\n`);

    const storms = await eachSize(sizes.storm, (n) => stormOnce(pinning, n), failures, 'login/leave storm');
    printStorms(sizes.storm, storms);

    for (const [title, login, totals] of [
      ['idle memory (direct)', loginDirect, sizes.directMemory],
      ['idle memory (channels, one room)', loginChannels, sizes.channelsMemory],
    ] as const) {
      const [result] = await eachSize([Math.max(...totals)], () => memoryOnce(pinning, title, login, totals), failures, title);
      printMemory(title, result);
    }
    console.log(`  target: ≤ ${TARGET_KB_PER_CONNECTION} KB per logged-in connection at 10k; channels users use CHAT_BCRYPT_COST=4 and pipeline REGISTER/LOGIN/JOIN\n`);
  } finally {
    pinning.release();
  }
  for (const failure of failures) console.log(`NOT MEASURED ${failure}\n`);
  if (failures.length) throw new Error(`${failures.length} scenario(s) failed; see above`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  tcpScale({ quick: process.argv.includes('--quick') }).catch((error: Error) => {
    console.error(`tcp-scale: ${error.message}`);
    process.exitCode = 1;
  });
}
