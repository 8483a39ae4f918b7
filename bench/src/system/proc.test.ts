import {
  cpuBetween,
  groupTicks,
  parseMachineCpu,
  parseNofile,
  parseProcStat,
  parseStatusKb,
  processTree,
  readProcStat,
  readRssKb,
  type CpuSnapshot,
  type ProcessGroup,
  type ProcStat,
} from './proc.js';

// A real line's shape: 52 fields, the name with a space and parentheses in it.
const statLine = (
  pid: number,
  ppid: number,
  comm: string,
  ut: number,
  st: number,
  cu = 0,
  cs = 0,
) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 1000 0 0 0 ${ut} ${st} ${cu} ${cs} 20 0 11 0 ` +
  `12345 1200000000 5000 18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0`;

describe('/proc parsing', () => {
  test('stat fields are counted from the last parenthesis', () => {
    const stat = parseProcStat(statLine(42, 1, 'node (chat) a', 150, 30, 7, 3));
    expect(stat).toEqual({
      pid: 42,
      comm: 'node (chat) a',
      state: 'S',
      ppid: 1,
      utime: 150,
      stime: 30,
      cutime: 7,
      cstime: 3,
      rssPages: 5000,
    });
  });

  test('a malformed stat line is an error', () => {
    expect(() => parseProcStat('garbage')).toThrow(/not a/);
  });

  test('this process can be read', () => {
    const self = readProcStat(process.pid);
    expect(self?.pid).toBe(process.pid);
    expect(readRssKb(process.pid)).toBeGreaterThan(1_000);
    expect(readProcStat(2 ** 30)).toBeUndefined();
  });

  test('status and limits', () => {
    expect(parseStatusKb('Name:\tnode\nVmRSS:\t  123456 kB\nVmHWM:\t1 kB\n', 'VmRSS')).toBe(
      123_456,
    );
    expect(parseStatusKb('Name:\tnode\n', 'VmRSS')).toBeUndefined();
    expect(
      parseNofile(
        'Limit                     Soft Limit           Hard Limit           Units\n' +
          'Max open files            20000                1048576              files\n',
      ),
    ).toEqual({ soft: 20_000, hard: 1_048_576 });
    expect(parseNofile('Max open files  unlimited unlimited files')).toEqual({
      soft: Number.POSITIVE_INFINITY,
      hard: Number.POSITIVE_INFINITY,
    });
  });

  test('the machine line of /proc/stat', () => {
    const cpu = parseMachineCpu('cpu  100 5 50 1000 20 1 4 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n');
    expect(cpu).toEqual({ busy: 160, total: 1180 });
    expect(() => parseMachineCpu('intr 1 2 3')).toThrow();
  });
});

describe('process groups', () => {
  const all: ProcStat[] = [
    parseProcStat(statLine(10, 1, 'postgres', 100, 50, 40, 10)), // postmaster, reaped children 50
    parseProcStat(statLine(11, 10, 'postgres', 20, 5)),
    parseProcStat(statLine(12, 10, 'postgres', 30, 5)),
    parseProcStat(statLine(13, 12, 'postgres', 1, 1)),
    parseProcStat(statLine(20, 1, 'node', 500, 100, 99, 99)),
  ];

  test('a tree holds the root and every descendant', () => {
    expect(processTree(10, all).sort()).toEqual([10, 11, 12, 13]);
    expect(processTree(99, all)).toEqual([]);
  });

  test('a tree group counts live children and reaped ones; a single process only itself', () => {
    expect(groupTicks({ name: 'postgres', role: 'server', pids: [10], tree: true }, all)).toBe(
      150 + 50 + 25 + 35 + 2,
    );
    expect(groupTicks({ name: 'gen', role: 'generator', pids: [20], tree: false }, all)).toBe(600);
    expect(groupTicks({ name: 'gone', role: 'server', pids: [77], tree: false }, all)).toBe(0);
  });

  test('cpuBetween turns tick deltas into cores and sums by role', () => {
    const groups: ProcessGroup[] = [
      { name: 'chat', role: 'server', pids: [1], tree: false },
      { name: 'gen', role: 'generator', pids: [2], tree: false },
    ];
    const before: CpuSnapshot = {
      at: 0,
      ticks: new Map([
        ['chat', 1_000],
        ['gen', 500],
      ]),
      machine: { busy: 0, total: 0 },
    };
    const after: CpuSnapshot = {
      at: 10_000,
      ticks: new Map([
        ['chat', 2_000],
        ['gen', 800],
      ]),
      machine: { busy: 1_600, total: 2_000 },
    };
    const report = cpuBetween(groups, before, after);
    // CLK_TCK is 100 on Linux: 1000 ticks = 10 s of CPU over 10 s = 1 core.
    expect(report.serverCores).toBeCloseTo(1, 5);
    expect(report.generatorCores).toBeCloseTo(0.3, 5);
    expect(report.machineBusyCores).toBeCloseTo(1.6, 5);
    expect(report.unaccountedCores).toBeCloseTo(0.3, 5);
  });
});
