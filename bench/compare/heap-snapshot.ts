// What a V8 heap snapshot (.heapsnapshot JSON) holds, summed by constructor as Chrome DevTools' "Summary"
// view groups it: objects by their constructor's name, everything else by its kind ("(closure)", "(string)",
// "(array)", "(compiled code)", "(system)"…). Two snapshots of one server, before and after N connections
// came in, say what each connection added to the JS heap.

/** The parts of a .heapsnapshot file read here. */
export interface HeapSnapshotJson {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly unknown[] } };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

export interface ConstructorTotal { readonly count: number; readonly selfBytes: number }

/** Kinds of node grouped under one label, as DevTools does; object and native nodes go by their own name. */
const KIND_LABEL: Readonly<Record<string, string>> = {
  hidden: '(system)', array: '(array)', string: '(string)', 'concatenated string': '(concatenated string)',
  'sliced string': '(sliced string)', code: '(compiled code)', closure: '(closure)', regexp: '(regexp)',
  number: '(number)', 'heap number': '(number)', symbol: '(symbol)', bigint: '(bigint)', 'object shape': '(object shape)',
};

/** Kinds whose own names say where they come from: a closure's function, an internal array's role. */
const NAMED_KINDS: ReadonlySet<string> = new Set(['closure', 'array']);

/** Count and self size of the nodes of each constructor (synthetic roots left out). `named`: closures and
 *  internal arrays by their own name too (`(closure) onData`, `(array) (object properties)`). */
export function constructorTotals(heap: HeapSnapshotJson, named = false): Map<string, ConstructorTotal> {
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0] as readonly string[];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  if ([typeAt, nameAt, sizeAt].includes(-1) || !Array.isArray(types)) throw new Error('not a V8 heap snapshot: its nodes lack type, name or self_size');
  const totals = new Map<string, { count: number; selfBytes: number }>();
  for (let at = 0; at + fields.length <= heap.nodes.length; at += fields.length) {
    const kind = types[heap.nodes[at + typeAt]];
    if (kind === 'synthetic') continue;
    const name = heap.strings[heap.nodes[at + nameAt]];
    const label = named && NAMED_KINDS.has(kind) ? `${KIND_LABEL[kind]} ${name || '(anonymous)'}` : KIND_LABEL[kind] ?? name ?? `(${kind})`;
    const total = totals.get(label) ?? { count: 0, selfBytes: 0 };
    total.count++;
    total.selfBytes += heap.nodes[at + sizeAt];
    totals.set(label, total);
  }
  return totals;
}

export interface PerConnection { readonly label: string; readonly count: number; readonly bytes: number }

/** What `connections` added, per connection: (after − before) / connections for each constructor, largest first. */
export function growthPerConnection(before: ReadonlyMap<string, ConstructorTotal>, after: ReadonlyMap<string, ConstructorTotal>, connections: number): PerConnection[] {
  const labels = new Set([...before.keys(), ...after.keys()]);
  return [...labels].map((label) => {
    const [b, a] = [before.get(label), after.get(label)];
    return { label, count: ((a?.count ?? 0) - (b?.count ?? 0)) / connections, bytes: ((a?.selfBytes ?? 0) - (b?.selfBytes ?? 0)) / connections };
  }).sort((x, y) => y.bytes - x.bytes);
}

/** Sum of the self sizes in `totals`: the JS heap the snapshot saw. */
export function heapBytes(totals: ReadonlyMap<string, ConstructorTotal>): number {
  let sum = 0;
  for (const { selfBytes } of totals.values()) sum += selfBytes;
  return sum;
}
