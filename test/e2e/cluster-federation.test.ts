// Federation from a cluster: two nodes of one cluster (--workers 2 on 127.0.0.1, one port, server name "hub")
// and a lone server "far" on 127.0.0.2. To far the cluster is one server: one link, its users `user@hub`,
// whichever node they are on; to hub's users far's channels work from every node.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineClient } from '../support/client.js';
import { ask, channelsUser, cleanup, until } from '../support/process.js';
import { HAS_REDIS, redisSuite, startRedis, stopAllRedis } from '../support/redis.js';
import { portFreeOn, removeTempDirs, startServerProcess, tempDir, type ServerProcess } from '../support/server.js';

const HUB = '127.0.0.1';
const FAR = '127.0.0.2';

let port = 0;
let hub: ServerProcess;
let far: ServerProcess;

const user = (host: string, name: string) => channelsUser(port, name, { host });

/** CHANNELS, asked again until it lists `name`: news of a channel crosses a link and then the backplane. */
async function channelsListing(c: LineClient, name: string): Promise<string> {
  let seen = '';
  await until(async () => (seen = await ask(c, 'CHANNELS')).includes(name), () => `${name} in CHANNELS, last seen: ${seen}`, 30_000);
  return seen;
}

describe.skipIf(!HAS_REDIS)(redisSuite('federation from a cluster'), () => {
  beforeAll(async () => {
    port = await portFreeOn([HUB, FAR]);
    const redis = await startRedis();
    const hubDir = tempDir();
    const farDir = tempDir();
    writeFileSync(join(hubDir, 'peers'), `${FAR}:${port}\n`);
    writeFileSync(join(farDir, 'peers'), `${HUB}:${port}\n`);
    [hub, far] = await Promise.all([
      startServerProcess({
        dir: hubDir, portFlag: false, args: ['--address', HUB, '--port', String(port), '--peers', join(hubDir, 'peers'), '--name', 'hub', '--workers', '2'],
        env: { CHAT_CLUSTER: redis.url, CHAT_LINK_RETRY_MAX_MS: '1000', CHAT_CLUSTER_LEASE_MS: '2000' },
      }),
      startServerProcess({
        dir: farDir, portFlag: false, args: ['--address', FAR, '--port', String(port), '--peers', join(farDir, 'peers'), '--name', 'far'],
        env: { CHAT_LINK_RETRY_MAX_MS: '1000' },
      }),
    ]);
    await until(() => far.stdout().includes('linked with hub '), 'the link');
  }, 90_000);

  afterAll(async () => {
    await cleanup();
    await Promise.all([hub?.stop(), far?.stop()]);
    await stopAllRedis();
    removeTempDirs();
  });

  it('is one server to its peer: far channels work from every node, and hub channels from far', async () => {
    const pat = await user(FAR, 'pat');
    expect(await ask(pat, 'CREATE farroom')).toBe('RESULT CREATE farroom 1');
    expect(await ask(pat, 'JOIN farroom')).toBe('RESULT JOIN farroom 1');
    // four users: node:cluster hands connections to the two nodes in turn, so both nodes have some
    const hubs = [await user(HUB, 'h0'), await user(HUB, 'h1'), await user(HUB, 'h2'), await user(HUB, 'h3')];
    for (const h of hubs) {
      expect(await channelsListing(h, 'farroom:far')).toContain('farroom:far');
      expect(await ask(h, 'JOIN farroom:far')).toBe('RESULT JOIN farroom:far 1');
    }

    pat.send('SAY farroom from far');
    expect(await pat.next()).toBe('RECV pat farroom from far');
    for (const h of hubs) expect(await h.next()).toBe('RECV pat@far farroom:far from far');

    hubs[3].send('SAY farroom:far from h3');
    expect(await pat.next()).toBe('RECV h3@hub farroom from h3');
    for (const h of hubs) expect(await h.next()).toBe('RECV h3 farroom:far from h3');

    expect(await ask(hubs[0], 'CREATE hubroom')).toBe('RESULT CREATE hubroom 1');
    for (const h of hubs) expect(await ask(h, 'JOIN hubroom')).toBe('RESULT JOIN hubroom 1');
    expect(await channelsListing(pat, 'hubroom:hub')).toContain('hubroom:hub');
    expect(await ask(pat, 'JOIN hubroom:hub')).toBe('RESULT JOIN hubroom:hub 1');
    pat.send('SAY hubroom:hub to hub');
    expect(await pat.next()).toBe('RECV pat hubroom:hub to hub');
    for (const h of hubs) expect(await h.next()).toBe('RECV pat@far hubroom to hub');
    hubs[1].send('SAY hubroom from h1');
    expect(await pat.next()).toBe('RECV h1@hub hubroom:hub from h1');
    for (const h of hubs) expect(await h.next()).toBe('RECV h1 hubroom from h1');

    // nothing twice: one link carried everything, so each one's next line answers its own command
    for (const c of [pat, ...hubs]) {
      expect(await ask(c, 'JOIN nowhere')).toBe('RESULT JOIN nowhere 0');
      expect(c.unread()).toEqual([]);
    }
  }, 90_000);
});
