// Tests only: a throw-away database on the MongoDB-wire server of `make infra-up` (FerretDB here,
// MongoDB elsewhere), dropped again by `drop()`. Names start with `archive_test_` so leftovers of
// a killed run are easy to find.
import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { requireServer } from '@falablau/common/testing';

export interface TestMongo {
  uri: string;
  client: MongoClient;
  db: Db;
  name: string;
  drop(): Promise<void>;
}

export async function createTestMongo(prefix: string): Promise<TestMongo> {
  const uri = requireServer('MONGO_URI');
  const name = `archive_test_${prefix}_${randomBytes(4).toString('hex')}`.slice(0, 63);
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const db = client.db(name);
  return {
    uri,
    client,
    db,
    name,
    drop: async () => {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}
