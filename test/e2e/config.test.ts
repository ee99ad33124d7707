// Starting the server: flags, env vars, .env, defaults, and the clear errors for bad configuration.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort, runServerToExit, tempDir, unwritableDir } from '../support/server.js';
import { ask, cleanup, cleanupAll, client, directUser, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

/** A failed start: non-zero exit, one line on stderr that says what is wrong, no stack trace, never `Server is on`. */
function expectOneClearError(result: { code: number | null; stdout: string; stderr: string }, ...mentions: string[]): void {
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull(); // it exited by itself, not by our timeout
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  for (const text of mentions) expect(lines[0]).toContain(text);
  expect(result.stdout).not.toMatch(/Server is on/);
}

/** What the start line on stdout says: `… on ADDRESS:PORT (protocol X, max users N)`. */
function listening(stdout: string): { port: number; protocol: string; maxUsers: number } {
  const match = / on [^\s]+:(\d+) \(protocol (\w+), max users (\d+)\)/.exec(stdout);
  expect(match, stdout).not.toBeNull();
  return { port: Number(match![1]), protocol: match![2], maxUsers: Number(match![3]) };
}

describe.concurrent('--help', () => {
  it('lists every flag and exits 0', async () => {
    const { code, stdout } = await runServerToExit(['--help']);
    expect(code).toBe(0);
    for (const flag of ['--address', '--port', '--web-port', '--protocol', '--db', '--log', '--max-users', '--peers', '--name', '--help']) {
      expect(stdout).toContain(flag);
    }
    for (const variable of ['CHAT_PORT', 'CHAT_WEB_PORT', 'CHAT_WEB_ORIGINS', 'CHAT_PROTOCOL', 'CHAT_MAX_USERS', 'CHAT_MAX_LINE']) expect(stdout).toContain(variable);
    expect(stdout).not.toMatch(/Server is on/);
  });

  it('lists every subcommand, each with its own --help', async () => {
    const { stdout } = await runServerToExit(['--help']);
    for (const command of ['tail', 'replay']) {
      expect(stdout).toContain(`chat-server ${command} `);
      const own = await runServerToExit([command, '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^Usage: chat-server ${command} `));
      expect(own.stderr).toBe('');
    }
  });

  it('-h is the same as --help', async () => {
    const [long, short] = await Promise.all([runServerToExit(['--help']), runServerToExit(['-h'])]);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
  });
});

describe.concurrent('bad configuration: one clear message, non-zero exit', () => {
  // one process test per kind of failure; test/unit/config.test.ts checks every bad value through parseConfig
  it('a bad value: --port abc', async () => {
    expectOneClearError(await runServerToExit(['--port', 'abc']), 'port must be a whole number, got "abc" (from --port)');
  });

  it('a port already in use is named in the message', async () => {
    const occupier: Server = createServer();
    await new Promise<void>((done) => occupier.listen(0, '127.0.0.1', done));
    try {
      const { port } = occupier.address() as { port: number };
      const result = await runServerToExit(['--port', String(port)]);
      expectOneClearError(result, String(port), 'in use');
    } finally {
      await new Promise<void>((done) => occupier.close(() => done()));
    }
  });

  it('--peers naming a missing file', async () => {
    expectOneClearError(await runServerToExit(['--port', '0', '--peers', '/nonexistent']), '/nonexistent');
  });

  it('a peers file with a line that is not host:port', async () => {
    const dir = tempDir();
    const file = join(dir, 'peers.txt');
    writeFileSync(file, '# peers\n127.0.0.1:5379\nnot a peer\n');
    expectOneClearError(await runServerToExit(['0', file]), file, 'line 3');
  });

  it('a web port already in use is named in the message, with the way to change it or turn it off', async () => {
    const occupier: Server = createServer();
    await new Promise<void>((done) => occupier.listen(0, '127.0.0.1', done));
    try {
      const { port } = occupier.address() as { port: number };
      const result = await runServerToExit(['--port', '0', '--web-port', String(port)]);
      expectOneClearError(result, `web port ${port} is in use`, '--web-port', 'off');
    } finally {
      await new Promise<void>((done) => occupier.close(() => done()));
    }
  });

  it('an unknown flag: one line naming it, then a pointer to --help, exit 2', async () => {
    const result = await runServerToExit(['--port', '0', '--colour', 'blue']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('chat-server: unknown option --colour\nsee chat-server --help\n');
  });

  it('a bad value in .env names its line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), '# settings\nCHAT_PORT=0\nCHAT_MAX_USERS=lots\n');
    expectOneClearError(await runServerToExit([], {}, dir), 'max users must be a whole number, got "lots" (from .env line 3)');
  });

  it('a missing peers file says what to pass', async () => {
    expectOneClearError(await runServerToExit(['--port', '0'], { CHAT_PEERS: '/nonexistent/peers' }), '/nonexistent/peers (from CHAT_PEERS in the environment)', 'there is no such file', 'pass --peers FILE');
  });
});

describe.concurrent('storage paths that cannot be used: one line and exit 1, before `Server is on`', () => {
  it('CHAT_DB naming a folder', async () => {
    const dir = tempDir();
    expectOneClearError(await runServerToExit(['--port', '0'], { CHAT_DB: dir }), `cannot use the database ${dir}`, 'is a folder', 'CHAT_DB');
  });

  it('CHAT_DB where no folder can be made (/proc/nope) ends at once instead of hanging', async () => {
    expectOneClearError(await runServerToExit(['--port', '0'], { CHAT_DB: '/proc/nope/x.db' }), '/proc/nope', 'CHAT_DB');
  });

  it('--db in a folder nobody may write in', async () => {
    const file = join(unwritableDir(), 'chat.db');
    expectOneClearError(await runServerToExit(['--port', '0', '--db', file]), file, 'not allowed', '--db');
  });

  it('--db whose missing folder would have to be made in a folder nobody may write in', async () => {
    const folder = join(unwritableDir(), 'data');
    expectOneClearError(await runServerToExit(['--port', '0', '--db', join(folder, 'chat.db')]), folder, 'not allowed');
  });

  it('CHAT_LOG naming a folder', async () => {
    const dir = tempDir();
    expectOneClearError(await runServerToExit(['--port', '0'], { CHAT_LOG: dir }), `cannot write the log ${dir}`, 'is a folder', 'CHAT_LOG');
  });

});

describe('.env and variables: what an operator gets wrong is said, never silently ignored', () => {
  it('a .env line without = stops the start with the file and the line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'CHAT_MAX_USERS=3\nCHAT_PROTOCOL messenger\nCHAT_PORT=0\n');
    const result = await runServerToExit([], {}, dir);
    expectOneClearError(result, '.env line 2', 'CHAT_PROTOCOL messenger', 'has no =');
    expect(result.code).toBe(2);
  });

  it('a misspelt CHAT_ variable is warned about with the closest known name, and the server starts', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'CHAT_PROTOCL=direct\n');
    const s = await server({ dir, env: { CHAT_MAXUSERS: '3' } });
    expect(s.stderr()).toContain('chat-server: warning: CHAT_MAXUSERS (in the environment) is not a setting and is ignored — did you mean CHAT_MAX_USERS?');
    expect(s.stderr()).toContain('CHAT_PROTOCL (in .env) is not a setting and is ignored — did you mean CHAT_PROTOCOL?');
    expect(listening(s.stdout())).toMatchObject({ protocol: 'auto', maxUsers: 16 });
  });
});

describe('where settings come from', () => {
  it('start-up says where the chat and the web page are, then Server is on', async () => {
    const s = await server();
    const lines = s.stdout().split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    expect(at(/^listening on 127\.0\.0\.1:\d+$/)).toBeGreaterThanOrEqual(0);
    expect(at(new RegExp(`^web page on http://127\\.0\\.0\\.1:${s.webPort}/$`))).toBeGreaterThan(at(/^listening on /));
    expect(at(/^Server is on$/)).toBeGreaterThan(at(/^web page on /));
  });

  it('--web-port off serves no page: no web line, only the chat port', async () => {
    const s = await server({ args: ['--web-port', 'off'] });
    expect(s.webPort).toBeUndefined();
    expect(s.stdout()).not.toContain('web page');
    await directUser(s.port, 'alice');
  });

  it('a .env file in the working folder beats the defaults', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), '# local settings\nCHAT_MAX_USERS=3\nCHAT_PROTOCOL=messenger\n');
    const s = await server({ dir });
    expect(listening(s.stdout())).toMatchObject({ protocol: 'messenger', maxUsers: 3 });
  });

  it('CHAT_MAX_USERS from .env is what the server enforces: the second user gets BUSY', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'CHAT_MAX_USERS=1\n');
    const s = await server({ dir });
    await directUser(s.port, 'alice');
    const bob = await client(s.port);
    expect(await ask(bob, 'HELLO-FROM bob')).toBe('BUSY');
    await bob.closed();
  });

  it('the bare positional form `server <port>` listens on that port', async () => {
    const port = await freePort();
    const s = await server({ portFlag: false, args: [String(port)] });
    expect(s.port).toBe(port);
    expect(listening(s.stdout()).port).toBe(port);
    await directUser(port, 'alice');
  });

  it('CHAT_PORT in the environment is used when no port is given', async () => {
    const port = await freePort();
    const s = await server({ portFlag: false, env: { CHAT_PORT: String(port) } });
    expect(s.port).toBe(port);
  });

  it('`server <port> <peers-file>` with a readable peers file starts on that port', async () => {
    const port = await freePort();
    const dir = tempDir();
    const file = join(dir, 'peers.txt');
    writeFileSync(file, '# federation peers\n\n127.0.0.1:1\nlocalhost:2\n');
    const s = await server({ dir, portFlag: false, args: [String(port), file] });
    expect(s.port).toBe(port);
    const c = await client(port);
    expect(await ask(c, 'CHANNELS')).toBe('RESULT CHANNELS');
  });
});
