// The two profiles of the fault run and the command line.
//   full   (make test-faults)        32 users × 1 msg/s in 8 rooms, SIGSTOP 20 s, ≈ 2.5 minutes
//   short  (make test-faults-short)   8 users × 1 msg/s in 4 rooms, SIGSTOP 5 s, ≈ 1.5 minutes
import { faultNames, type FaultName } from './fault-names.js';

export interface Profile {
  name: 'full' | 'short';
  users: number;
  rooms: number;
  /** Rooms each user is a member of and writes to (round robin). */
  roomsPerUser: number;
  /** Messages per second per user. */
  ratePerUser: number;
  /** Steady load before each fault. */
  warmupMs: number;
  /** Steady load after the services recovered, before the load stops and the ledgers are checked. */
  settleMs: number;
  /** How long a chat process stays SIGSTOPped. */
  pauseMs: number;
  /** How long the archive is held (SIGSTOP) to build a backlog it is then killed ingesting. */
  archiveBacklogMs: number;
  /** Between a SIGKILL and the start "by the orchestrator" (after the clients failed over). */
  restartDelayMs: number;
  /** Bounds: everything recovered after a fault; every message acknowledged after the load stops;
   * every user holding every seq; the archive holding every acknowledged message. */
  recoveryTimeoutMs: number;
  drainTimeoutMs: number;
  convergeTimeoutMs: number;
  archiveTimeoutMs: number;
  /** Kafka consumers proven alive after a fault (revocation and presence events consumed). */
  consumerProbeTimeoutMs: number;
  /** The whole run, cluster start included. */
  deadlineMs: number;
}

export const profiles: Record<Profile['name'], Profile> = {
  full: {
    name: 'full',
    users: 32,
    rooms: 8,
    roomsPerUser: 2,
    ratePerUser: 1,
    warmupMs: 5_000,
    settleMs: 5_000,
    pauseMs: 20_000,
    archiveBacklogMs: 3_000,
    restartDelayMs: 2_000,
    recoveryTimeoutMs: 90_000,
    drainTimeoutMs: 60_000,
    convergeTimeoutMs: 30_000,
    archiveTimeoutMs: 60_000,
    consumerProbeTimeoutMs: 30_000,
    deadlineMs: 420_000,
  },
  short: {
    name: 'short',
    users: 8,
    rooms: 4,
    roomsPerUser: 2,
    ratePerUser: 1,
    warmupMs: 1_500,
    settleMs: 1_500,
    pauseMs: 5_000,
    archiveBacklogMs: 1_500,
    restartDelayMs: 1_000,
    recoveryTimeoutMs: 60_000,
    drainTimeoutMs: 40_000,
    convergeTimeoutMs: 20_000,
    archiveTimeoutMs: 40_000,
    consumerProbeTimeoutMs: 25_000,
    deadlineMs: 200_000,
  },
};

export interface CliOptions {
  profile: Profile;
  faults: FaultName[];
  /** Leave the cluster running at the end (for looking around); default: stop it. */
  keepCluster: boolean;
  help: boolean;
}

export const usage = `Usage: node faults/dist/main.js [--short] [--only <fault,...>] [--keep-cluster]
  Starts the local cluster (scripts/cluster/up.sh), puts it under steady Socket.IO load through
  nginx, injects one fault at a time and checks the client-side ledgers against Postgres and the
  archive. Exit 0 only if nothing acknowledged was lost or duplicated, no user was left with a
  gap and every service recovered. Results: .infra/faults/.
  --short          smaller load and shorter pauses (the form inside make test)
  --only a,b       only these faults (${faultNames.join(', ')})
  --keep-cluster   do not stop the cluster at the end`;

export function parseArgs(argv: readonly string[]): CliOptions {
  let profile = profiles.full;
  let faults: FaultName[] = [...faultNames];
  let keepCluster = false;
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--short') profile = profiles.short;
    else if (arg === '--keep-cluster') keepCluster = true;
    else if (arg === '-h' || arg === '--help') help = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) throw new Error('--only needs a comma-separated list of faults');
      const wanted = value.split(',').map((s) => s.trim());
      const unknown = wanted.filter((w) => !(faultNames as readonly string[]).includes(w));
      if (unknown.length > 0) {
        throw new Error(`unknown fault(s) ${unknown.join(', ')}; known: ${faultNames.join(', ')}`);
      }
      faults = faultNames.filter((f) => wanted.includes(f));
    } else {
      throw new Error(`unknown argument '${arg}'\n${usage}`);
    }
  }
  return { profile, faults, keepCluster, help };
}
