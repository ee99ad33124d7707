// Persistent sorted maps (a copy-on-write B+ tree, sorted-btree): `with` and `without` cost O(log n) and
// share the rest of the tree, iteration runs over arrays in the leaves (fast enough for a fan-out to
// 100k members), and the sorted key and value lists are built once per version and then reused.
import btree from 'sorted-btree';

// sorted-btree is CommonJS with `exports.default`: Node hands over the exports object, vitest the class itself
const BTree = ((btree as unknown as { default?: typeof btree.default }).default ?? btree) as typeof btree.default;
type Tree<K, V> = InstanceType<typeof BTree<K, V>>;

// `<` compares UTF-16 code units, which puts U+10000 and up (😀) before U+E000–U+FFFF (ｚ); compare code points
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

export class SortedMap<K, V> {
  private keyList?: readonly K[];
  private valueList?: readonly V[];

  private constructor(private readonly tree: Tree<K, V>) {
    tree.freeze();
  }

  /** A map sorted by `compare` (default: `<` on numbers and strings). */
  static of<K, V>(entries: Iterable<readonly [K, V]> = [], compare?: (a: K, b: K) => number): SortedMap<K, V> {
    return new SortedMap(new BTree<K, V>([...entries].map(([k, v]): [K, V] => [k, v]), compare));
  }

  get size(): number {
    return this.tree.size;
  }

  has(key: K): boolean {
    return this.tree.has(key);
  }

  get(key: K): V | undefined {
    return this.tree.get(key);
  }

  with(key: K, value: V): SortedMap<K, V> {
    return this.tree.has(key) && this.tree.get(key) === value ? this : new SortedMap(this.tree.with(key, value, true) as Tree<K, V>);
  }

  without(key: K): SortedMap<K, V> {
    return this.tree.has(key) ? new SortedMap(this.tree.without(key)) : this;
  }

  forEach(visit: (key: K, value: V) => void): void {
    this.tree.forEachPair((key, value) => { visit(key, value); });
  }

  /** The keys in order; the same array until the map changes. */
  keys(): readonly K[] {
    return (this.keyList ??= Object.freeze(this.tree.keysArray()));
  }

  /** The values in key order; the same array until the map changes. */
  values(): readonly V[] {
    return (this.valueList ??= Object.freeze(this.tree.valuesArray()));
  }
}

/** A persistent set of names in code point order. */
export type SortedNames = SortedMap<string, true>;

export function sortedNames(names: Iterable<string> = []): SortedNames {
  return SortedMap.of([...names].map((name): [string, true] => [name, true]), compareCodePoints);
}
