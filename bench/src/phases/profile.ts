// A CPU profile of one service process for a window of the workload: over its inspector (see
// profile/inspector.ts), written as .infra/bench/profiles/<name>.cpuprofile (open it in Chrome
// DevTools or speedscope) and summarised by profile/summarize.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../orchestrator/cluster.js';
import type { Log } from '../orchestrator/context.js';
import { InspectorSession } from '../profile/inspector.js';
import { summarizeProfile, type ProfileSummary } from '../profile/summarize.js';

export interface ProfileFigures {
  file: string;
  summary: ProfileSummary;
}

/** Profiles `pid` while `work` runs (the profile covers `ms` from its start). */
export async function profileWhile<T>(
  name: string,
  pid: number,
  ms: number,
  work: () => Promise<T>,
  log: Log,
): Promise<{ value: T; profile: ProfileFigures | { error: string } }> {
  let session: InspectorSession;
  try {
    session = await InspectorSession.attach(pid);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${name}: no profile (${message})`);
    return { value: await work(), profile: { error: message } };
  }
  try {
    const [value, raw] = await Promise.all([work(), session.cpuProfile(ms)]);
    const dir = join(repoRoot, '.infra/bench/profiles');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(raw));
    const summary = summarizeProfile(raw);
    log(
      `${name}: profile ${file.slice(repoRoot.length)} — busy ${summary.busyMs} of ${summary.wallMs} ms; ` +
        summary.categories
          .slice(0, 6)
          .map((c) => `${c.name} ${c.pct}%`)
          .join(', '),
    );
    return { value, profile: { file: file.slice(repoRoot.length), summary } };
  } finally {
    session.close();
  }
}
