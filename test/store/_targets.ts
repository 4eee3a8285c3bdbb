/**
 * The stores a conformance test file runs against: the embedded engine always, and a real MongoDB
 * as well when MONGODB_URI is set (a fresh database per file and run, dropped at the end), so both
 * are held to the same expectations.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { MongoServerError, type Collection, type Db, type Document } from 'mongodb';
import { connectStore, type StoreConnection } from '../../server/store/connect.ts';

export interface Target {
  name: string;
  embedded: boolean;
  conn?: StoreConnection;
  db?: Db;
  /** The server's major version (buildInfo), for the few answers that differ between 7.0 and later. */
  major?: number;
}

/** Registers the before/after hooks of the calling test file and returns its targets. */
export function storeTargets(): Target[] {
  const targets: Target[] = [{ name: 'embedded', embedded: true }];
  if (process.env.MONGODB_URI) targets.push({ name: 'mongodb', embedded: false });
  test.before(async () => {
    for (const target of targets) {
      const dbName = `conformance_${randomUUID().slice(0, 8)}`;
      target.conn = target.embedded
        ? await connectStore({ ttlIntervalMs: 100, dbName })
        : await connectStore({ mongodbUri: process.env.MONGODB_URI, dbName });
      target.db = target.conn.db;
      const info = await target.db.admin().command({ buildInfo: 1 });
      target.major = Number(String(info.version).split('.')[0]);
    }
  });
  test.after.always(async () => {
    for (const target of targets) {
      await target.db?.dropDatabase().catch(() => undefined);
      await target.conn?.close();
    }
  });
  return targets;
}

/** A fresh collection per test, so the tests of a file can run concurrently. */
export function fresh<T extends Document = Document>(target: Target): Collection<T> {
  return target.db!.collection<T>(`c_${randomUUID().replaceAll('-', '')}`);
}

export async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MongoServerError) return err;
    throw err;
  }
  throw new Error('expected a MongoServerError, the operation succeeded');
}
