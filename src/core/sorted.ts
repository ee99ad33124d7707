// A persistent set of names kept sorted by code point (a copy-on-write B+ tree): adding or removing a
// name costs O(log n), and the sorted list is built once per version and then reused.
import btree from 'sorted-btree';

// sorted-btree is CommonJS with `exports.default`: Node hands over the exports object, vitest the class itself
const BTree = ((btree as unknown as { default?: typeof btree.default }).default ?? btree) as typeof btree.default;
type Tree = InstanceType<typeof BTree<string, undefined>>;

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

export class SortedNames {
  private list?: readonly string[];

  private constructor(private readonly tree: Tree) {
    tree.freeze();
  }

  static of(names: Iterable<string> = []): SortedNames {
    return new SortedNames(new BTree<string, undefined>([...names].map((name): [string, undefined] => [name, undefined]), compareCodePoints));
  }

  get size(): number {
    return this.tree.size;
  }

  has(name: string): boolean {
    return this.tree.has(name);
  }

  with(name: string): SortedNames {
    return this.has(name) ? this : new SortedNames(this.tree.with(name));
  }

  without(name: string): SortedNames {
    return this.has(name) ? new SortedNames(this.tree.without(name)) : this;
  }

  /** Every name in code point order; the same array until the set changes. */
  toArray(): readonly string[] {
    return (this.list ??= Object.freeze(this.tree.keysArray()));
  }
}

export function sortByCodePoint(names: Iterable<string>): string[] {
  return [...names].sort(compareCodePoints);
}
