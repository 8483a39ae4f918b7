// The cluster's ArchiveStore: one MongoDB collection, `_id` = message id, `createdAt` a BSON date
// (what TTL indexes and range queries need). Every filter is built here from typed values, so
// nothing a client sends can become a query operator.
//
// Writes are inserts, not upserts: one unordered bulkWrite of insertOne per batch, where a
// duplicate-key error on `_id` means "already archived" (same outcome as an upsert with
// $setOnInsert). On MongoDB both cost an index lookup per message; on FerretDB 1.24, the test
// stand-in, an upsert scans the whole collection per message (its `_id` filter does not match its
// `_id` index), which makes ingest quadratic, while inserts are checked by the unique index alone.
// See README.md, "FerretDB".
import {
  MongoBulkWriteError,
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Filter,
  type WriteError,
} from 'mongodb';
import type { Logger } from '@falablau/common';
import type { ChatMessage } from '@falablau/common/contracts';
import {
  uniqueById,
  type ArchiveStore,
  type HistorySlice,
  type TimeRange,
  type UpsertResult,
} from '../archive-store.js';
import { ensureIndexes } from './mongo-indexes.js';

export interface ArchivedDoc {
  _id: string;
  roomId: string;
  seq: number;
  userId: string;
  username: string;
  text: string;
  createdAt: Date;
}

export interface MongoArchiveStoreOptions {
  db: Db;
  /** Default `messages`. */
  collectionName?: string;
  /** Retention for the TTL index. */
  ttlDays: number;
  logger: Logger;
}

const DUPLICATE_KEY = 11000;

function toDoc(message: ChatMessage): ArchivedDoc {
  return {
    _id: message.id,
    roomId: message.roomId,
    seq: message.seq,
    userId: message.userId,
    username: message.username,
    text: message.text,
    createdAt: new Date(message.createdAt),
  };
}

function toMessage(doc: ArchivedDoc): ChatMessage {
  return {
    id: doc._id,
    roomId: doc.roomId,
    seq: doc.seq,
    userId: doc.userId,
    username: doc.username,
    text: doc.text,
    createdAt: doc.createdAt.toISOString(),
  };
}

function createdAtRange({ start, end }: TimeRange): Filter<ArchivedDoc> {
  if (start === undefined && end === undefined) return {};
  return {
    createdAt: {
      ...(start === undefined ? {} : { $gte: start }),
      ...(end === undefined ? {} : { $lt: end }),
    },
  };
}

function toSlice(docs: ArchivedDoc[], limit: number): HistorySlice {
  return { messages: docs.slice(0, limit).map(toMessage), hasMore: docs.length > limit };
}

/** The positions in the batch whose insert failed on a unique index; undefined for other errors. */
function duplicateKeyFailures(error: unknown): number[] | undefined {
  if (!(error instanceof MongoBulkWriteError)) return undefined;
  const writeErrors = ([] as WriteError[]).concat(error.writeErrors);
  // No write errors means the bulk failed as a whole (network, timeout): retry it all.
  if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== DUPLICATE_KEY)) {
    return undefined;
  }
  return writeErrors.map((e) => e.index);
}

export function createMongoArchiveStore(options: MongoArchiveStoreOptions): ArchiveStore {
  const collection: Collection<ArchivedDoc> = options.db.collection<ArchivedDoc>(
    options.collectionName ?? 'messages',
  );

  /**
   * Tells duplicates from conflicts after a bulk insert failed on unique keys: a message whose id
   * is now archived was a duplicate (archived earlier, or concurrently by another writer); one
   * whose id is absent lost its (roomId, seq) to another id. Error messages cannot be used for
   * this: FerretDB does not name the index.
   */
  async function classifyFailures(
    batch: ChatMessage[],
    failed: number[],
    inserted: number,
  ): Promise<UpsertResult> {
    const failedMessages = failed
      .map((index) => batch[index])
      .filter((m): m is ChatMessage => m !== undefined);
    const ids = failedMessages.map((m) => m.id);
    const present = new Set(
      (await collection.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map(
        (doc) => doc._id,
      ),
    );
    const conflicts = failedMessages.filter((m) => !present.has(m.id));
    return { inserted, duplicates: failedMessages.length - conflicts.length, conflicts };
  }

  return {
    init: async () => ensureIndexes(collection, options.ttlDays, options.logger),

    upsertMany: async (messages) => {
      const { unique, repeats } = uniqueById(messages);
      if (unique.length === 0) return { inserted: 0, duplicates: repeats, conflicts: [] };
      const operations: AnyBulkWriteOperation<ArchivedDoc>[] = unique.map((message) => ({
        insertOne: { document: toDoc(message) },
      }));
      try {
        const result = await collection.bulkWrite(operations, { ordered: false });
        return { inserted: result.insertedCount, duplicates: repeats, conflicts: [] };
      } catch (error) {
        const failed = duplicateKeyFailures(error);
        if (failed === undefined || !(error instanceof MongoBulkWriteError)) throw error;
        const outcome = await classifyFailures(unique, failed, error.result.insertedCount);
        return { ...outcome, duplicates: outcome.duplicates + repeats };
      }
    },

    byRoom: async (roomId, query) => {
      const seq =
        query.beforeSeq === undefined && query.afterSeq === undefined
          ? {}
          : {
              seq: {
                ...(query.beforeSeq === undefined ? {} : { $lt: query.beforeSeq }),
                ...(query.afterSeq === undefined ? {} : { $gt: query.afterSeq }),
              },
            };
      const docs = await collection
        .find({ roomId, ...createdAtRange(query), ...seq })
        .sort({ seq: -1 })
        .skip(query.skip ?? 0)
        .limit(query.limit + 1)
        .toArray();
      return toSlice(docs, query.limit);
    },

    byUser: async (userId, query) => {
      const { before } = query;
      const after: Filter<ArchivedDoc> =
        before === undefined
          ? {}
          : {
              $or: [
                { createdAt: { $lt: before.createdAt } },
                { createdAt: before.createdAt, _id: { $lt: before.id } },
              ],
            };
      const docs = await collection
        .find({ userId, ...createdAtRange(query), ...after })
        .sort({ createdAt: -1, _id: -1 })
        .skip(query.skip ?? 0)
        .limit(query.limit + 1)
        .toArray();
      return toSlice(docs, query.limit);
    },

    deleteOlderThan: async (cutoff) => {
      const result = await collection.deleteMany({ createdAt: { $lt: cutoff } });
      return result.deletedCount;
    },

    ready: async () => {
      await options.db.command({ ping: 1 });
    },
  };
}
