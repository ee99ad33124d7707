// startServer in this process: the same server the entry point runs, stopped through its API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { startServer } from '../../streams/app.js';
import { openStore } from '../../streams/services/store.js';
import { connectClient } from '../support/client.js';
import { removeTempDirs, tempDir } from '../support/server.js';

afterAll(removeTempDirs);

function configIn(dir: string) {
  const result = parseConfig(['--port', '0', '--web-port', '0', '--db', join(dir, 'chat.db'), '--log', join(dir, 'server.log')], { CHAT_BCRYPT_COST: '4' });
  if (!('config' in result)) throw new Error('bad test config');
  return result.config;
}

describe('the server started in-process', () => {
  it('serves, then stops: connections closed, the account on disk, the log flushed', async () => {
    const dir = tempDir();
    const server = await startServer(configIn(dir));
    const alice = await connectClient(server.port);
    alice.send('REGISTER alice pw');
    expect(await alice.next()).toBe('RESULT REGISTER 1');
    await server.stop('test');
    await alice.closed();

    const store = await openStore(join(dir, 'chat.db'));
    const { accounts } = await store.load();
    expect([...accounts].map(([name]) => name)).toEqual(['alice']);
    await store.close();
    const events = readFileSync(join(dir, 'server.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events).toEqual(expect.arrayContaining(['start', 'connection', 'register', 'stop', 'stopped']));
  });

  it('a second server on the same port is refused with a message that says what to do', async () => {
    const first = await startServer(configIn(tempDir()));
    const dir = tempDir();
    const result = parseConfig(['--port', String(first.port), '--web-port', 'off', '--db', join(dir, 'chat.db'), '--log', join(dir, 'server.log')], {});
    if (!('config' in result)) throw new Error('bad test config');
    await expect(startServer(result.config)).rejects.toThrow(`port ${first.port} is in use — pass --port or set CHAT_PORT`);
    await first.stop('test');
  });
});
