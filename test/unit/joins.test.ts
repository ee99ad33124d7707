// One turn's output per socket as one buffer (streams/net/joins.ts): sockets that get the same lines share one copy.
import { describe, expect, it } from 'vitest';
import { Joins } from '../../streams/net/joins.js';

const line = (text: string) => Buffer.from(`${text}\n`);

describe('joined output', () => {
  it('gives sockets that get the same lines in a turn one shared buffer', () => {
    const joins = new Joins();
    const [a, b, c] = [line('SAID room alice hi'), line('SAID room bob yo'), line('JOINED room carol')];
    const first = joins.of([a, b, c]);
    expect(first.toString()).toBe('SAID room alice hi\nSAID room bob yo\nJOINED room carol\n');
    expect(joins.of([a, b, c])).toBe(first);
  });

  it('joins different lines, or the same in another order, apart', () => {
    const joins = new Joins();
    const [a, b, c] = [line('one'), line('two'), line('three')];
    const all = joins.of([a, b, c]);
    const some = joins.of([a, c]);
    const swapped = joins.of([b, a]);
    expect([all, some, swapped].map(String)).toEqual(['one\ntwo\nthree\n', 'one\nthree\n', 'two\none\n']);
    expect(new Set([all, some, swapped]).size).toBe(3);
    expect(joins.of([line('one'), b, c])).not.toBe(all); // equal bytes in another buffer: not the same line
  });

  it('hands a single line on as it is, and forgets a turn once cleared', () => {
    const joins = new Joins();
    const [a, b] = [line('one'), line('two')];
    expect(joins.of([a])).toBe(a);
    const before = joins.of([a, b]);
    joins.clear();
    const after = joins.of([a, b]);
    expect(after).not.toBe(before);
    expect(after.equals(before)).toBe(true);
  });

  it('still joins correctly past the variants it remembers', () => {
    const joins = new Joins();
    const head = line('head');
    const tails = Array.from({ length: 10 }, (_, i) => line(`tail ${i}`));
    for (const tail of tails) expect(String(joins.of([head, tail]))).toBe(`head\n${tail}`);
  });
});
