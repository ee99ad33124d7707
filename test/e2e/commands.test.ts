// The two commands as a new user meets them: installed on the PATH, asked for their version or help, given
// a wrong option, and started with npm start (from the build, without compiling, several at once).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { removeTempDirs, startServerProcess, tempDir } from '../support/server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const BIN = { 'chat-server': join(ROOT, 'dist/streams/cli/server.js'), 'chat-client': join(ROOT, 'dist/streams/cli/client.js') };

afterAll(removeTempDirs);

function run(file: string, args: readonly string[], cwd = tempDir()) {
  const result = spawnSync(file.endsWith('.js') ? process.execPath : file, file.endsWith('.js') ? [file, ...args] : [...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.each(Object.entries(BIN))('%s', (name, entry) => {
  it('--version and -v print the package version', () => {
    for (const flag of ['--version', '-v']) expect(run(entry, [flag])).toEqual({ code: 0, stdout: `${name} ${VERSION}\n`, stderr: '' });
  });

  it('help and -h are --help', () => {
    const help = run(entry, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: /);
    expect(run(entry, ['-h'])).toEqual(help);
    expect(run(entry, ['help'])).toEqual(help);
  });

  it('an unknown option is one line naming it, then a pointer to --help, exit 2', () => {
    expect(run(entry, ['--frobnicate'])).toEqual({ code: 2, stdout: '', stderr: `${name}: unknown option --frobnicate\nsee ${name} --help\n` });
  });
});

describe('installing the commands', () => {
  it('npm install -g puts chat-server and chat-client on the PATH, and they run', () => {
    const prefix = tempDir();
    // the build is there already (npm test builds first): the install only links the commands
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund', '--offline', ROOT], { encoding: 'utf8', timeout: 120_000 });
    expect(install.status, install.stderr).toBe(0);
    expect(run(join(prefix, 'bin/chat-server'), ['--version']).stdout).toBe(`chat-server ${VERSION}\n`);
    expect(run(join(prefix, 'bin/chat-client'), ['--version']).stdout).toBe(`chat-client ${VERSION}\n`);
  }, 150_000);
});

describe('npm start', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('builds once at install (prepare), never before a start', () => {
    expect(scripts.prepare).toMatch(/npm run build/);
    for (const name of ['prestart', 'preclient', 'start', 'client']) expect(scripts[name] ?? '', name).not.toMatch(/build|tsc/);
  });

  it('three at once all come up, from the build as it is', async () => {
    const started = Date.now();
    const starts = [1, 2, 3].map(() => new Promise<number>((done, fail) => {
      const dir = tempDir();
      const child = spawn('npm', ['start', '--', '--port', '0', '--web-port', '0', '--db', join(dir, 'chat.db'), '--log', join(dir, 'server.log')], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const stop = () => { try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ } };
      const timer = setTimeout(() => { stop(); fail(new Error(`no "Server is on" in 60 s: ${out}`)); }, 60_000);
      for (const stream of [child.stdout, child.stderr]) {
        stream.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          if (/Server is on/.test(out)) { clearTimeout(timer); done(Date.now() - started); stop(); }
        });
      }
      child.once('exit', (code) => { clearTimeout(timer); if (!/Server is on/.test(out)) fail(new Error(`npm start exited ${code}: ${out}`)); });
    }));
    const times = await Promise.all(starts);
    console.log(`[figures] three npm starts at once: Server is on after ${times.map((t) => `${t} ms`).join(', ')}`);
    expect(times).toHaveLength(3);
  }, 90_000);
});

describe('--pid-file', () => {
  it('holds the server\'s process id while it runs (for kill -HUP "$(cat FILE)"), and is gone after it stops', async () => {
    const file = join(tempDir(), 'chat.pid');
    const s = await startServerProcess({ args: ['--pid-file', file] });
    expect(readFileSync(file, 'utf8')).toBe(`${s.child.pid}\n`);
    expect(await s.stop('SIGTERM')).toBe(0);
    expect(existsSync(file)).toBe(false);
  });
});
