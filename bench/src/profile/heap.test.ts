import { diffHeap, groupHeap, type HeapSnapshot } from './heap.js';

/** A snapshot in V8's layout: nodes of [type, name, self_size]. */
function snapshot(nodes: [string, string, number][]): HeapSnapshot {
  const types = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'native', 'synthetic'];
  const strings: string[] = [];
  const at = (s: string) => {
    const i = strings.indexOf(s);
    return i >= 0 ? i : strings.push(s) - 1;
  };
  return {
    snapshot: {
      meta: { node_fields: ['type', 'name', 'self_size'], node_types: [types, 'string'] },
    },
    nodes: nodes.flatMap(([type, name, size]) => [types.indexOf(type), at(name), size]),
    strings,
  };
}

describe('groupHeap', () => {
  test('when nodes are grouped, then objects go by constructor, closures by name, strings together, the rest by type', () => {
    const groups = groupHeap(
      snapshot([
        ['object', 'Socket', 100],
        ['object', 'Socket', 120],
        ['closure', 'onData', 32],
        ['string', 'hello', 24],
        ['string', 'world!', 28],
        ['array', '', 64],
        ['native', 'system / JSArrayBufferData', 500],
      ]),
    );
    expect(groups.get('Socket')).toEqual({ count: 2, bytes: 220 });
    expect(groups.get('(closure) onData')).toEqual({ count: 1, bytes: 32 });
    expect(groups.get('(string)')).toEqual({ count: 2, bytes: 52 });
    expect(groups.get('(array)')).toEqual({ count: 1, bytes: 64 });
    expect(groups.get('(native) system / JSArrayBufferData')).toEqual({ count: 1, bytes: 500 });
  });

  test('when the layout is not a heap snapshot, then it says so', () => {
    const bad = snapshot([]);
    bad.snapshot.meta.node_fields = ['id'];
    expect(() => groupHeap(bad)).toThrow(/unknown layout/);
  });
});

describe('diffHeap', () => {
  test('when sockets were added between two snapshots, then the growth is divided per socket, largest first', () => {
    const before = groupHeap(snapshot([['object', 'Server', 1_000]]));
    const after = groupHeap(
      snapshot([
        ['object', 'Server', 1_000],
        ...Array.from({ length: 10 }, (): [string, string, number] => ['object', 'Socket', 600]),
        ...Array.from({ length: 20 }, (): [string, string, number] => ['closure', 'bound', 40]),
      ]),
    );
    const { totalBytes, rows } = diffHeap(before, after, 10);
    expect(totalBytes).toBe(680);
    expect(rows[0]).toEqual({ kind: 'Socket', count: 1, bytes: 600 });
    expect(rows[1]).toEqual({ kind: '(closure) bound', count: 2, bytes: 80 });
    expect(rows.find((r) => r.kind === 'Server')).toEqual({ kind: 'Server', count: 0, bytes: 0 });
  });
});
