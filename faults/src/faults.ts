// The faults. Each one breaks something for real (scripts/infra/ctl.sh restarts a shared server,
// scripts/cluster/ctl.sh SIGKILLs / SIGSTOPs one process) and ends with the "restore" step a
// person or an orchestrator would take (the server is back, the killed process is started again,
// the paused one continued). Nothing else is ever restarted by hand: recovering is the services'
// job, and the runner checks it.
import { metricValue, type ChatProcess, type Cluster, type ClusterProcess } from './cluster.js';
import type { FaultName } from './fault-names.js';
import type { Profile } from './options.js';
import { formatMs, sleep, waitFor } from './timing.js';

export interface FaultContext {
  cluster: Cluster;
  profile: Profile;
  log: (message: string) => void;
  /** Every client connected, every room joined, and each acknowledged a message since `since`. */
  clientsServedSince: (since: number) => boolean;
  /** Who is not (for a timeout message). */
  describeClients: (since: number) => string;
  /**
   * Remembers what an aborted run must undo (a paused process, a killed one); the returned
   * function forgets it once the fault restored it itself.
   */
  track: (undo: Undo) => () => void;
}

export type Undo =
  | { kind: 'cont'; proc: ClusterProcess }
  | { kind: 'start'; proc: ClusterProcess }
  /** A shared server paused by a signal (not one of the cluster's processes). */
  | { kind: 'cont-pid'; pid: number; name: string };

export interface FaultOutcome {
  /** When the restore step finished (the server is back, the process started or continued). */
  restoredAt: number;
  notes: string[];
  /** Failures the fault itself observed (e.g. clients that did not fail over). */
  problems: string[];
}

export interface Fault {
  name: FaultName;
  title: string;
  inject: (ctx: FaultContext) => Promise<FaultOutcome>;
  /** Notes read once everything caught up (before the check). */
  after?: (ctx: FaultContext) => Promise<string[]>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function chatSockets(cluster: Cluster, proc: ChatProcess): Promise<number> {
  const text = await cluster.metrics(proc);
  return text === undefined ? 0 : metricValue(text, 'chat_connected_sockets');
}

function serverRestart(
  name: FaultName,
  server: 'kafka' | 'redis' | 'postgres',
  title: string,
): Fault {
  return {
    name,
    title,
    async inject({ cluster }) {
      const { ms } = await cluster.server(server, 'restart');
      return {
        restoredAt: Date.now(),
        notes: [`${server} stop + start took ${formatMs(ms)}`],
        problems: [],
      };
    },
  };
}

const chatPause: Fault = {
  name: 'chat-pause',
  title: 'SIGSTOP a chat process, then SIGCONT',
  async inject({ cluster, profile, log, track }) {
    const counts = {
      'chat-a': await chatSockets(cluster, 'chat-a'),
      'chat-b': await chatSockets(cluster, 'chat-b'),
    };
    const proc: ChatProcess = counts['chat-b'] >= counts['chat-a'] ? 'chat-b' : 'chat-a';
    const paused = track({ kind: 'cont', proc });
    await cluster.process(proc, 'stop');
    log(`${proc} paused (${counts[proc]} sockets) for ${formatMs(profile.pauseMs)}`);
    await sleep(profile.pauseMs);
    await cluster.process(proc, 'cont');
    paused();
    return {
      restoredAt: Date.now(),
      notes: [`${proc} (${counts[proc]} sockets) frozen ${formatMs(profile.pauseMs)}`],
      problems: [],
    };
  },
};

/**
 * SIGKILL with a batch in flight, deterministically: the archive is held (SIGSTOP) while messages
 * pile up in Kafka; its database (FerretDB) is frozen (SIGSTOP); the archive is continued, fetches
 * the backlog and starts writing it, a write that cannot complete while the database is frozen, so
 * nothing it fetched can be committed either; one second later it is SIGKILLed. The database is
 * continued (it may still finish that insert: the replay then shows as duplicates) and the archive
 * started again.
 */
const archiveKill: Fault = {
  name: 'archive-kill',
  title: 'SIGKILL the archive consumer mid-batch, start it again',
  async inject({ cluster, profile, log, track }) {
    const paused = track({ kind: 'cont', proc: 'archive' });
    await cluster.process('archive', 'stop');
    await sleep(profile.archiveBacklogMs);
    const store = cluster.serverPid('mongo');
    const archivePid = cluster.pid('archive');
    const frozen = track({ kind: 'cont-pid', pid: store, name: 'FerretDB' });
    process.kill(store, 'SIGSTOP');
    const killed = track({ kind: 'start', proc: 'archive' });
    try {
      await cluster.process('archive', 'cont');
      paused();
      await sleep(1_000);
      process.kill(archivePid, 'SIGKILL');
      await waitFor('the killed archive to exit', () => !alive(archivePid), {
        timeoutMs: 10_000,
        intervalMs: 20,
      });
    } finally {
      process.kill(store, 'SIGCONT');
      frozen();
    }
    const note = 'killed 1 s into writing its backlog (database frozen: nothing committed)';
    log(`archive: ${note}`);
    await sleep(profile.restartDelayMs);
    await cluster.process('archive', 'start');
    killed();
    return { restoredAt: Date.now(), notes: [note], problems: [] };
  },
  async after({ cluster }) {
    // The batch it died in was replayed from the last committed offsets: already archived ids
    // come back as duplicates, which change nothing.
    const text = await cluster.metrics('archive');
    const duplicates =
      text === undefined
        ? '?'
        : String(
            metricValue(text, 'archive_ingested_total', { source: 'kafka', result: 'duplicate' }),
          );
    return [`${duplicates} replayed duplicates absorbed after the restart`];
  },
};

/**
 * chat-a is SIGKILLed; its clients must reconnect through nginx to chat-b and carry on (resend
 * what was not acknowledged, rejoin with afterSeq) BEFORE chat-a is started again.
 */
const chatKill: Fault = {
  name: 'chat-kill',
  title: 'SIGKILL a chat process (clients fail over), start it again',
  async inject({ cluster, profile, log, track, clientsServedSince, describeClients }) {
    const proc: ChatProcess = 'chat-a';
    const sockets = await chatSockets(cluster, proc);
    const killed = track({ kind: 'start', proc });
    const killedAt = Date.now();
    await cluster.process(proc, 'kill');
    const notes = [`${sockets} sockets on ${proc}`];
    const problems: string[] = [];
    try {
      const waited = await waitFor(
        'every client to fail over to chat-b',
        () => clientsServedSince(killedAt),
        {
          timeoutMs: 30_000,
          intervalMs: 100,
          describe: () => describeClients(killedAt),
        },
      );
      notes.push(`failover ${formatMs(waited)}`);
      log(`${proc} killed; every client served by chat-b after ${formatMs(waited)}`);
    } catch (error) {
      problems.push(
        `clients did not fail over while ${proc} was down: ${(error as Error).message}`,
      );
    }
    await sleep(profile.restartDelayMs);
    await cluster.process(proc, 'start');
    killed();
    return { restoredAt: Date.now(), notes, problems };
  },
};

export const faults: Record<FaultName, Fault> = {
  'kafka-restart': serverRestart('kafka-restart', 'kafka', 'restart the Kafka broker'),
  'redis-restart': serverRestart('redis-restart', 'redis', 'restart Redis'),
  'postgres-restart': serverRestart('postgres-restart', 'postgres', 'restart Postgres'),
  'chat-pause': chatPause,
  'archive-kill': archiveKill,
  'chat-kill': chatKill,
};
