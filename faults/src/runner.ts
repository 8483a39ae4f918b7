// One fault run: a fresh cluster, N users in R rooms sending at a steady rate through nginx, then
// a baseline phase and one phase per fault. A phase is:
//   steady load → inject the fault (and its restore step) → wait until every process is ready
//   and every client connected, joined and acknowledged again (the recovery time) → steady load →
//   stop writing → every message acknowledged (drain) → one closing message per room → every user
//   holds every seq of its rooms → Kafka consumers proven alive → the archive holds every
//   acknowledged message → the ledgers checked against Postgres and the archive (verify.ts).
// Every wait is bounded (options.ts); the whole run too (main.ts).
import { randomBytes } from 'node:crypto';
import { createRoom, register, type SignedInUser } from './api.js';
import { Cluster, metricValue, repoRoot, type InfraServer } from './cluster.js';
import { holdClusterLock } from './cluster-lock.js';
import { probeConsumers } from './consumer-probe.js';
import type { FaultName } from './fault-names.js';
import { faults, type Fault, type FaultContext, type Undo } from './faults.js';
import { Ledger } from './ledger.js';
import { LoadClient, type ClientEvent } from './load-client.js';
import type { Profile } from './options.js';
import type { PhaseResult } from './report.js';
import { runCommand } from './shell.js';
import { ArchiveReader, readPostgres } from './stores.js';
import { formatMs, sleep, waitFor, WaitTimeoutError } from './timing.js';
import { verify, type Verification } from './verify.js';

export interface RunnerOptions {
  profile: Profile;
  faults: readonly FaultName[];
  logFile: string;
  log: (line: string) => void;
}

/** The control row: the same load and checks with no fault, so a failure there is the harness's. */
const baseline: Pick<Fault, 'title' | 'inject' | 'after'> = {
  title: 'steady load, no fault',
  inject: async () => ({ restoredAt: Date.now(), notes: [], problems: [] }),
};

export interface RunResult {
  results: PhaseResult[];
  acknowledged: number;
  /** From the last check; undefined when it could not be made. */
  lost: number | undefined;
  ok: boolean;
  setup: { users: number; rooms: number; socketsPerProcess: Record<string, number>; ms: number };
}

export class FaultRunner {
  readonly ledger = new Ledger();
  readonly cluster: Cluster;
  private clients: LoadClient[] = [];
  private roomIds: string[] = [];
  private probeUser: { username: string; password: string } | undefined;
  private archive: ArchiveReader | undefined;
  private phase = 'setup';
  private writing = false;
  private generator: NodeJS.Timeout | undefined;
  private readonly nextSendAt = new Map<LoadClient, number>();
  private readonly undo = new Set<Undo>();
  private releaseLock: (() => void) | undefined;
  private readonly events: ClientEvent[] = [];

  constructor(private readonly options: RunnerOptions) {
    this.cluster = new Cluster({
      logFile: options.logFile,
      serviceEnv: {
        // A killed archive's group membership lingers for the session timeout before the
        // restarted one gets the partitions: 10 s (the minimum is 6 s) instead of the default 30 s
        // keeps the run short. It changes when ingest resumes, not whether anything is lost.
        CLUSTER_ENV_ARCHIVE_INGEST_SESSION_TIMEOUT: '10s',
      },
    });
  }

  private log(line: string): void {
    this.options.log(line);
  }

  async run(): Promise<RunResult> {
    const setup = await this.setUp();
    const results: PhaseResult[] = [];
    let last: Verification | undefined;
    const phases: {
      name: string;
      fault: Pick<Fault, 'title' | 'inject' | 'after'>;
      isFault: boolean;
    }[] = [
      { name: 'baseline', fault: baseline, isFault: false },
      ...this.options.faults.map((name) => ({ name, fault: faults[name], isFault: true })),
    ];
    for (const { name, fault, isFault } of phases) {
      const { result, verification: v, fatal } = await this.runPhase(name, fault, isFault);
      results.push(result);
      // The check is cumulative: the last phase's tells the run's totals (none: unknown).
      last = v;
      this.log(
        `[faults] ${name}: ${result.ok ? 'ok' : 'FAILED'} in ${formatMs(result.durationMs)} (recovery ${formatMs(result.recoveryMs)})`,
      );
      if (fatal) {
        this.log(`[faults] stopping: ${fatal}`);
        break;
      }
    }
    const acknowledged = this.ledger.records().filter((r) => r.ack).length;
    const lost = last?.lost;
    return {
      results,
      acknowledged,
      lost,
      ok: results.every((r) => r.ok) && results.length === phases.length,
      setup,
    };
  }

  // ── set-up ────────────────────────────────────────────────────────────────────────────────

  private async setUp(): Promise<RunResult['setup']> {
    const { profile } = this.options;
    const started = Date.now();
    this.releaseLock = await holdClusterLock(120_000, (m) => {
      this.log(`[faults] ${m}`);
    });
    this.log('[faults] starting the local cluster (scripts/cluster/up.sh: fresh databases)…');
    const env = await this.cluster.up();
    this.log(`[faults] cluster up: ${env.baseUrl}`);
    this.archive = new ArchiveReader(env.mongoUri);

    const run = randomBytes(3).toString('hex');
    const password = `Fault-${randomBytes(12).toString('base64url')}`;
    const users: SignedInUser[] = [];
    for (let i = 0; i < profile.users; i += 4) {
      const batch = Array.from({ length: Math.min(4, profile.users - i) }, (_, k) =>
        register(env.baseUrl, `f${run}_u${i + k}`, password),
      );
      users.push(...(await Promise.all(batch)));
    }
    this.probeUser = { username: `f${run}_probe`, password };
    await register(env.baseUrl, this.probeUser.username, password);
    for (let r = 0; r < profile.rooms; r += 1) {
      const owner = users[r % users.length];
      if (!owner) throw new Error('no users');
      this.roomIds.push(
        await createRoom(env.baseUrl, owner.accessToken, `faults ${run} room ${r}`),
      );
    }
    this.clients = users.map((user, i) => {
      const rooms = Array.from(
        { length: profile.roomsPerUser },
        (_, k) => this.roomIds[(i + k) % this.roomIds.length] ?? '',
      );
      return new LoadClient({
        baseUrl: env.baseUrl,
        user,
        rooms: [...new Set(rooms)],
        ledger: this.ledger,
        phase: () => this.phase,
        onEvent: (event) => this.events.push(event),
      });
    });
    for (const client of this.clients) client.connect();
    await waitFor(
      'every user to connect and join its rooms',
      () => this.clients.every((c) => c.ready),
      {
        timeoutMs: 30_000,
        describe: () => this.describeClients(0),
      },
    );
    const socketsPerProcess: Record<string, number> = {};
    for (const proc of ['chat-a', 'chat-b'] as const) {
      const text = await this.cluster.metrics(proc);
      socketsPerProcess[proc] =
        text === undefined ? 0 : metricValue(text, 'chat_connected_sockets');
    }
    if (Object.values(socketsPerProcess).some((n) => n === 0)) {
      throw new Error(
        `nginx did not spread the sockets over both chat processes: ${JSON.stringify(socketsPerProcess)}`,
      );
    }
    this.log(
      `[faults] ${users.length} users in ${this.roomIds.length} rooms (${profile.roomsPerUser} each), ${profile.ratePerUser} msg/s each; sockets ${JSON.stringify(socketsPerProcess)}`,
    );
    this.startGenerator();
    return {
      users: users.length,
      rooms: this.roomIds.length,
      socketsPerProcess,
      ms: Date.now() - started,
    };
  }

  /** Every 50 ms, each user whose turn has come writes its next message (jittered ±50 %). */
  private startGenerator(): void {
    const intervalMs = 1_000 / this.options.profile.ratePerUser;
    const now = Date.now();
    for (const client of this.clients) {
      this.nextSendAt.set(client, now + Math.random() * intervalMs);
    }
    this.generator = setInterval(() => {
      if (!this.writing) return;
      const t = Date.now();
      for (const client of this.clients) {
        const at = this.nextSendAt.get(client) ?? t;
        if (t < at) continue;
        client.sendNext();
        this.nextSendAt.set(client, Math.max(t, at) + intervalMs * (0.5 + Math.random()));
      }
    }, 50);
  }

  private setWriting(on: boolean): void {
    if (on && !this.writing) {
      const t = Date.now();
      for (const client of this.clients) this.nextSendAt.set(client, t + Math.random() * 200);
    }
    this.writing = on;
  }

  // ── one phase ─────────────────────────────────────────────────────────────────────────────

  private clientsServedSince(since: number): boolean {
    return this.clients.every((c) => c.ready && c.lastAckAt > since);
  }

  private describeClients(since: number): string {
    const behind = this.clients.filter((c) => !c.ready || c.lastAckAt <= since);
    const states = behind.slice(0, 6).map((c) => {
      const state = !c.connected ? 'not connected' : !c.ready ? 'not joined' : 'no ack since';
      return `${c.user.username} ${state} (${c.pending} pending)`;
    });
    return `${behind.length}/${this.clients.length} users not served: ${states.join(', ')}`;
  }

  private context(): FaultContext {
    return {
      cluster: this.cluster,
      profile: this.options.profile,
      log: (m) => {
        this.log(`[faults]   ${m}`);
      },
      clientsServedSince: (since) => this.clientsServedSince(since),
      describeClients: (since) => this.describeClients(since),
      track: (undo) => {
        this.undo.add(undo);
        return () => {
          this.undo.delete(undo);
        };
      },
    };
  }

  private async runPhase(
    name: string,
    fault: Pick<Fault, 'title' | 'inject' | 'after'>,
    isFault: boolean,
  ): Promise<{ result: PhaseResult; verification?: Verification; fatal?: string }> {
    const { profile } = this.options;
    const started = Date.now();
    this.phase = name;
    const connectsBefore = this.clients.reduce((n, c) => n + c.connects, 0);
    const problems: string[] = [];
    const notes: string[] = [];
    let fatal: string | undefined;
    let recoveryMs: number | undefined;
    this.log(`[faults] ── ${name}: ${fault.title}`);

    this.setWriting(true);
    await sleep(profile.warmupMs);
    const injectedAt = Date.now();
    try {
      const outcome = await fault.inject(this.context());
      notes.push(...outcome.notes);
      problems.push(...outcome.problems);
      try {
        await waitFor(
          'every process ready and every user connected, joined and acknowledged again',
          async () =>
            this.clientsServedSince(outcome.restoredAt) &&
            (await this.cluster.notReady()).length === 0,
          {
            timeoutMs: profile.recoveryTimeoutMs,
            intervalMs: 100,
            describe: async () => {
              const down = await this.cluster.notReady();
              return `${down.length > 0 ? `not ready: ${down.join(', ')}; ` : ''}${this.describeClients(outcome.restoredAt)}`;
            },
          },
        );
        recoveryMs = isFault ? Date.now() - injectedAt : undefined;
      } catch (error) {
        problems.push(`did not recover: ${(error as Error).message}`);
        fatal = `${name} did not recover`;
      }
    } catch (error) {
      problems.push(`the fault could not be injected or restored: ${(error as Error).message}`);
      fatal = `${name} failed`;
    }
    if (!fatal) await sleep(profile.settleMs);
    this.setWriting(false);

    await this.drain(problems, 'the load stopped');
    // One more message per room, from a member, so every user sees the room's end live and can
    // tell whether anything before it is missing, as after any conversation that goes on.
    for (const roomId of this.roomIds) {
      this.clients.find((c) => c.rooms.includes(roomId))?.send(roomId);
    }
    await this.drain(problems, 'the closing messages');
    await this.converge(problems);
    if (!fatal) await this.probeConsumers(problems, notes);
    await this.waitForArchive(problems);
    if (fault.after) {
      try {
        notes.push(...(await fault.after(this.context())));
      } catch (error) {
        notes.push(`(notes unavailable: ${(error as Error).message})`);
      }
    }
    const verification = await this.check(problems);

    const phaseRecords = this.ledger.records().filter((r) => r.phase === name);
    const repairs = this.ledger.repairs.filter((r) => r.start >= started);
    const longest = (cause: 'gap' | 'resume') => {
      const times = repairs.filter((r) => r.cause === cause).map((r) => r.end - r.start);
      return times.length > 0 ? Math.max(...times) : undefined;
    };
    const result: PhaseResult = {
      fault: name,
      title: fault.title,
      isFault,
      sent: phaseRecords.length,
      acknowledged: phaseRecords.filter((r) => r.ack).length,
      lost: verification?.lost ?? 0,
      duplicated: verification?.duplicated ?? 0,
      gaps: verification?.gaps ?? 0,
      maxGapRepairMs: longest('gap'),
      maxResumeMs: longest('resume'),
      recoveryMs,
      durationMs: Date.now() - started,
      reconnects: this.clients.reduce((n, c) => n + c.connects, 0) - connectsBefore,
      retries: phaseRecords.reduce((n, r) => n + Math.max(0, r.attempts - 1), 0),
      notes,
      problems,
      findings: verification?.findings ?? [],
      ok: problems.length === 0 && verification?.ok === true,
    };
    return { result, ...(verification ? { verification } : {}), ...(fatal ? { fatal } : {}) };
  }

  private pendingDescription(): string {
    const pending = this.ledger.records().filter((r) => !r.ack && r.refusal === undefined);
    const sample = pending
      .slice(0, 5)
      .map((r) => `${r.clientMsgId} (user ${r.userId.slice(0, 8)}, ${r.attempts} attempts)`);
    return `${pending.length} not acknowledged: ${sample.join(', ')}`;
  }

  private async drain(problems: string[], what: string): Promise<void> {
    try {
      await waitFor(
        `every message acknowledged after ${what}`,
        () => this.clients.every((c) => c.pending === 0),
        {
          timeoutMs: this.options.profile.drainTimeoutMs,
          describe: () => this.pendingDescription(),
        },
      );
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  /** Every user connected and joined, holding every acknowledged seq of its rooms. */
  private async converge(problems: string[]): Promise<void> {
    const behind = () => {
      const last = this.ledger.lastAckedSeq();
      const out: string[] = [];
      for (const client of this.clients) {
        if (!client.ready) {
          out.push(`${client.user.username} not ${client.connected ? 'joined' : 'connected'}`);
          continue;
        }
        for (const roomId of client.rooms) {
          const view = this.ledger.view(client.user.userId, roomId);
          const end = last.get(roomId) ?? 0;
          if (view.top < end) {
            out.push(`${client.user.username} room ${roomId.slice(0, 8)} at ${view.top}/${end}`);
          }
        }
      }
      return out;
    };
    try {
      await waitFor('every user to hold every seq of its rooms', () => behind().length === 0, {
        timeoutMs: this.options.profile.convergeTimeoutMs,
        describe: () => {
          const list = behind();
          return `${list.length} behind: ${list.slice(0, 6).join(', ')}`;
        },
      });
    } catch (error) {
      // The check then lists each gap with its exact seqs.
      if (!(error instanceof WaitTimeoutError)) throw error;
      problems.push(error.message);
    }
  }

  /** The chat processes' Kafka consumers work again (consumer-probe.ts). */
  private async probeConsumers(problems: string[], notes: string[]): Promise<void> {
    if (!this.probeUser) return;
    try {
      const { revocationMs } = await probeConsumers(
        this.cluster,
        this.probeUser,
        this.options.profile.consumerProbeTimeoutMs,
      );
      notes.push(`logout closed sockets in ${formatMs(revocationMs)}`);
    } catch (error) {
      problems.push(`Kafka consumers of the chat processes: ${(error as Error).message}`);
    }
  }

  /**
   * Waits until the outbox is empty and the archive holds every acknowledged message. If it does
   * not in time, the check names every message the archive lacks.
   */
  private async waitForArchive(problems: string[]): Promise<void> {
    const env = this.cluster.env;
    if (!env || !this.archive) return;
    const archive = this.archive;
    let state = '';
    try {
      await waitFor(
        'the outbox to be published and the archive to hold every acknowledged message',
        async () => {
          const [rows, archived] = await Promise.all([
            readPostgres(env.databaseUrl),
            archive.read(),
          ]);
          const have = new Set(archived.map((m) => m.id));
          const unpublished = rows.filter((r) => !r.published).length;
          const missing = this.ledger.records().filter((r) => r.ack && !have.has(r.ack.id)).length;
          state = `${unpublished} rows not yet published to Kafka, ${missing} acknowledged messages not archived`;
          return unpublished === 0 && missing === 0;
        },
        {
          timeoutMs: this.options.profile.archiveTimeoutMs,
          intervalMs: 1_000,
          describe: () => state,
        },
      );
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  private async check(problems: string[]): Promise<Verification | undefined> {
    const env = this.cluster.env;
    if (!env || !this.archive) return undefined;
    try {
      const [postgres, archive] = await Promise.all([
        readPostgres(env.databaseUrl),
        this.archive.read(),
      ]);
      return verify({
        sends: this.ledger.records(),
        postgres,
        archive,
        archiveComplete: true,
        views: this.clients.flatMap((c) =>
          c.rooms.map((room) => this.ledger.view(c.user.userId, room)),
        ),
      });
    } catch (error) {
      problems.push(`could not read Postgres or the archive to check: ${(error as Error).message}`);
      return undefined;
    }
  }

  // ── the end ───────────────────────────────────────────────────────────────────────────────

  /**
   * Leaves the machine as it found it, whatever happened: a paused process continued, a killed
   * one started, every shared server up; then the cluster stopped (unless kept).
   */
  async cleanUp(keepCluster: boolean): Promise<void> {
    if (this.generator) clearInterval(this.generator);
    for (const client of this.clients) client.close();
    await this.archive?.close().catch(() => undefined);
    const attempt = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        this.log(`[faults] clean-up: ${what} failed: ${(error as Error).message}`);
      }
    };
    const undo = [...this.undo];
    // Databases and paused processes first, so what is started next finds them running.
    for (const u of undo) {
      if (u.kind === 'cont-pid') {
        await attempt(`SIGCONT ${u.name}`, async () => {
          process.kill(u.pid, 'SIGCONT');
        });
      } else if (u.kind === 'cont') {
        await attempt(`SIGCONT ${u.proc}`, () => this.cluster.process(u.proc, 'cont'));
      }
    }
    for (const server of ['postgres', 'redis', 'kafka'] as InfraServer[]) {
      await attempt(`checking ${server}`, async () => {
        try {
          await runCommand(`${repoRoot}scripts/infra/ctl.sh`, [server, 'status'], {
            cwd: repoRoot,
            timeoutMs: 20_000,
          });
        } catch {
          this.log(`[faults] clean-up: ${server} is down, starting it`);
          await this.cluster.server(server, 'start');
        }
      });
    }
    if (keepCluster) {
      for (const u of undo) {
        if (u.kind === 'start') {
          await attempt(`starting ${u.proc}`, () => this.cluster.process(u.proc, 'start'));
        }
      }
      this.log('[faults] the cluster keeps running (--keep-cluster): scripts/cluster/status.sh');
    } else {
      await attempt('stopping the cluster', () => this.cluster.down());
    }
    this.releaseLock?.();
  }

  clientEvents(): ClientEvent[] {
    return this.events;
  }
}
