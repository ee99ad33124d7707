// The pacer behind the sink's and the cluster publisher's writes: one run for any number of requests in a turn,
// at the end of that turn when the last run is old enough, else once the interval has passed.
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FlushPacer } from '../../streams/net/flush-pacer.js';

describe('flush pacer', () => {
  it('runs once at the end of a turn however often it was asked, and not before', async () => {
    let runs = 0;
    const pacer = new FlushPacer(() => { runs++; }, 50);
    pacer.schedule();
    pacer.schedule();
    expect(runs).toBe(0);
    await nextTurn();
    expect(runs).toBe(1);
  });

  it('holds a run asked for within the interval until the interval has passed', async () => {
    const at: number[] = [];
    const pacer = new FlushPacer(() => { at.push(performance.now()); }, 60);
    pacer.schedule();
    await nextTurn();
    pacer.schedule();
    pacer.schedule();
    await nextTurn();
    expect(at).toHaveLength(1);
    await sleep(200);
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(59);
  });

  it('runs at once when told to, and then not again for what was scheduled before', async () => {
    let runs = 0;
    const pacer = new FlushPacer(() => { runs++; }, 0);
    pacer.schedule();
    pacer.now();
    expect(runs).toBe(1);
    await sleep(20);
    expect(runs).toBe(1);
  });
});
