/**
 * Crash safety of the embedded engine as its own process (`npm run store`): several clients write
 * through the driver while the store is killed with SIGKILL at random moments and restarted on
 * the same data directory. Every acknowledged write must be there afterwards, and no write may
 * be half-applied: each update sets two fields in one statement, which must still agree.
 */
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from '../helpers/gateway.ts';
import { startProcess, type Proc } from '../helpers/processes.ts';

const WRITERS = 6;
const ROUNDS = 3;

interface Counter {
  _id: string;
  n: number;
  twice: number;
}

test('SIGKILL at random moments under concurrent writers: every acknowledged write survives, none is half-applied', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'store-crash-'));
  const port = await freePort();
  const env = { DATA_DIR: dataDir, STORE_PORT: String(port) };
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true&retryWrites=false&serverSelectionTimeoutMS=500&connectTimeoutMS=500`;
  const acknowledgedInserts = new Set<string>();
  /** the highest `n` acknowledged per counter: the stored value may be higher (a write that landed before its reply was lost), never lower */
  const acknowledgedCounts = new Map<string, number>();

  for (let round = 0; round < ROUNDS; round++) {
    const store: Proc = startProcess('scripts/store.ts', [], env);
    await store.waitFor(/store listening/);
    const client = new MongoClient(uri);
    await client.connect();
    const coll = client.db('crash').collection<Counter>('counters');
    let running = true;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; running; i++) {
        const id = `r${round}-w${w}-${i}`;
        try {
          await coll.insertOne({ _id: id, n: 0, twice: 0 });
          acknowledgedInserts.add(id);
          const counter = `w${w}`;
          const after = await coll.findOneAndUpdate({ _id: counter }, { $inc: { n: 1, twice: 2 } }, { upsert: true, returnDocument: 'after' });
          if (after) acknowledgedCounts.set(counter, Math.max(acknowledgedCounts.get(counter) ?? 0, after.n));
        } catch {
          return; // the store died under this writer
        }
      }
    });
    // some writes acknowledged in this round, then the kill at a random moment among the next ones
    const before = acknowledgedInserts.size;
    for (let i = 0; i < 600 && acknowledgedInserts.size < before + 20; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 400)));
    t.is(await store.kill('SIGKILL'), 'SIGKILL');
    running = false;
    await Promise.all(writers);
    await client.close(true);
  }

  const store = startProcess('scripts/store.ts', [], env);
  await store.waitFor(/store listening/);
  const client = new MongoClient(uri);
  try {
    await client.connect();
    const coll = client.db('crash').collection<Counter>('counters');
    const docs = await coll.find({}).toArray();
    const ids = new Set(docs.map((d) => d._id));
    const lost = [...acknowledgedInserts].filter((id) => !ids.has(id));
    t.true(acknowledgedInserts.size > WRITERS * ROUNDS, `writers made progress (${acknowledgedInserts.size} inserts)`);
    t.deepEqual(lost, [], 'no acknowledged insert lost');
    for (const d of docs) t.is(d.twice, 2 * d.n, `${d._id} is whole`);
    for (const [counter, n] of acknowledgedCounts) {
      const stored = docs.find((d) => d._id === counter);
      t.true((stored?.n ?? -1) >= n, `${counter}: stored ${stored?.n}, acknowledged ${n}`);
    }
  } finally {
    await client.close();
    await store.kill('SIGTERM');
  }
});
