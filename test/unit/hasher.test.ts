// The hasher's turn order and refusals, on a worker that sleeps a fixed time instead of hashing.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HasherBusy, openHasher } from '../../streams/services/hasher.js';
import { FairQueue } from '../../streams/services/fair-queue.js';

const SLEEPY_WORKER = resolve(import.meta.dirname, '../support/sleepy-hash-worker.mjs');

describe('the fair queue', () => {
  it('takes one item from each address in turn', () => {
    const q = new FairQueue<string>();
    for (const item of ['a1', 'a2', 'a3']) q.push('a', item);
    q.push('b', 'b1');
    q.push('c', 'c1');
    q.push('b', 'b2');
    expect(Array.from({ length: 6 }, () => q.take())).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
    expect(q.take()).toBeUndefined();
  });

  it('counts the items served before a new one from an address', () => {
    const q = new FairQueue<number>();
    for (let i = 0; i < 100; i++) q.push('crowd', i);
    expect(q.ahead('someone')).toBe(1);
    expect(q.ahead('crowd')).toBe(100);
    q.push('someone', 0);
    expect(q.ahead('someone')).toBe(3);
  });
});

describe('the hasher', () => {
  it('serves another address’s check after about one hash per worker, however many one address has waiting', async () => {
    const hasher = openHasher({ cost: 4, perAddress: 256, maxWaitMs: 60_000, workers: 2, filename: SLEEPY_WORKER });
    try {
      // both threads started, so the figure below is the turn order's, not a thread's start-up
      await Promise.all([hasher.hash('warm', 'w'), hasher.hash('warm', 'w')]);
      const done: string[] = [];
      const crowd = Array.from({ length: 40 }, (_, i) => hasher.hash(`p${i}`, '10.0.0.1').then(() => done.push(`crowd${i}`)));
      const asked = performance.now();
      const alone = hasher.compare('pw', 'h:pw', '10.0.0.2').then((ok) => { done.push('alone'); return [ok, performance.now() - asked] as const; });
      const [ok, took] = await alone;
      expect(ok).toBe(true);
      // two hashes were running and one more from the crowd took its turn first: at most four finish before it
      expect(done.indexOf('alone')).toBeLessThanOrEqual(3);
      // each takes 50 ms: it waited for one to end, then took its own turn (generous, for a loaded machine)
      expect(took).toBeLessThan(400);
      await Promise.all(crowd);
      expect(hasher.pending()).toBe(0);
    } finally {
      await hasher.close();
    }
  });

  it('refuses at once a request whose address already has its share waiting', async () => {
    const hasher = openHasher({ cost: 4, perAddress: 2, maxWaitMs: 60_000, workers: 1, filename: SLEEPY_WORKER });
    try {
      const served = [hasher.hash('a', 'x'), hasher.hash('b', 'x'), hasher.hash('c', 'x')];
      await expect(hasher.hash('d', 'x')).rejects.toBeInstanceOf(HasherBusy);
      // another address still has its share
      served.push(hasher.hash('e', 'y'));
      expect(await Promise.all(served)).toEqual(['h:a', 'h:b', 'h:c', 'h:e']);
    } finally {
      await hasher.close();
    }
  });

  it('refuses at once a request whose expected wait, from the measured hash time, is past the bound', async () => {
    const hasher = openHasher({ cost: 4, perAddress: 256, maxWaitMs: 500, workers: 1, filename: SLEEPY_WORKER });
    try {
      // the first measurement: 200 ms a hash
      await hasher.hash('sleep:200', 'x');
      const served = [hasher.hash('sleep:200', 'x'), hasher.hash('sleep:200', 'x')];
      // one running and one waiting: a third would wait about 200 × (1 + 1) = 400 ms, a fourth 600 ms
      served.push(hasher.hash('sleep:200', 'x'));
      await expect(hasher.hash('sleep:200', 'x')).rejects.toBeInstanceOf(HasherBusy);
      await Promise.all(served);
    } finally {
      await hasher.close();
    }
  });
});
