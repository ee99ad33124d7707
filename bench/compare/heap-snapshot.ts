// What a V8 heap snapshot (.heapsnapshot JSON) holds, summed by constructor as Chrome DevTools' "Summary"
// view groups it: objects by their constructor's name, everything else by its kind ("(closure)", "(string)",
// "(array)", "(compiled code)", "(system)"…). Two snapshots of one server, before and after N connections
// came in, say what each connection added to the JS heap.

/** The parts of a .heapsnapshot file read here. */
export interface HeapSnapshotJson {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[]; readonly node_types: readonly unknown[];
      readonly edge_fields?: readonly string[]; readonly edge_types?: readonly unknown[];
    };
  };
  readonly nodes: readonly number[];
  readonly edges?: readonly number[];
  /** [node index, script id, line, column] per closure: where its function is written (lines from 0). */
  readonly locations?: readonly number[];
  readonly strings: readonly string[];
}

/** Where each closure's function is written, `file:line`, by node index: the file from the closure's
 *  shared function info (its `script_or_debug_info` edge names the script), the line from `locations`. */
export function closureSites(heap: HeapSnapshotJson, shorten: (url: string) => string = (url) => url): Map<number, string> {
  const { node_fields: fields, node_types: nodeTypes, edge_fields: edgeFields, edge_types: edgeTypes } = heap.snapshot.meta;
  const sites = new Map<number, string>();
  if (!heap.edges || !heap.locations || !edgeFields || !edgeTypes) return sites;
  const [typeAt, nameAt, countAt] = ['type', 'name', 'edge_count'].map((field) => fields.indexOf(field));
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((field) => edgeFields.indexOf(field));
  const kinds = nodeTypes[0] as readonly string[];
  const edgeKinds = edgeTypes[0] as readonly string[];
  const firstEdge = new Map<number, number>();
  for (let at = 0, edge = 0; at < heap.nodes.length; at += fields.length) {
    firstEdge.set(at, edge);
    edge += heap.nodes[at + countAt] * edgeFields.length;
  }
  /** The node an edge of `node` named `name` leads to. */
  const follow = (node: number, name: string): number | undefined => {
    const first = firstEdge.get(node)!;
    for (let k = 0; k < heap.nodes[node + countAt]; k++) {
      const edge = first + k * edgeFields.length;
      const kind = edgeKinds[heap.edges![edge + edgeTypeAt]];
      if (kind !== 'element' && kind !== 'hidden' && heap.strings[heap.edges![edge + edgeNameAt]] === name) return heap.edges![edge + toAt];
    }
    return undefined;
  };
  for (let i = 0; i + 4 <= heap.locations.length; i += 4) {
    const node = heap.locations[i];
    if (kinds[heap.nodes[node + typeAt]] !== 'closure') continue;
    const shared = follow(node, 'shared');
    const script = shared === undefined ? undefined : follow(shared, 'script_or_debug_info');
    const url = script === undefined ? '' : heap.strings[heap.nodes[script + nameAt]];
    sites.set(node, `${url ? shorten(url) : '?'}:${heap.locations[i + 2] + 1}`);
  }
  return sites;
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
 *  internal arrays by their own name too (`(closure) onData`, `(array) (object properties)`), closures
 *  also by where they are written when `sites` (closureSites) says. */
export function constructorTotals(heap: HeapSnapshotJson, named = false, sites?: ReadonlyMap<number, string>): Map<string, ConstructorTotal> {
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0] as readonly string[];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  if ([typeAt, nameAt, sizeAt].includes(-1) || !Array.isArray(types)) throw new Error('not a V8 heap snapshot: its nodes lack type, name or self_size');
  const totals = new Map<string, { count: number; selfBytes: number }>();
  for (let at = 0; at + fields.length <= heap.nodes.length; at += fields.length) {
    const kind = types[heap.nodes[at + typeAt]];
    if (kind === 'synthetic') continue;
    const name = heap.strings[heap.nodes[at + nameAt]];
    const site = named && kind === 'closure' ? sites?.get(at) : undefined;
    const label = named && NAMED_KINDS.has(kind) ? `${KIND_LABEL[kind]} ${name || '(anonymous)'}${site ? ` ${site}` : ''}` : KIND_LABEL[kind] ?? name ?? `(${kind})`;
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
