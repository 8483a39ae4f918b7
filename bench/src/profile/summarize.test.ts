import { categoryOf, summarizeProfile, type CpuProfile } from './summarize.js';

describe('categoryOf', () => {
  test.each([
    ['(garbage collector)', '', 'GC'],
    ['(idle)', '', 'idle'],
    ['(program)', '', 'V8/native (program)'],
    ['writev', '', 'native'],
    [
      'parse',
      'file:///w/node_modules/socket.io-parser/build/esm/index.js',
      'npm: socket.io-parser',
    ],
    [
      'x',
      'file:///w/node_modules/@socket.io/redis-adapter/dist/index.js',
      'npm: @socket.io/redis-adapter',
    ],
    ['send', 'file:///w/services/chat/dist/messages/message.service.js', 'ours: chat'],
    ['emit', 'node:events', 'node core'],
    ['y', 'file:///tmp/thing.js', 'other'],
  ])('%s at %s is %s', (name, url, category) => {
    expect(categoryOf(name, url)).toBe(category);
  });
});

describe('summarizeProfile', () => {
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
    id,
    callFrame: { functionName, url, lineNumber: 9, columnNumber: 0 },
    children,
  });
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', '', [2, 3, 4, 5]),
      frame(2, 'send', 'file:///w/services/chat/dist/messages/message.service.js'),
      frame(3, 'encode', 'file:///w/node_modules/socket.io-parser/build/index.js'),
      frame(4, '(garbage collector)', ''),
      frame(5, '(idle)', ''),
    ],
    startTime: 0,
    endTime: 10_000,
    // Each delta belongs to the previous sample's frame.
    samples: [2, 2, 3, 4, 5, 5],
    timeDeltas: [0, 1_000, 3_000, 2_000, 2_000, 2_000],
  };

  test('self time by function and category, idle left out of the shares', () => {
    const summary = summarizeProfile(profile);
    // send 1 + 3 ms, encode 2 ms, GC 2 ms; the last 2 ms were idle.
    expect(summary.busyMs).toBe(8);
    expect(summary.categories).toEqual([
      { name: 'ours: chat', ms: 4, pct: 50 },
      { name: 'npm: socket.io-parser', ms: 2, pct: 25 },
      { name: 'GC', ms: 2, pct: 25 },
    ]);
    expect(summary.functions[0]).toMatchObject({
      name: 'send',
      where: 'services/chat/dist/messages/message.service.js:10',
      ms: 4,
    });
  });

  test('falls back to hit counts without samples', () => {
    const summary = summarizeProfile({
      ...profile,
      samples: undefined,
      timeDeltas: undefined,
      nodes: profile.nodes.map((n) => ({ ...n, hitCount: n.id === 2 ? 3 : n.id === 4 ? 1 : 0 })),
    });
    expect(summary.categories.map((c) => c.name)).toEqual(['ours: chat', 'GC']);
    expect(summary.categories[0]?.pct).toBe(75);
  });
});
