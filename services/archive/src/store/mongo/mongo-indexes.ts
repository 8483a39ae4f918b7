// The archive's indexes, created at start (idempotent). The TTL index is what enforces
// ARCHIVE_TTL_DAYS on MongoDB; FerretDB 1.x refuses TTL indexes ("not implemented"), which is
// detected here so the service sweeps instead (retention/retention.ts) and retention still holds.
import { MongoServerError, type Collection } from 'mongodb';
import type { Logger } from '@falablau/common';
import type { StoreSetup } from '../archive-store.js';
import type { ArchivedDoc } from './mongo-archive-store.js';

export const INDEX_NAMES = {
  roomSeq: 'roomId_seq',
  userCreatedAt: 'userId_createdAt',
  ttl: 'createdAt_ttl',
} as const;

const NOT_IMPLEMENTED = 238;
const INDEX_OPTIONS_CONFLICT = 85;

function isNotImplemented(error: unknown): boolean {
  return (
    error instanceof MongoServerError &&
    (error.code === NOT_IMPLEMENTED || error.codeName === 'NotImplemented')
  );
}

export async function ensureIndexes(
  collection: Collection<ArchivedDoc>,
  ttlDays: number,
  logger: Logger,
): Promise<StoreSetup> {
  // One place per message in a room: a second id claiming it is refused (a conflict).
  await collection.createIndex(
    { roomId: 1, seq: 1 },
    { unique: true, name: INDEX_NAMES.roomSeq },
    {},
  );
  // User history in its exact order, the id breaking ties between equal timestamps.
  await collection.createIndex(
    { userId: 1, createdAt: -1, _id: -1 },
    { name: INDEX_NAMES.userCreatedAt },
    {},
  );
  const expireAfterSeconds = ttlDays * 86_400;
  try {
    await collection.createIndex(
      { createdAt: 1 },
      { name: INDEX_NAMES.ttl, expireAfterSeconds },
      {},
    );
    return { nativeExpiry: true };
  } catch (error) {
    if (isNotImplemented(error)) {
      logger.warn(
        { err: error, ttlDays },
        'This MongoDB-compatible server cannot create TTL indexes (FerretDB): retention is enforced by a periodic delete instead',
      );
      return { nativeExpiry: false };
    }
    if (error instanceof MongoServerError && error.code === INDEX_OPTIONS_CONFLICT) {
      // ARCHIVE_TTL_DAYS changed since the index was made: change it in place, no rebuild.
      await collection.db.command({
        collMod: collection.collectionName,
        index: { name: INDEX_NAMES.ttl, expireAfterSeconds },
      });
      logger.info({ ttlDays }, 'Updated the TTL index to the configured retention');
      return { nativeExpiry: true };
    }
    throw error;
  }
}
