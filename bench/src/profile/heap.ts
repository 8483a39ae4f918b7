// What a heap snapshot holds, by kind of object, and what changed between two snapshots: the
// tool behind P1's per-socket memory work (tools/socket-heap.ts). A V8 heap snapshot is flat
// arrays: `nodes` has `meta.node_fields.length` numbers per node (type, name, id, self_size, …),
// names are indexes into `strings`.

export interface HeapSnapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: (string[] | string)[] };
  };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  count: number;
  bytes: number;
}

/**
 * Self size and count per kind: an object by its constructor's name, a closure as
 * `(closure) <name>`, every string as `(string)`, other node types (arrays, code, hidden…) as
 * `(<type>)`, with the name where it says something (native and synthetic nodes).
 */
export function groupHeap(snapshot: HeapSnapshot): Map<string, HeapGroup> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  if (!Array.isArray(types)) throw new Error('heap snapshot: node_types[0] is not the type list');
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  if (typeAt < 0 || nameAt < 0 || sizeAt < 0) throw new Error('heap snapshot: unknown layout');

  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i + width <= snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt] ?? -1] ?? '?';
    const name = snapshot.strings[snapshot.nodes[i + nameAt] ?? -1] ?? '';
    let key: string;
    if (type === 'object') key = name;
    else if (type === 'closure') key = `(closure) ${name}`;
    else if (type.endsWith('string')) key = '(string)';
    else if (type === 'native' || type === 'synthetic') key = `(${type}) ${name.slice(0, 40)}`;
    else key = `(${type})`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += snapshot.nodes[i + sizeAt] ?? 0;
    groups.set(key, group);
  }
  return groups;
}

export interface HeapDiffRow {
  kind: string;
  /** Objects added per unit (per socket). */
  count: number;
  /** Bytes added per unit. */
  bytes: number;
}

/** What `after` holds beyond `before`, divided by `units` (e.g. the sockets opened between). */
export function diffHeap(
  before: Map<string, HeapGroup>,
  after: Map<string, HeapGroup>,
  units: number,
): { totalBytes: number; rows: HeapDiffRow[] } {
  const rows: HeapDiffRow[] = [];
  let total = 0;
  for (const kind of new Set([...before.keys(), ...after.keys()])) {
    const a = after.get(kind) ?? { count: 0, bytes: 0 };
    const b = before.get(kind) ?? { count: 0, bytes: 0 };
    total += a.bytes - b.bytes;
    rows.push({ kind, count: (a.count - b.count) / units, bytes: (a.bytes - b.bytes) / units });
  }
  rows.sort((x, y) => y.bytes - x.bytes);
  return { totalBytes: total / units, rows };
}
