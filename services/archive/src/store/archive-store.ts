// Where archived messages live, as the rest of the service sees it. Two implementations pass one
// contract suite (archive-store.contract.ts): MongoDB for the cluster, memory for tests, and the
// embedded Postgres JSONB table of the standalone mode later. Messages go in and come out as the
// wire contract's ChatMessage; `createdAt` comes back normalised to UTC (`…Z`, milliseconds).
import type { ChatMessage } from '@falablau/common/contracts';

/** A period of time: `start` inclusive, `end` exclusive; either may be open. */
export interface TimeRange {
  start?: Date;
  end?: Date;
}

export interface RoomHistoryQuery extends TimeRange {
  /** Only messages with a smaller seq: where the previous page ended (the room cursor). */
  beforeSeq?: number;
  /** Only messages with a larger seq: what a client that has seen `afterSeq` missed. */
  afterSeq?: number;
  limit: number;
  /** Messages to skip first: the `page` mode of the original API (slow for deep pages). */
  skip?: number;
}

/** A position in a user's history, which is ordered by (createdAt desc, id desc). */
export interface UserPosition {
  createdAt: Date;
  id: string;
}

export interface UserHistoryQuery extends TimeRange {
  /** Only messages strictly after this position in the order (the user cursor). */
  before?: UserPosition;
  limit: number;
  skip?: number;
}

export interface HistorySlice {
  /** Newest first: room history by seq, user history by (createdAt, id). */
  messages: ChatMessage[];
  /** Whether more messages match beyond this slice. */
  hasMore: boolean;
}

export interface UpsertResult {
  /** Messages stored by this call. */
  inserted: number;
  /** Messages whose id was already archived (redeliveries, retries): left as they were. */
  duplicates: number;
  /**
   * Messages refused because their (roomId, seq) is archived under a different id: two
   * messages claiming one place in a room is a bug upstream, never overwritten here.
   */
  conflicts: ChatMessage[];
}

export interface StoreSetup {
  /** The store drops expired messages by itself (a TTL index); otherwise retention sweeps. */
  nativeExpiry: boolean;
}

export interface ArchiveStore {
  /** Creates indexes (idempotent); says whether retention must be swept by the service. */
  init(): Promise<StoreSetup>;
  /** Insert-if-absent by message id; the whole batch in one write. */
  upsertMany(messages: readonly ChatMessage[]): Promise<UpsertResult>;
  byRoom(roomId: string, query: RoomHistoryQuery): Promise<HistorySlice>;
  byUser(userId: string, query: UserHistoryQuery): Promise<HistorySlice>;
  /** Removes messages created before `cutoff`; resolves to how many. */
  deleteOlderThan(cutoff: Date): Promise<number>;
  /** Readiness probe: resolves when the database answers. */
  ready(): Promise<void>;
}

/** Keeps the first message of each id; the rest of a batch's repeats count as duplicates. */
export function uniqueById(messages: readonly ChatMessage[]): {
  unique: ChatMessage[];
  repeats: number;
} {
  const seen = new Set<string>();
  const unique: ChatMessage[] = [];
  for (const message of messages) {
    if (seen.has(message.id)) continue;
    seen.add(message.id);
    unique.push(message);
  }
  return { unique, repeats: messages.length - unique.length };
}
