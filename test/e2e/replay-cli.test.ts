// `chat-server replay` as a tester runs it: one line per file, the first difference with its line number,
// a timeout on every expectation, skips with their reason, and the exit code.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runServerToExit, tempDir } from '../support/server.js';
import { cleanup, cleanupAll, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

const RECORDINGS = resolve(import.meta.dirname, '../recordings');

function recordingFile(text: string): string {
  const file = join(tempDir(), 'check.rec');
  writeFileSync(file, text);
  return file;
}

describe('chat-server replay', () => {
  it('plays a recording in this process by default, with its @ settings: ✓ and exit 0', async () => {
    const files = ['direct-busy.rec', 'messenger-limits.rec', 'direct-send-ok-after-write.rec'].map((f) => join(RECORDINGS, f));
    const { code, stdout } = await runServerToExit(['replay', ...files]);
    expect(stdout.split('\n').slice(0, 3)).toEqual(files.map((f) => `✓ ${f}`));
    expect(code).toBe(0);
  });

  it('says where a recording first differs: the line, what was expected and what came; exit 1', async () => {
    const file = recordingFile('# a wrong expectation\na > HELLO-FROM ann$\na < HELLO somebody\n');
    const { code, stdout } = await runServerToExit(['replay', file]);
    expect(stdout).toMatch(new RegExp(`^✗ ${file}: line 3 \\(a\\): expected "HELLO somebody", got "HELLO ann[a-z0-9]{6}"$`, 'm'));
    expect(code).toBe(1);
  });

  it('gives up on a line that never comes after --timeout', async () => {
    const file = recordingFile('a > HELLO-FROM ann$\na < HELLO ann$\na < A LINE THAT NEVER COMES\n');
    const passing = recordingFile('a > HELLO-FROM ann$\na < HELLO ann$\n');
    const timed = async (args: string[]) => {
      const started = Date.now();
      return { ...(await runServerToExit(args)), ms: Date.now() - started };
    };
    // side by side with a replay that passes, so that a slow start on a busy machine is in both times
    const [gaveUp, passed] = await Promise.all([timed(['replay', file, '--timeout', '300']), timed(['replay', passing])]);
    expect(gaveUp.stdout).toContain(`✗ ${file}: line 3 (a): timed out waiting for a line`);
    expect(gaveUp.code).toBe(1);
    expect(passed.code).toBe(0);
    // 300 ms more than a passing replay, well below the default 3000 ms
    expect(gaveUp.ms - passed.ms).toBeLessThan(2500);
  });

  it('against a live server (--port): passes what it can and skips, with the reason, what needs settings', async () => {
    const s = await server();
    const send = join(RECORDINGS, 'direct-send.rec');
    const busy = join(RECORDINGS, 'direct-busy.rec');
    const { code, stdout } = await runServerToExit(['replay', send, busy, '--port', String(s.port)]);
    expect(stdout).toContain(`✓ ${send}\n`);
    expect(stdout).toContain(`- ${busy}: skipped: it needs @max-users 2, and a live server keeps its own settings; replay it without --port, or start a server with --max-users 2 and add --assume-settings\n`);
    expect(stdout).toContain('replayed 2 file(s): 1 passed, 0 failed, 1 skipped');
    expect(code).toBe(0);
  });

  it('with --assume-settings plays such a recording on a server started to match', async () => {
    const s = await server({ args: ['--max-users', '2'] });
    const busy = join(RECORDINGS, 'direct-busy.rec');
    const { code, stdout } = await runServerToExit(['replay', busy, '--port', String(s.port), '--assume-settings']);
    expect(stdout).toContain(`✓ ${busy}\n`);
    expect(code).toBe(0);
  });

  it.each([
    [[], /name at least one recording/],
    [['x.rec', '--host', 'example'], /--host needs --port/],
    [['x.rec', '--port', 'abc'], /--port must be a number/],
  ])('%j is a usage error: one line, exit 2', async (args, message) => {
    const { code, stderr } = await runServerToExit(['replay', ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
