// What the orchestrator (main.ts) and a generator process (worker/socket-worker.ts) say to each
// other over the fork IPC channel: requests {id, method, params}, answers {id, result | error},
// and progress notes {progress} the worker pushes while it connects or sends.
import type { SerializedHistogram } from '../stats/histogram.js';
import type { LedgerCounts } from '../stats/ledger.js';

export interface SigningSpec {
  /** PKCS#8 PEM of auth-service's ES256 key (the local cluster's development key). */
  pem: string;
  kid: string;
  issuer: string;
  audience: string;
  ttlSec: number;
}

export interface SocketSpec {
  /** Index into WorkerPlan.targets. */
  target: number;
  /** Room of this worker (0 …), −1 for none (P1's idle sockets). */
  room: number;
  /** Position in the room (0 … roomSize − 1). */
  member: number;
  /** Source address for the TCP connection (P1: more than one address's ephemeral ports). */
  localAddress?: string;
}

export interface WorkerPlan {
  workerId: number;
  /** Unique per benchmark run: in user names, room names and client message ids. */
  label: string;
  /** Socket.IO servers, as http://host:port. */
  targets: string[];
  signing: SigningSpec;
  rooms: number;
  /**
   * chat-service URL to create the rooms on (POST /rooms, by each room's first member); absent:
   * room ids are made up (the reference server takes any room name).
   */
  roomsVia?: string;
  sockets: SocketSpec[];
  connectConcurrency: number;
  connectTimeoutMs: number;
}

export interface SetupResult {
  roomIds: string[];
  mintMs: number;
  roomsMs: number;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  /** Up to five distinct failure messages with their counts. */
  errors: Record<string, number>;
  ms: number;
}

export interface JoinResult {
  joined: number;
  failed: number;
  errors: Record<string, number>;
  ms: number;
}

/** A run as the orchestrator describes it; RunParams adds the common start time. */
export type RunSpec = {
  durationMs: number;
  /** Message text length (the tag plus padding). */
  textBytes: number;
  ackTimeoutMs: number;
  /** After the last send, how long to wait for acks and deliveries before counting. */
  drainMs: number;
} & (
  | {
      /** Open workload: every socket sends on a fixed schedule, whatever the acks do. */
      mode: 'open';
      ratePerSocket: number;
      /**
       * Bound on unacknowledged sends in this process: a send due beyond it is skipped (and
       * counted), so a saturated server is not buried under a backlog that outlives the run.
       */
      maxInFlight: number;
    }
  | {
      /** Closed loop: every socket keeps `window` sends in flight (P3: the most it acks). */
      mode: 'closed';
      window: number;
    }
);

export type RunParams = RunSpec & {
  /** Epoch ms at which sending starts (all workers at once). */
  startAt: number;
};

export interface RunResult {
  counts: LedgerCounts;
  /** Scheduled send → received by another member, ms. */
  delivery: SerializedHistogram;
  /** Scheduled send → ack (closed loop: actual send → ack). */
  ack: SerializedHistogram;
  /** How late the generator sent behind its schedule (its own slowness). */
  lag: SerializedHistogram;
  /** Inside [start, start + duration]: what arrived while the load ran. */
  window: { ms: number; sends: number; acks: number; deliveries: number };
  perSecond: { sends: number[]; acks: number[]; deliveries: number[] };
  errors: Record<string, number>;
  /** Sends due while maxInFlight were unanswered: not sent (the server was saturated). */
  skipped: number;
  disconnects: number;
  /** Deliveries in the wrong room, from another worker or not ours at all: must be 0. */
  misrouted: number;
  otherEvents: Record<string, number>;
  unknownFrames: number;
  drainMs: number;
  settled: boolean;
}

export interface WorkerStats {
  connected: number;
  closed: number;
  closeReasons: Record<string, number>;
}

export interface WorkerMethods {
  setup: (plan: WorkerPlan) => SetupResult;
  connect: (params: { from: number; to: number }) => ConnectResult;
  join: () => JoinResult;
  run: (params: RunParams) => RunResult;
  stats: () => WorkerStats;
  close: () => WorkerStats;
}

export type WorkerMethod = keyof WorkerMethods;

export interface WorkerRequest {
  id: number;
  method: WorkerMethod;
  params?: unknown;
}

export type WorkerReply =
  { id: number; result: unknown } | { id: number; error: string } | { progress: WorkerProgress };

export interface WorkerProgress {
  workerId: number;
  stage: 'connect' | 'run';
  connected?: number;
  failed?: number;
  sent?: number;
  acked?: number;
  delivered?: number;
}
