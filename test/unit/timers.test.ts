// The connections' deadlines (streams/net/timers.ts): one Node timer for all of them, each deadline fired once,
// earliest first, never before its time; a replaced or cleared deadline never fires.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineHeap } from '../../streams/net/deadline-heap.js';
import { Timers } from '../../streams/net/timers.js';

describe('connection timers', () => {
  let fired: string[];
  let timers: Timers;
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    fired = [];
    timers = new Timers(() => Date.now(), (conn) => void fired.push(`${conn}@${Date.now() - 1_000_000}`));
  });
  afterEach(() => vi.useRealTimers());

  it('fires each deadline once, earliest first, when its time comes', () => {
    const start = Date.now();
    for (const [conn, after] of [['c1', 300], ['c2', 100], ['c3', 200], ['c4', 100]] as const) timers.set(conn, start + after);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['c2@100', 'c4@100', 'c3@200', 'c1@300']);
    expect(timers.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('replaces a connection\'s deadline with its new one, earlier or later', () => {
    const start = Date.now();
    timers.set('c1', start + 500);
    timers.set('c1', start + 50);
    timers.set('c2', start + 100);
    timers.set('c2', start + 400);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['c1@50', 'c2@400']);
  });

  it('never fires a cleared deadline, and keeps no Node timer for it', () => {
    const start = Date.now();
    timers.set('c1', start + 100);
    timers.set('c2', start + 200);
    timers.clear('c1');
    expect(timers.size).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(fired).toEqual(['c2@200']);
    timers.set('c3', start + 2_000);
    timers.clear('c3');
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual(['c2@200']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires a deadline already past at once', () => {
    timers.set('c1', Date.now() - 10);
    vi.advanceTimersByTime(1);
    expect(fired).toHaveLength(1);
  });

  it('keeps the deadlines it was given while thousands are set and replaced', () => {
    const start = Date.now();
    for (let round = 0; round < 20; round++) for (let i = 0; i < 1_000; i++) timers.set(`c${i}`, start + 10_000 + round * 10 + i);
    expect(timers.size).toBe(1_000);
    vi.advanceTimersByTime(20_000);
    expect(fired).toHaveLength(1_000);
    expect(fired[0]).toBe('c0@10190');
    expect(fired[999]).toBe('c999@11189');
  });
});

describe('the deadline heap', () => {
  it('drops stale entries once they outnumber the live ones by far', () => {
    const heap = new DeadlineHeap<string>();
    const live = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      live.set('only', i);
      heap.push(i, 'only');
      heap.compact(live.size, (at, item) => live.get(item) === at);
    }
    expect(heap.length).toBeLessThan(2_000);
    expect(heap.peek()?.at).toBeLessThanOrEqual(9_999);
  });

  it('pops in deadline order, equal deadlines first in first out', () => {
    const heap = new DeadlineHeap<string>();
    const input = [5, 1, 4, 1, 3, 9, 2, 6, 5, 3];
    input.forEach((at, i) => heap.push(at, `${at}:${i}`));
    const out: string[] = [];
    for (let top = heap.peek(); top; top = heap.peek()) { out.push(top.item); heap.pop(); }
    expect(out).toEqual(['1:1', '1:3', '2:6', '3:4', '3:9', '4:2', '5:0', '5:8', '6:7', '9:5']);
  });
});
