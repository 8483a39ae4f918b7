#!/usr/bin/env node
// Drops the MongoDB database named in a connection string (the local cluster's archive, so every
// cluster start begins empty). Uses the driver archive-service itself uses, from the workspace's
// node_modules.            Usage: node scripts/cluster/mongo-drop.mjs mongodb://host:port/<db>
import console from 'node:console';
import process from 'node:process';
import { MongoClient } from 'mongodb';

const uri = process.argv[2];
const database = /^mongodb(?:\+srv)?:\/\/[^/?]+\/([^?]+)/.exec(uri ?? '')?.[1];
if (!uri || !database) {
  console.error('usage: mongo-drop.mjs mongodb://host:port/<database>');
  process.exit(2);
}
// A guard against a mistyped URI wiping a development or test database.
if (!database.endsWith('_cluster')) {
  console.error(`refusing to drop "${database}": only the cluster's *_cluster databases`);
  process.exit(2);
}
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
try {
  await client.connect();
  await client.db(database).dropDatabase();
  console.log(`dropped MongoDB database ${database}`);
} finally {
  await client.close();
}
