// What the servers hold: every row of the cluster's Postgres `chat.messages` and every document of
// its archive (MongoDB `messages`). The cluster's databases are its own and start empty, so all of
// it was written by this run.
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { ArchivedMessage, StoredMessage } from './verify.js';

/** A fresh connection per read: the runner restarts Postgres between reads. */
export async function readPostgres(databaseUrl: string): Promise<StoredMessage[]> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 20_000,
    application_name: 'falablau-faults',
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const result = await client.query<{
      id: string;
      room_id: string;
      seq: string;
      client_msg_id: string;
      published: boolean;
    }>(
      `select id, room_id, seq, client_msg_id, published_at is not null as published
         from chat.messages`,
    );
    return result.rows.map((r) => ({
      id: r.id,
      roomId: r.room_id,
      seq: Number(r.seq),
      clientMsgId: r.client_msg_id,
      published: r.published,
    }));
  } finally {
    await client.end().catch(() => undefined);
  }
}

export class ArchiveReader {
  private readonly client: MongoClient;

  constructor(private readonly uri: string) {
    this.client = new MongoClient(uri, {
      serverSelectionTimeoutMS: 5_000,
      socketTimeoutMS: 30_000,
      appName: 'falablau-faults',
    });
  }

  /** Every archived message (id, room, seq). */
  async read(): Promise<ArchivedMessage[]> {
    const docs = await this.client
      .db()
      .collection<{ _id: string; roomId: string; seq: number }>('messages')
      .find({}, { projection: { _id: 1, roomId: 1, seq: 1 } })
      .toArray();
    return docs.map((d) => ({ id: d._id, roomId: d.roomId, seq: d.seq }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
