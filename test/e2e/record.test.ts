// --record FILE: a running server writes its traffic as a recording; passwords never reach the file, and
// the recording replays and passes, in-process and against a new live server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runServerToExit, tempDir, unwritableDir } from '../support/server.js';
import { ask, cleanup, cleanupAll, client, directUser, messengerUser, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

const SECRETS = ['Pw-Alice-8d2f', 'Pw-Wrong-31c0', 'Pw-Bob-7a6e'];

/** A session in every dialect, with good and bad passwords, a rename, a half-close and a client that just goes. */
async function session(port: number): Promise<void> {
  const alice = await client(port);
  expect(await ask(alice, `REGISTER alice ${SECRETS[0]}`)).toBe('RESULT REGISTER 1');
  expect(await ask(alice, `LOGIN alice ${SECRETS[1]}`)).toBe('RESULT LOGIN 0');
  expect(await ask(alice, `LOGIN alice ${SECRETS[0]}`)).toBe('RESULT LOGIN 1');
  expect(await ask(alice, 'CREATE lobby')).toBe('RESULT CREATE lobby 1');
  expect(await ask(alice, 'JOIN lobby')).toBe('RESULT JOIN lobby 1');
  const bob = await client(port);
  expect(await ask(bob, `REGISTER bob ${SECRETS[2]}`)).toBe('RESULT REGISTER 1');
  expect(await ask(bob, `LOGIN bob ${SECRETS[2]}`)).toBe('RESULT LOGIN 1');
  expect(await ask(bob, 'JOIN lobby')).toBe('RESULT JOIN lobby 1');
  bob.send('SAY lobby hello\tthere ');
  expect(await alice.next()).toBe('RECV bob lobby hello\tthere ');
  expect(await bob.next()).toBe('RECV bob lobby hello\tthere ');
  const mia = await messengerUser(port, 'mia');
  const dora = await directUser(port, 'dora');
  expect(await mia.next()).toBe('JOINED dora');
  expect(await ask(dora, 'SEND mia hi mia')).toBe('SEND-OK');
  expect(await mia.next()).toBe('WHISPER dora mia hi mia');
  expect(await ask(mia, 'NAME mira')).toBe('RENAMED mia mira');
  dora.raw('LIST\n');
  dora.socket.end();
  expect(await dora.next()).toBe('LIST-OK alice,bob,mira,dora');
  await dora.closed();
  expect(await mia.next()).toBe('LEFT dora quit');
  expect(await ask(mia, 'QUIT')).toBe('BYE Goodbye, mira.');
  await mia.closed();
  bob.close();
}

describe('--record FILE', () => {
  it('writes the session with placeholders for passwords; it replays and passes in-process and live', async () => {
    const dir = tempDir();
    const file = join(dir, 'session.rec');
    const s = await server({ dir, args: ['--record', file, '--max-users', '8'] });
    await session(s.port);
    expect(await s.stop('SIGTERM')).toBe(0);

    const recording = readFileSync(file, 'utf8');
    for (const secret of SECRETS) expect(recording).not.toContain(secret);
    expect(recording).toMatch(/^@max-users 8$/m);
    // names made in the session are written as fresh names (alice$), so the file replays where alice exists
    expect(recording).toMatch(/^c\d+ > REGISTER alice\$ \$pw-alice-1$/m);
    expect(recording).toMatch(/^c\d+ > LOGIN alice\$ \$pw-alice-2$/m);
    expect(recording).toMatch(/^c\d+ > LOGIN alice\$ \$pw-alice-1$/m);
    expect(recording).toMatch(/^c\d+ >> SAY lobby\$ hello\\tthere \\n$/m);
    expect(recording).toMatch(/^c\d+ < LIST-OK alice\$,bob\$,mira\$,dora\$$/m);
    expect(recording).toMatch(/^c\d+ <!$/m);

    const inProcess = await runServerToExit(['replay', file]);
    expect(inProcess.stdout).toContain(`✓ ${file}`);
    expect(inProcess.code).toBe(0);

    const fresh = await server({ args: ['--max-users', '8'] });
    const live = await runServerToExit(['replay', file, '--port', String(fresh.port), '--assume-settings']);
    expect(live.stdout).toContain(`✓ ${file}`);
    expect(live.code).toBe(0);

    // the server that made it, with its accounts and channels (alice, lobby) still there: it passes too, twice
    const same = await server({ dir, args: ['--max-users', '8'] });
    for (let run = 0; run < 2; run++) {
      const again = await runServerToExit(['replay', file, '--port', String(same.port), '--assume-settings']);
      expect(again.stdout, again.stdout).toContain(`✓ ${file}`);
      expect(again.code).toBe(0);
    }
  }, 60_000);

  it('CHAT_RECORD does the same from the environment', async () => {
    const dir = tempDir();
    const file = join(dir, 'env.rec');
    const s = await server({ dir, env: { CHAT_RECORD: file } });
    const ann = await messengerUser(s.port, 'ann');
    expect(await ask(ann, 'BROADCAST hi')).toBe('BROADCAST ann hi');
    expect(await s.stop('SIGTERM')).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^c1 ~\nc1 > NAME ann\$\nc1 < WELCOME ann\$ .*\nc1 > BROADCAST hi\nc1 < BROADCAST ann\$ hi\n$/m);
  });

  it('a file that cannot be written ends the start with one line, before Server is on', async () => {
    const file = join(unwritableDir(), 'session.rec');
    const result = await runServerToExit(['--port', '0', '--record', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`chat-server: cannot record to ${file}: not allowed to open ${file} — pass --record or set CHAT_RECORD\n`);
    expect(result.stdout).not.toContain('Server is on');
  });
});
