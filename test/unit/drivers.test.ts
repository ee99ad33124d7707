// Edges as drivers: the effect registry built once at start, the release order, and the one state stream.
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Drivers, runsAtOnce, wire, type Driver } from '../../streams/drivers.js';
import { StateObservable } from '../../streams/state.js';

const driver = (name: string, extra: Partial<Driver> = {}, closed?: string[]): Driver => ({
  name,
  ...extra,
  close: async () => { closed?.push(name); },
});

describe('the effect registry', () => {
  it('runs each effect type through the one driver that registered it', async () => {
    const ran: string[] = [];
    const wiring = wire([
      driver('sockets', { effects: { close: (e) => void ran.push(`close ${e.conn}`) } }),
      driver('store', { effects: { storeChannel: async ({ conn, channel }) => ({ kind: 'channelStored', conn, channel, ok: true }) } }),
    ]);
    wiring.handler('close')?.({ kind: 'close', conn: 'c1' });
    expect(ran).toEqual(['close c1']);
    expect(await wiring.handler('storeChannel')?.({ kind: 'storeChannel', conn: 'c2', channel: 'lobby' })).toEqual({ kind: 'channelStored', conn: 'c2', channel: 'lobby', ok: true });
    expect(wiring.handler('claimName')).toBeUndefined();
  });

  it('refuses two drivers that claim one effect type, naming both', () => {
    expect(() => wire([
      driver('hasher', { effects: { hashPassword: async () => ({ kind: 'passwordHashed', conn: 'c1', user: 'a', hash: 'h' }) } }),
      driver('other hasher', { effects: { hashPassword: async () => ({ kind: 'passwordHashed', conn: 'c1', user: 'a', hash: 'h' }) } }),
    ])).toThrow('two drivers run hashPassword effects: hasher and other hasher');
  });

  it('refuses two relays, and fans the traffic out to every tap', () => {
    const relay = { forward: () => undefined, acked: () => {} };
    expect(() => wire([driver('a', { relay }), driver('b', { relay })])).toThrow('two drivers relay messages: a and b');
    const seen: string[] = [];
    const tap = (name: string) => ({ command: () => {}, wrote: (conn: string, line: string) => void seen.push(`${name} ${conn} ${line}`), closing: () => {} });
    wire([driver('a', { tap: tap('a') }), driver('b', { tap: tap('b') })]).tap?.wrote('c1', 'hi');
    expect(seen).toEqual(['a c1 hi', 'b c1 hi']);
  });

  it('knows which effects run at once and which come back with a result', () => {
    expect(runsAtOnce({ kind: 'timer', conn: 'c1', at: 5 })).toBe(true);
    expect(runsAtOnce({ kind: 'announce', event: { kind: 'nodeGone', node: 'n' } })).toBe(true);
    expect(runsAtOnce({ kind: 'storeChannel', conn: 'c1', channel: 'x' })).toBe(false);
  });
});

describe('the drivers of a server', () => {
  it('are released newest first, and one that fails to close does not keep the others open', async () => {
    const closed: string[] = [];
    const drivers = new Drivers();
    await drivers.acquire(driver('log', {}, closed));
    await drivers.acquire({ name: 'store', close: async () => { closed.push('store'); throw new Error('disk gone'); } });
    await drivers.acquire(Promise.resolve(driver('listener', {}, closed)));
    await expect(drivers.release()).rejects.toThrow('disk gone');
    expect(closed).toEqual(['listener', 'store', 'log']);
    await drivers.release();
    expect(closed).toHaveLength(3);
  });
});

describe('the state stream', () => {
  it('holds the current state and gives it to each new subscriber first, then each change', () => {
    const input$ = new Subject<{ n: number }>();
    const first = { n: 0 };
    const state$ = new StateObservable(input$, first);
    expect(state$.value).toBe(first);
    const seen: number[] = [];
    input$.next({ n: 1 });
    state$.subscribe((s) => seen.push(s.n));
    input$.next({ n: 2 });
    expect(seen).toEqual([1, 2]);
    expect(state$.value.n).toBe(2);
  });
});
