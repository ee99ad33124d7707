// The cluster node holding the federation link dies (kill -9) while a user of another node waits on a JOIN of
// a channel across that link: the user is answered RESULT JOIN … 0 once the node's lease runs out, and once the
// peer links to the cluster again the same JOIN works. Two nodes of cluster "hub" (--workers 2 on 127.0.0.1,
// one port), a lone server "far" on 127.0.0.2; far is stopped (SIGSTOP) so that the JOIN stays unanswered.
// Hub lists far at a port where nothing listens: only far dials, so the one link is the one far opened.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineClient } from '../support/client.js';
import { ask, channelsUser, cleanup, until } from '../support/process.js';
import { HAS_REDIS, redisSuite, startRedis, stopAllRedis } from '../support/redis.js';
import { portFreeOn, removeTempDirs, startServerProcess, tempDir, type ServerProcess } from '../support/server.js';

const HUB = '127.0.0.1';
const FAR = '127.0.0.2';
const LEASE_MS = 2000;

let port = 0;
let hubDir = '';
let hub: ServerProcess;
let far: ServerProcess;

/** The JSON lines of hub's server.log (both nodes write to it), each naming its node. */
function hubLog(): Array<Record<string, unknown>> {
  return readFileSync(join(hubDir, 'server.log'), 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The node a hub log event happened on, once it is in the log. */
async function nodeOf(match: (event: Record<string, unknown>) => boolean, what: string): Promise<string> {
  let node: string | undefined;
  await until(() => (node = hubLog().find(match)?.node as string | undefined) !== undefined, what);
  return node!;
}

/** CHANNELS, asked again until it lists `name`. */
async function listing(c: LineClient, name: string): Promise<string> {
  let seen = '';
  await until(async () => (seen = await ask(c, 'CHANNELS')).includes(name), () => `${name} in CHANNELS, last seen: ${seen}`, 30_000);
  return seen;
}

describe.skipIf(!HAS_REDIS)(redisSuite('federation from a cluster, when the node holding the link dies'), () => {
  beforeAll(async () => {
    port = await portFreeOn([HUB, FAR]);
    const redis = await startRedis();
    hubDir = tempDir();
    const farDir = tempDir();
    writeFileSync(join(hubDir, 'peers'), `${FAR}:1\n`);
    writeFileSync(join(farDir, 'peers'), `${HUB}:${port}\n`);
    // both starts settle before either failure is thrown, so that afterAll stops the one that did start
    const started = await Promise.allSettled([
      startServerProcess({
        dir: hubDir, portFlag: false, args: ['--address', HUB, '--port', String(port), '--peers', join(hubDir, 'peers'), '--name', 'hub', '--workers', '2'],
        env: { CHAT_CLUSTER: redis.url, CHAT_LINK_RETRY_MAX_MS: '500', CHAT_CLUSTER_LEASE_MS: String(LEASE_MS) },
      }).then((s) => { hub = s; }),
      startServerProcess({
        dir: farDir, portFlag: false, args: ['--address', FAR, '--port', String(port), '--peers', join(farDir, 'peers'), '--name', 'far'],
        env: { CHAT_LINK_RETRY_MAX_MS: '500' },
      }).then((s) => { far = s; }),
    ]);
    for (const start of started) if (start.status === 'rejected') throw start.reason;
    await until(() => far.stdout().includes('linked with hub '), 'the link', 60_000);
  }, 120_000);

  afterAll(async () => {
    if (far) far.child.kill('SIGCONT');
    await cleanup();
    await Promise.all([hub?.stop(), far?.stop()]);
    await stopAllRedis();
    removeTempDirs();
  });

  it('answers the waiting JOIN with 0 once the node is gone, and the JOIN works again after the peer links anew', async () => {
    const pat = await channelsUser(port, 'pat', { host: FAR });
    expect(await ask(pat, 'CREATE farroom')).toBe('RESULT CREATE farroom 1');
    const holder = await nodeOf((e) => e.event === 'linkUp', 'the node holding the link');

    // connections go to the two nodes in turn: a user on the node that does not hold the link
    let user: LineClient | undefined;
    let name = '';
    for (let i = 0; i < 6 && !user; i++) {
      const c = await channelsUser(port, `h${i}`, { host: HUB });
      if (await nodeOf((e) => e.event === 'login' && e.user === `h${i}`, `h${i}'s login`) !== holder) [user, name] = [c, `h${i}`];
    }
    expect(user, 'a user on the node without the link').toBeDefined();
    expect(await listing(user!, 'farroom:far')).toContain('farroom:far');

    // far stops reading: the FEDJOIN reaches the holder's socket, and no FEDRESULT comes back
    far.child.kill('SIGSTOP');
    user!.send('JOIN farroom:far');
    await nodeOf((e) => e.event === 'join' && e.user === name && e.channel === 'farroom:far', 'the JOIN under way');
    // a node is named host-pid-random
    const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(holder)?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    // a bound: the answer comes once the lease has run out, later on a busy machine
    expect(await user!.next(LEASE_MS * 15)).toBe('RESULT JOIN farroom:far 0');

    // far reads again, finds its link gone, and links to the cluster anew: the same JOIN now reaches farroom
    far.child.kill('SIGCONT');
    await until(() => (far.stdout().match(/linked with hub /g) ?? []).length >= 2, 'the link again', 20_000);
    expect(await listing(user!, 'farroom:far')).toContain('farroom:far');
    expect(await ask(user!, 'JOIN farroom:far')).toBe('RESULT JOIN farroom:far 1');
  }, 90_000);
});
