// What a cluster node publishes to Redis: everything for one node that one turn sends leaves in one PUBLISH, a
// line each and in order; publishes for several nodes leave together; a flush sends at once; a publish Redis
// does not take is reported, not lost silently. Real redis-server, real ioredis connections.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchingPublisher } from '../../streams/cluster/publisher.js';
import { until } from '../support/process.js';
import { HAS_REDIS, redisSuite, startRedis, stopAllRedis, type RedisProcess } from '../support/redis.js';

const PREFIX = 'test:';

describe.skipIf(!HAS_REDIS)(redisSuite('cluster publisher'), () => {
  let redis: RedisProcess;
  let cmd: Redis;
  let sub: Redis;
  const received: Array<{ channel: string; text: string }> = [];

  beforeAll(async () => {
    redis = await startRedis();
    cmd = new Redis(redis.url, { enableAutoPipelining: true, autoPipeliningIgnoredCommands: ['publish'], maxRetriesPerRequest: 1 });
    sub = new Redis(redis.url);
    sub.on('message', (channel: string, text: string) => received.push({ channel, text }));
    await sub.subscribe(`${PREFIX}to:a`, `${PREFIX}to:b`);
  });

  afterAll(async () => {
    cmd?.disconnect();
    sub?.disconnect();
    await stopAllRedis();
  });

  it('sends what one turn published for a node as one message, its lines in order; for two nodes, one each', async () => {
    received.length = 0;
    const failures: unknown[] = [];
    const publisher = batchingPublisher(cmd, PREFIX, (error) => failures.push(error));
    const taken = [publisher.publish('to:a', 'one'), publisher.publish('to:a', 'two'), publisher.publish('to:b', 'three'), publisher.publish('to:b', 'four')];
    expect(await Promise.all(taken)).toEqual([true, true, true, true]);
    await until(() => received.length >= 2, 'both messages', 5_000);
    expect(received).toEqual([{ channel: `${PREFIX}to:a`, text: 'one\ntwo' }, { channel: `${PREFIX}to:b`, text: 'three\nfour' }]);
    expect(failures).toEqual([]);
  });

  it('sends at once when flushed, before a command that follows on the same connection', async () => {
    received.length = 0;
    const publisher = batchingPublisher(cmd, PREFIX, () => {});
    void publisher.publish('to:a', 'first');
    publisher.flush();
    await cmd.publish(`${PREFIX}to:a`, 'second');
    await until(() => received.length >= 2, 'both messages', 5_000);
    expect(received.map(({ text }) => text)).toEqual(['first', 'second']);
  });

  it('reports a publish Redis did not take, and settles it false', async () => {
    const failures: unknown[] = [];
    const broken = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, autoPipeliningIgnoredCommands: ['publish'] });
    await broken.connect();
    broken.disconnect();
    const publisher = batchingPublisher(broken, PREFIX, (error) => failures.push(error));
    expect(await publisher.publish('to:a', 'lost')).toBe(false);
    expect(failures).toHaveLength(1);
  });
});
