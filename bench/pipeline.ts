// `npm run bench -- pipeline`: throughput and latency of the real server, each beside a bare-bones
// baseline measured in the same run, so the ratio is what to compare across machines.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const HERE = import.meta.dirname;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 1000);
const SCENARIO_TIMEOUT_MS = 60_000;

interface Started { child: ChildProcess; port: number }

function start(entry: string, args: string[], env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [entry, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${entry} did not start`)), 10_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const port = /listening on [^\s]+:(\d+)/.exec(out)?.[1];
      if (port && out.includes('Server is on')) { clearTimeout(timer); child.stdout!.removeAllListeners('data'); child.stdout!.resume(); done({ child, port: Number(port) }); }
    });
  });
}

class Client {
  private buffer = '';
  private waiters: Array<{ test: (line: string) => boolean; done: () => void }> = [];
  count = 0;
  constructor(readonly socket: Socket, private readonly counts: (line: string) => boolean) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        if (this.counts(line)) this.count++;
        const index = this.waiters.findIndex((w) => w.test(line));
        if (index >= 0) this.waiters.splice(index, 1)[0].done();
      }
    });
  }
  static open(port: number, counts: (line: string) => boolean = () => false): Promise<Client> {
    return new Promise((done, fail) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => done(new Client(socket, counts)));
      socket.setNoDelay(true);
      socket.once('error', fail);
    });
  }
  send(line: string): void { this.socket.write(line + '\n'); }
  waitFor(test: (line: string) => boolean): Promise<void> {
    return new Promise((done) => this.waiters.push({ test, done }));
  }
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, fail) => setTimeout(() => fail(new Error(`${what} took over ${SCENARIO_TIMEOUT_MS} ms`)), SCENARIO_TIMEOUT_MS).unref())]);
}

/** One sender, CLIENTS receivers, MESSAGES lines: deliveries per second. */
async function fanOut(port: number, login: (i: number) => string | undefined, say: (i: number) => string, counts: (l: string) => boolean): Promise<number> {
  const clients: Client[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const client = await Client.open(port, counts);
    const ready = client.waitFor((l) => l.startsWith('WELCOME'));
    const hello = login(i);
    if (hello) client.send(hello);
    await within(ready, 'a login');
    clients.push(client);
  }
  const started = performance.now();
  const everyone = Promise.all(clients.map((c) => new Promise<void>((done) => {
    const check = () => (c.count >= MESSAGES ? done() : setTimeout(check, 1));
    check();
  })));
  for (let i = 0; i < MESSAGES; i++) clients[0].send(say(i));
  await within(everyone, `fan-out (received: ${clients.map((c) => c.count).join(",")})`);
  const seconds = (performance.now() - started) / 1000;
  for (const c of clients) c.socket.destroy();
  return (CLIENTS * MESSAGES) / seconds;
}

/** Sequential request/answer pairs: median and 99th percentile in milliseconds. */
async function roundTrips(once: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const t = performance.now();
    await within(once(), 'a round trip');
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] };
}

export async function pipelineBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
  const server = await start(resolve(HERE, '../streams/cli/server.js'), ['--port', '0', '--web-port', 'off', '--max-users', String(CLIENTS + 10)], {
    CHAT_DB: join(dir, 'chat.db'), CHAT_LOG: join(dir, 'server.log'), LOG_LEVEL: 'warn', CHAT_BCRYPT_COST: '10',
    // it measures throughput, not abuse: each client sends far faster than a person, from one address
    CHAT_RATE_LIMIT: '0', CHAT_MAX_PER_ADDRESS: '1000',
  });
  const baseline = await start(resolve(HERE, 'baseline.js'), [], {});
  try {
    console.log(`chat-server benchmark: ${CLIENTS} clients, ${MESSAGES} messages, ${ROUND_TRIPS} round trips (loopback)\n`);

    const ours = await fanOut(server.port, (i) => `NAME u${i}`, (i) => `BROADCAST message ${i}`, (l) => l.startsWith('BROADCAST '));
    const base = await fanOut(baseline.port, () => undefined, (i) => `BROADCAST message ${i}`, (l) => l.startsWith('BROADCAST '));
    console.log(`messenger broadcast fan-out : ${ours.toFixed(0).padStart(8)} deliveries/s   baseline ${base.toFixed(0).padStart(8)}/s   ratio ${(ours / base).toFixed(2)}`);

    const alice = await Client.open(server.port);
    const bob = await Client.open(server.port);
    for (const [c, n] of [[alice, 'alice'], [bob, 'bob']] as const) { const r = c.waitFor((l) => l.startsWith('HELLO')); c.send(`HELLO-FROM ${n}`); await r; }
    const send = await roundTrips(() => { const r = alice.waitFor((l) => l === 'SEND-OK'); alice.send('SEND bob ping'); return r; });
    const echo = await Client.open(baseline.port);
    await within(echo.waitFor((l) => l === 'WELCOME'), 'the baseline greeting');
    const bare = await roundTrips(() => { const r = echo.waitFor((l) => l === 'ping'); echo.send('ping'); return r; });
    console.log(`direct SEND → SEND-OK      : p50 ${send.p50.toFixed(3)} ms  p99 ${send.p99.toFixed(3)} ms   baseline echo p50 ${bare.p50.toFixed(3)} ms   ratio ${(send.p50 / bare.p50).toFixed(2)}`);
    const list = await roundTrips(() => { const r = bob.waitFor((l) => l.startsWith('LIST-OK')); bob.send('LIST'); return r; });
    console.log(`direct LIST → LIST-OK      : p50 ${list.p50.toFixed(3)} ms  p99 ${list.p99.toFixed(3)} ms   ratio to echo ${(list.p50 / bare.p50).toFixed(2)}`);

    // bcrypt at the default cost: what LOGIN costs, and whether other connections wait for it
    const reg = await Client.open(server.port);
    const registered = reg.waitFor((l) => l.startsWith('RESULT REGISTER'));
    const t0 = performance.now();
    reg.send('REGISTER carol pw');
    let listsDuringHash = 0;
    let hashing = true;
    void registered.then(() => { hashing = false; });
    while (hashing && listsDuringHash < 10_000) {
      const r = bob.waitFor((l) => l.startsWith('LIST-OK')); bob.send('LIST'); await r; listsDuringHash++;
    }
    await registered;
    console.log(`REGISTER (bcrypt cost 10)  : ${(performance.now() - t0).toFixed(0)} ms, during which another connection got ${listsDuringHash} LIST answers`);
    for (const c of [alice, bob, echo, reg]) c.socket.destroy();
  } finally {
    server.child.kill('SIGTERM');
    baseline.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}
