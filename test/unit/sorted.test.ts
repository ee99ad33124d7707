import { describe, expect, it } from 'vitest';
import { SortedMap, sortedNames } from '../../src/core/sorted.js';

describe('persistent sorted maps', () => {
  it('leaves the old version as it was after with and without', () => {
    const one = SortedMap.of<number, string>([[2, 'b'], [1, 'a']]);
    const two = one.with(3, 'c').with(1, 'A').without(2);
    expect(one.values()).toEqual(['a', 'b']);
    expect(two.keys()).toEqual([1, 3]);
    expect(two.values()).toEqual(['A', 'c']);
  });

  it('overwrites a value in place, keeping its position', () => {
    const map = SortedMap.of<number, string>([[1, 'zed'], [2, 'amy']]).with(1, 'ann');
    expect(map.values()).toEqual(['ann', 'amy']);
  });

  it('returns the same version when nothing changes, so cached lists stay valid', () => {
    const names = sortedNames(['b', 'a']);
    expect(names.with('a', true)).toBe(names);
    expect(names.without('x')).toBe(names);
    expect(names.keys()).toBe(names.keys());
  });

  it('sorts names by code point, not by UTF-16 unit', () => {
    expect(sortedNames(['😀', '\uff5a', 'a']).keys()).toEqual(['a', '\uff5a', '😀']);
  });

  it('visits every entry in order', () => {
    const seen: string[] = [];
    SortedMap.of<string, number>([['c', 3], ['a', 1], ['b', 2]]).forEach((k, v) => seen.push(`${k}${v}`));
    expect(seen).toEqual(['a1', 'b2', 'c3']);
  });
});
