// What a V8 CPU profile (.cpuprofile: `node --cpu-prof`, or Profiler.stop over the inspector)
// says in a few lines: self time by function and by where the code lives (our services, which
// npm package, Node's core, GC, native work), from the samples and their time deltas.

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
    hitCount?: number;
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileLine {
  name: string;
  ms: number;
  /** Share of the non-idle time, %. */
  pct: number;
}

export interface ProfileSummary {
  wallMs: number;
  /** Sampled time that was not idle. */
  busyMs: number;
  categories: ProfileLine[];
  functions: (ProfileLine & { where: string; category: string })[];
}

/** Where a frame's code lives. */
export function categoryOf(functionName: string, url: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    if (functionName === '(root)') return 'root';
    return 'native';
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? '?');
    return `npm: ${name}`;
  }
  if (url.startsWith('node:')) return 'node core';
  const service = /\/services\/([\w-]+)\//.exec(url);
  if (service?.[1]) return `ours: ${service[1]}`;
  if (url.includes('/bench/')) return 'ours: bench';
  return 'other';
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const services = url.indexOf('/services/');
  if (services >= 0) return url.slice(services + 1);
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (samples && timeDeltas && samples.length === timeDeltas.length && samples.length > 0) {
    // timeDeltas[i] is the time since the previous sample: it belongs to sample i − 1's frame.
    for (let i = 1; i < samples.length; i++) {
      const id = samples[i - 1];
      if (id === undefined) continue;
      selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, timeDeltas[i] ?? 0));
    }
  } else {
    const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
    const per = total > 0 ? (profile.endTime - profile.startTime) / total : 0;
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * per);
  }
  const categories = new Map<string, number>();
  const functions = new Map<
    string,
    { name: string; where: string; category: string; us: number }
  >();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const category = categoryOf(functionName, url);
    if (category === 'idle' || category === 'root') continue;
    busyUs += us;
    categories.set(category, (categories.get(category) ?? 0) + us);
    const where = url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`;
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? {
      name: functionName || '(anonymous)',
      where,
      category,
      us: 0,
    };
    entry.us += us;
    functions.set(key, entry);
  }
  const line = (name: string, us: number): ProfileLine => ({
    name,
    ms: Math.round(us / 100) / 10,
    pct: busyUs > 0 ? Math.round((us / busyUs) * 1_000) / 10 : 0,
  });
  return {
    wallMs: Math.round((profile.endTime - profile.startTime) / 1_000),
    busyMs: Math.round(busyUs / 1_000),
    categories: [...categories].sort((a, b) => b[1] - a[1]).map(([name, us]) => line(name, us)),
    functions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ ...line(f.name, f.us), where: f.where, category: f.category })),
  };
}
