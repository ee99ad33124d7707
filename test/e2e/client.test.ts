// The terminal client end to end: the built client in a real terminal (tmux), against the real server.
// Each tmux pane runs the client, then prints its exit code and waits, so the test can read it.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, type LineClient } from '../support/client.js';
import { removeTempDirs, startServerProcess, tempDir, type ServerProcess } from '../support/server.js';

const CLIENT_ENTRY = resolve(import.meta.dirname, '../../dist/streams/cli/client.js');
const HAS_TMUX = spawnSync('which', ['tmux']).status === 0;
// a tmux server of our own, its socket in a temp folder: the tests never touch anyone else's sessions
const TMUX_SOCKET = join(tempDir(), 'tmux.sock');
const SCREEN_TIMEOUT_MS = 8000;
const POLL_MS = 40;

let server: ServerProcess | undefined;
const panes: string[] = [];
const lineClients: LineClient[] = [];
let paneCounter = 0;

const tmux = (...args: string[]) => promisify(execFile)('tmux', ['-S', TMUX_SOCKET, ...args]).then((r) => r.stdout);
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

interface Pane {
  /** Types text literally, then Enter unless `enter` is false. */
  type(text: string, enter?: boolean): Promise<void>;
  keys(...keys: string[]): Promise<void>;
  screen(): Promise<string>;
  /** Polls the screen until it shows `expected`, up to a timeout; returns that screen. */
  waitFor(expected: string | RegExp): Promise<string>;
}

/** Starts `chat-client ...args` in a 120×40 tmux pane. */
async function openClient(...args: string[]): Promise<Pane> {
  const name = `client-${++paneCounter}`;
  const command = [process.execPath, CLIENT_ENTRY, ...args].map(quote).join(' ');
  await tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', `${command}; echo "[client exited with $?]"; read _`);
  panes.push(name);
  // `=name:` matches that session exactly; a bare name can be read as a pane shortcut or a prefix
  const target = `=${name}:`;
  const screen = () => tmux('capture-pane', '-p', '-J', '-t', target);
  return {
    async type(text, enter = true) {
      await tmux('send-keys', '-t', target, '-l', text);
      if (enter) await tmux('send-keys', '-t', target, 'Enter');
    },
    async keys(...keys) { await tmux('send-keys', '-t', target, ...keys); },
    screen,
    async waitFor(expected) {
      const deadline = Date.now() + SCREEN_TIMEOUT_MS;
      let shown = '';
      while (Date.now() < deadline) {
        shown = await screen();
        if (typeof expected === 'string' ? shown.includes(expected) : expected.test(shown)) return shown;
        await new Promise((done) => setTimeout(done, POLL_MS));
      }
      throw new Error(`pane ${name}: no ${String(expected)} within ${SCREEN_TIMEOUT_MS} ms; the screen:\n${shown}`);
    },
  };
}

/** Runs the client without a terminal until it exits. */
function runClient(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [CLIENT_ENTRY, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), SCREEN_TIMEOUT_MS);
    child.once('close', (code) => { clearTimeout(timer); done({ code, stdout, stderr }); });
  });
}

/** A port nothing listens on: take a free one and let it go. */
function closedPort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

const lastLine = (screen: string) => screen.trimEnd().split('\n').at(-1);

const running = (): ServerProcess => {
  if (!server) throw new Error('this test needs withServer() in its describe');
  return server;
};
/** For the tests that need one: a server of their own, so no presence notice from another test slips in. */
const withServer = () => beforeEach(async () => { server = await startServerProcess(); });
afterEach(async () => {
  for (const c of lineClients.splice(0)) c.close();
  await Promise.all(panes.splice(0).map((name) => tmux('kill-session', '-t', `=${name}`).catch(() => undefined)));
  await server?.stop();
  server = undefined;
});
afterAll(async () => {
  if (HAS_TMUX) await tmux('kill-server').catch(() => undefined);
  removeTempDirs();
});

describe.skipIf(!HAS_TMUX)(HAS_TMUX ? 'in a terminal' : 'in a terminal — SKIPPED: tmux is not installed (`which tmux` failed)', () => {
  withServer();
  it('two users chat, whisper, list, rename and leave', async () => {
    const port = String(running().port);
    const alice = await openClient('alice', '127.0.0.1', port);
    await alice.waitFor('Welcome, alice!');
    expect(await alice.waitFor('/whisper user text')).toContain('/quit');
    const bob = await openClient('bob', '127.0.0.1', port);
    await bob.waitFor('Welcome, bob! 1 other user is here.');
    await alice.waitFor('[bob] has joined');

    await alice.type('hello bob');
    await bob.waitFor('<alice> hello bob');
    await alice.waitFor('<alice> hello bob');

    await bob.type('/w alice psst');
    await alice.waitFor('[whisper from bob] psst');
    await bob.waitFor('[whisper to alice] psst');

    await alice.type('/users');
    await alice.waitFor('Online: alice, bob');

    await bob.type('/rename robert');
    await alice.waitFor('[bob] is now [robert]');
    await bob.waitFor(/^robert> $/m);

    await bob.type('/quit');
    await bob.waitFor('Goodbye, robert.');
    await bob.waitFor('[client exited with 0]');
    await alice.waitFor('[robert] has left');

    await alice.keys('C-c');
    await alice.waitFor('[client exited with 0]');
  });

  it('a message arriving while someone types does not garble the half-typed line', async () => {
    const port = String(running().port);
    const alice = await openClient('alice', '127.0.0.1', port);
    await alice.waitFor('Welcome, alice!');
    const bob = await openClient('bob', '127.0.0.1', port);
    await alice.waitFor('[bob] has joined');

    await alice.type('half typ', false);
    await alice.waitFor(/^alice> half typ$/m);
    await bob.type('interrupting you');
    const screen = await alice.waitFor('<bob> interrupting you');
    expect(lastLine(screen)).toBe('alice> half typ');

    await alice.type('ed, and sent');
    await bob.waitFor('<alice> half typed, and sent');
  });

  it('Ctrl-D leaves cleanly: QUIT, the goodbye, exit 0, and the others see the user leave', async () => {
    const port = String(running().port);
    const alice = await openClient('alice', '127.0.0.1', port);
    await alice.waitFor('Welcome, alice!');
    const bob = await openClient('bob', '127.0.0.1', port);
    await alice.waitFor('[bob] has joined');
    await bob.waitFor(/^bob> $/m);
    await bob.keys('C-d');
    await bob.waitFor('Goodbye, bob.');
    await bob.waitFor('[client exited with 0]');
    expect(await alice.waitFor('[bob] has left')).not.toContain('connection lost');
  });

  it('a connection lost while chatting says so and exits 1', async () => {
    const alice = await openClient('alice', '127.0.0.1', String(running().port));
    await alice.waitFor('Welcome, alice!');
    await running().stop('SIGKILL');
    await alice.waitFor('chat-client: lost the connection to 127.0.0.1:');
    await alice.waitFor('[client exited with 1]');
  });

  it('speaks the channels dialect: register, log in, create, join and talk', async () => {
    const port = String(running().port);
    const alice = await openClient('--protocol', 'channels', 'alice', '127.0.0.1', port);
    await alice.waitFor('/register, then log in with /login');
    await alice.type('/register');
    await alice.waitFor(/^password for alice \(not shown\): $/m);
    await alice.type('Sekr1t-pw');
    await alice.waitFor('Account created');
    await alice.type('/login');
    await alice.waitFor(/^password for alice \(not shown\): $/m);
    await alice.type('Sekr1t-pw');
    await alice.waitFor('Logged in as alice');
    await alice.type('/login alice Sekr1t-pw');
    await alice.waitFor('/login alice ********');
    await alice.waitFor('! login failed');
    expect(await alice.screen()).not.toContain('Sekr1t');
    await alice.type('/create general');
    await alice.waitFor('Created #general');
    await alice.type('/join general');
    await alice.waitFor(/^alice #general> $/m);
    await alice.type('hi all');
    await alice.waitFor('#general <alice> hi all');
    await alice.type('/channels');
    await alice.waitFor('Channels: general');
    await alice.type('/quit');
    await alice.waitFor('[client exited with 0]');
  });

  it('speaks the direct dialect: HELLO-FROM at connect, /send and /list', async () => {
    const port = String(running().port);
    const alice = await openClient('--protocol', 'direct', 'alice', '127.0.0.1', port);
    await alice.waitFor('Logged in as alice');
    const bob = await openClient('--protocol', 'direct', 'bob', '127.0.0.1', port);
    await bob.waitFor('Logged in as bob');
    await bob.type('/send alice hi there');
    await alice.waitFor('[whisper from bob] hi there');
    await bob.waitFor('[whisper to alice] hi there');
    await alice.type('/list');
    await alice.waitFor('Online: alice, bob');
    await bob.type('/send nobody hello');
    await bob.waitFor('! nobody is not online');
    // the prompt goes back to whom bob wrote to before
    await bob.waitFor(/^bob → alice> $/m);
  });
});

describe('without a terminal', () => {
  it('a listener that accepts and never answers: gives up after the login timeout, exit 1', async () => {
    const accepted: Socket[] = [];
    const silent = createServer((socket) => { accepted.push(socket); }); // accepts, says nothing
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    try {
      const port = (silent.address() as { port: number }).port;
      const { code, stderr } = await runClient(['alice', '127.0.0.1', String(port)], { CHAT_CLIENT_TIMEOUT_MS: '700' });
      expect(code).toBe(1);
      expect(stderr).toBe(`chat-client: cannot log in to 127.0.0.1:${port}: no answer in 0.7 s — is that a chat server, and the right port?\n`);
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((done) => silent.close(() => done()));
    }
  });

  it('a closed stdout ends the client without a stack trace', async () => {
    const s = await startServerProcess();
    try {
      const child = spawn(process.execPath, [CLIENT_ENTRY, 'alice', '127.0.0.1', String(s.port)], { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdout.destroy(); // nobody reads what it prints
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
      const code = await new Promise<number | null>((done) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), SCREEN_TIMEOUT_MS);
        child.once('close', (exitCode) => { clearTimeout(timer); done(exitCode); });
      });
      expect(code).not.toBeNull();
      expect(stderr).not.toMatch(/EPIPE|^\s+at /m);
    } finally {
      await s.stop();
    }
  });

  it('against a closed port: one clear line on stderr, exit 1', async () => {
    const port = await closedPort();
    const { code, stderr } = await runClient(['alice', '127.0.0.1', String(port)]);
    expect(code).toBe(1);
    expect(stderr).toBe(`chat-client: cannot connect to 127.0.0.1:${port}: connection refused — is the server running, and is ${port} the right port?\n`);
  });

});

describe('logging in without a terminal', () => {
  withServer();

  it('with a name someone online has: says it is taken, exit 1', async () => {
    const holder = await connectClient(running().port);
    lineClients.push(holder);
    holder.send('NAME alice');
    expect(await holder.next()).toMatch(/^WELCOME alice /);
    const { code, stderr } = await runClient(['alice', '127.0.0.1', String(running().port)]);
    expect(code).toBe(1);
    expect(stderr).toBe('chat-client: cannot log in as alice: alice is already taken — pick another name\n');
  });

  it('with an invalid name: gives the server\'s reason, exit 1', async () => {
    const { code, stderr } = await runClient(['a,b', '127.0.0.1', String(running().port)]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^chat-client: cannot log in as a,b: names are 1-64 characters/);
  });

  it('on a full server: says it is full, exit 1', async () => {
    const full = await startServerProcess({ args: ['--max-users', '1'] });
    try {
      const holder = await connectClient(full.port);
      lineClients.push(holder);
      holder.send('NAME holder');
      expect(await holder.next()).toMatch(/^WELCOME holder /);
      const { code, stderr } = await runClient(['alice', '127.0.0.1', String(full.port)]);
      expect(code).toBe(1);
      expect(stderr).toBe('chat-client: cannot log in as alice: the server is full, try again later\n');
    } finally {
      await full.stop();
    }
  });

  it('refused at its connection limit: says the server is refusing connections, exit 1', async () => {
    const busy = await startServerProcess({ env: { CHAT_MAX_CONNECTIONS: '1' } });
    try {
      // the one place is held by someone logged in (a socket without a login would make room for the newcomer)
      const holder = await connectClient(busy.port);
      lineClients.push(holder);
      holder.send('HELLO-FROM holder');
      expect(await holder.next()).toBe('HELLO holder');
      const { code, stderr } = await runClient(['alice', '127.0.0.1', String(busy.port)]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^chat-client: cannot log in: 127\.0\.0\.1:\d+ closed the connection without a word — it is probably refusing connections: too many are open \(its CHAT_MAX_CONNECTIONS\)/);
    } finally {
      await busy.stop();
    }
  });

  it('refused by the per-address cap: says the server is refusing connections from here, exit 1', async () => {
    const capped = await startServerProcess({ env: { CHAT_MAX_PER_ADDRESS: '1' } });
    try {
      lineClients.push(await connectClient(capped.port));
      const { code, stderr } = await runClient(['alice', '127.0.0.1', String(capped.port)]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/closed the connection without a word — .*or too many from your address \(its CHAT_MAX_PER_ADDRESS\)/);
    } finally {
      await capped.stop();
    }
  });

  it('in the direct dialect, a name in use: exit 1', async () => {
    const holder = await connectClient(running().port);
    lineClients.push(holder);
    holder.send('HELLO-FROM alice');
    expect(await holder.next()).toBe('HELLO alice');
    const { code, stderr } = await runClient(['--protocol', 'direct', 'alice', '127.0.0.1', String(running().port)]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/already in use/);
  });

});

describe('usage errors', () => {
  it.each([
    [[]],
    [['alice', '127.0.0.1']],
    [['alice', '127.0.0.1', 'port']],
    [['alice', '127.0.0.1', '1', '--protocol', 'irc']],
  ])('%j prints the usage and exits 2', async (args) => {
    const { code, stderr } = await runClient(args);
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: chat-client');
  });
});
