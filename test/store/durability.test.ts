/**
 * The embedded engine's lifecycle, through the driver: acknowledged writes survive a restart
 * with the same data directory, and an unclean one (the directory copied while the server runs,
 * as a crash would leave it); a torn journal tail does not prevent start; compaction keeps data;
 * stopping and restarting on the same port lets the driver reconnect by itself.
 */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../server/store/engine/index.ts';
import { connectStore } from '../../server/store/connect.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-store-'));
  dirs.push(dir);
  return dir;
}

test.after.always(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function withClient<T>(server: EmbeddedMongo, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(server.uri, { directConnection: true, retryWrites: false, serverSelectionTimeoutMS: 2000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

const warnings: string[] = [];
const logger = { info() {}, warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m) };

test('writes, indexes and deletes survive a clean restart with the same data directory', async (t) => {
  const dataDir = tempDir();
  const first = await startEmbeddedMongo({ dataDir });
  await withClient(first, async (client) => {
    const c = client.db('app').collection('users');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertMany([{ _id: 1, email: 'a' }, { _id: 2, email: 'b' }, { _id: 3, email: 'c' }] as never[]);
    await c.updateOne({ _id: 2 as never }, { $set: { email: 'b2' }, $inc: { logins: 1 } });
    await c.deleteOne({ _id: 3 as never });
  });
  await first.stop();

  const second = await startEmbeddedMongo({ dataDir });
  await withClient(second, async (client) => {
    const c = client.db('app').collection('users');
    t.deepEqual(await c.find().toArray(), [{ _id: 1, email: 'a' }, { _id: 2, email: 'b2', logins: 1 }] as never[]);
    const dup = await t.throwsAsync(c.insertOne({ email: 'a' }));
    t.is((dup as { code?: number }).code, 11000);
  });
  await second.stop();
});

test('acknowledged writes are on disk before the reply (directory copied while running)', async (t) => {
  const dataDir = tempDir();
  const running = await startEmbeddedMongo({ dataDir });
  const copy = tempDir();
  await withClient(running, async (client) => {
    const c = client.db('app').collection('events');
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, v: i })) as never[]);
    await c.updateMany({ v: { $gte: 25 } }, { $set: { late: true } });
    // Like a crash: take the files as they are now, without any shutdown flush.
    fs.cpSync(dataDir, copy, { recursive: true });
  });
  await running.stop();

  const recovered = await startEmbeddedMongo({ dataDir: copy });
  await withClient(recovered, async (client) => {
    const c = client.db('app').collection('events');
    t.is(await c.countDocuments(), 50);
    t.is(await c.countDocuments({ late: true }), 25);
  });
  await recovered.stop();
});

test('a torn record at the end of the journal is skipped and logged; start succeeds', async (t) => {
  const dataDir = tempDir();
  const first = await startEmbeddedMongo({ dataDir });
  await withClient(first, async (client) => {
    await client.db('app').collection('k').insertMany([{ _id: 'a' }, { _id: 'b' }] as never[]);
  });
  await first.stop();
  const journal = fs.readdirSync(dataDir).find((f) => f.startsWith('journal-'))!;
  const journalPath = path.join(dataDir, journal);
  // A frame header announcing 200 bytes followed by only part of them, as a crash mid-append leaves.
  const torn = Buffer.alloc(8 + 30, 7);
  torn.writeUInt32LE(200, 0);
  fs.appendFileSync(journalPath, torn);

  warnings.length = 0;
  const second = await startEmbeddedMongo({ dataDir, logger });
  await withClient(second, async (client) => {
    const c = client.db('app').collection('k');
    t.deepEqual(await c.find().toArray(), [{ _id: 'a' }, { _id: 'b' }] as never[]);
    await c.insertOne({ _id: 'c' } as never);
  });
  await second.stop();
  t.true(warnings.some((w) => w.includes('torn tail of 38 bytes')));

  const third = await startEmbeddedMongo({ dataDir });
  await withClient(third, async (client) => {
    t.is(await client.db('app').collection('k').countDocuments(), 3);
  });
  await third.stop();
});

test('compaction when the journal grows keeps every document', async (t) => {
  const dataDir = tempDir();
  const first = await startEmbeddedMongo({ dataDir, maxJournalBytes: 4096 });
  await withClient(first, async (client) => {
    const c = client.db('app').collection('many');
    for (let i = 0; i < 40; i++) await c.insertOne({ _id: i, pad: 'x'.repeat(200) } as never);
    await c.deleteMany({ _id: { $lt: 10 } as never });
  });
  await first.stop();
  t.true(fs.statSync(path.join(dataDir, fs.readdirSync(dataDir).find((f) => f.startsWith('journal-'))!)).size < 4096 + 512);

  const second = await startEmbeddedMongo({ dataDir });
  await withClient(second, async (client) => {
    const ids = (await client.db('app').collection('many').find().toArray()).map((d) => d._id);
    t.deepEqual(ids, Array.from({ length: 30 }, (_, i) => i + 10) as never[]);
  });
  await second.stop();
});

test('stop and start on the same port: operations fail fast meanwhile, then the driver reconnects', async (t) => {
  const conn = await connectStore({ serverSelectionTimeoutMS: 500, dataDir: tempDir() });
  const c = conn.db.collection('lifecycle');
  await c.insertOne({ _id: 'before' } as never);
  await conn.embedded!.stop();
  t.false(conn.embedded!.running);
  await t.throwsAsync(c.findOne({ _id: 'before' } as never));
  await conn.embedded!.start();
  let found = null;
  for (let i = 0; i < 40 && !found; i++) {
    found = await c.findOne({ _id: 'before' } as never).catch(() => null);
    if (!found) await new Promise((r) => setTimeout(r, 100));
  }
  t.deepEqual(found, { _id: 'before' } as never);
  await c.insertOne({ _id: 'after' } as never);
  t.is(await c.countDocuments(), 2);
  await conn.close();
});

test('in memory, a stopped and restarted engine keeps its data', async (t) => {
  const conn = await connectStore({ serverSelectionTimeoutMS: 500 });
  const c = conn.db.collection('mem');
  await c.insertOne({ _id: 1 } as never);
  await conn.embedded!.stop();
  await conn.embedded!.start();
  let n = -1;
  for (let i = 0; i < 40 && n < 0; i++) {
    n = await c.countDocuments().catch(() => -1);
    if (n < 0) await new Promise((r) => setTimeout(r, 100));
  }
  t.is(n, 1);
  await conn.close();
});

test('numeric BSON types survive a restart: int32, int64, an integral double and decimal128 come back as they went in', async (t) => {
  const { Decimal128, Double, Int32, Long } = await import('mongodb');
  const dataDir = tempDir();
  const doc = { _id: 'n', i: new Int32(7), l: Long.fromString('9007199254740993'), smallLong: Long.fromNumber(5), d: new Double(2), frac: 2.5, dec: Decimal128.fromString('1.10'), nested: [{ l: Long.fromNumber(1) }] };
  const types = (c: ReturnType<ReturnType<MongoClient['db']>['collection']>) =>
    c
      .aggregate([{ $project: { _id: 0, i: { $type: '$i' }, l: { $type: '$l' }, smallLong: { $type: '$smallLong' }, d: { $type: '$d' }, frac: { $type: '$frac' }, dec: { $type: '$dec' } } }])
      .toArray();
  const first = await startEmbeddedMongo({ dataDir });
  const before = await withClient(first, async (client) => {
    const c = client.db('app').collection('numbers');
    await c.insertOne(doc as never);
    return { types: await types(c), raw: await c.findOne({}, { promoteValues: false }) };
  });
  await first.stop();
  t.deepEqual(before.types, [{ i: 'int', l: 'long', smallLong: 'long', d: 'double', frac: 'double', dec: 'decimal' }]);

  const second = await startEmbeddedMongo({ dataDir });
  await withClient(second, async (client) => {
    const c = client.db('app').collection('numbers');
    t.deepEqual(await types(c), before.types, '$type after the restart');
    const raw = await c.findOne({}, { promoteValues: false });
    t.deepEqual(raw, before.raw, 'the document as the driver decodes it, without promotion');
    t.is((raw as unknown as { l: InstanceType<typeof Long> }).l.toString(), '9007199254740993', 'an int64 beyond 2^53 keeps every digit');
  });
  await second.stop();
});
