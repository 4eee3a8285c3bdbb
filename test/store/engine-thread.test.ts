/**
 * The embedded engine's thread: a worker of its own by default (STORE_THREAD=inline keeps it on
 * the gateway's), what a dying worker does to the gateway (503 in the API's shape while it is
 * gone, logged, back from DATA_DIR with every acknowledged write), and start errors that cross
 * the thread as their own classes.
 */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { threadId } from 'node:worker_threads';
import { pino, type Logger } from 'pino';
import { startTestGateway } from '../helpers/gateway.ts';
import { connectStore } from '../../server/store/connect.ts';
import { DataDirLockedError } from '../../server/store/engine/data-dir-lock.ts';

const onRealMongo = Boolean(process.env.MONGODB_URI);

function capturedLog(): { log: Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text) lines.push(JSON.parse(text) as { level: number; msg: string });
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

async function statusWithin(url: string, headers: Record<string, string>, want: number, tries = 100): Promise<number> {
  let status = 0;
  for (let i = 0; i < tries && status !== want; i++) {
    status = (await fetch(url, { headers, signal: AbortSignal.timeout(10_000) })).status;
    if (status !== want) await new Promise((r) => setTimeout(r, 100));
  }
  return status;
}

test('the gateway reaches an engine running on a worker thread by default, on its own thread with STORE_THREAD=inline', async (t) => {
  if (onRealMongo) return t.pass('MONGODB_URI set: no embedded engine');
  const worker = await startTestGateway();
  const inline = await startTestGateway({ STORE_THREAD: 'inline' });
  try {
    t.not(worker.storeConnection.embedded!.thread, threadId, 'the engine is not on the gateway thread');
    t.true(worker.storeConnection.embedded!.thread > 0);
    t.is(inline.storeConnection.embedded!.thread, threadId);
    for (const gw of [worker, inline]) {
      const tenant = await gw.createTenant();
      const user = await gw.createUser(tenant);
      const res = await fetch(`${gw.url}/api/users/${tenant}/${user.id}`, { headers: { 'X-API-Key': gw.adminKey } });
      t.is(res.status, 200);
    }
  } finally {
    await Promise.all([worker.stop(), inline.stop()]);
  }
});

test.serial('a dying engine worker: 503 in the API shape, logged, then back from DATA_DIR on a fresh thread with every acknowledged write', async (t) => {
  if (onRealMongo) return t.pass('MONGODB_URI set: no embedded engine');
  const dataDir = await mkdtemp(join(tmpdir(), 'gw-worker-crash-'));
  const { log, lines } = capturedLog();
  const gw = await startTestGateway({ DATA_DIR: dataDir }, { log });
  try {
    const engine = gw.storeConnection.embedded!;
    const key = { 'X-API-Key': gw.adminKey };
    const tenant = await gw.createTenant();
    const users = await Promise.all(Array.from({ length: 20 }, () => gw.createUser(tenant)));
    const before = engine.thread;

    await engine.kill!();
    const down = await fetch(`${gw.url}/api/users/${tenant}/${users[0]!.id}`, { headers: key, signal: AbortSignal.timeout(10_000) });
    t.is(down.status, 503);
    t.regex((await down.json()).detail, /database/i);
    t.truthy(
      lines.find((l) => l.level >= 50 && /worker thread ended unexpectedly/.test(l.msg)),
      'the crash is logged as an error',
    );

    t.is(await statusWithin(`${gw.url}/readyz`, {}, 200), 200, 'ready again by itself');
    // the new worker listens (and the driver reaches it) a moment before its reply to the host lands
    for (let i = 0; i < 100 && !engine.running; i++) await new Promise((r) => setTimeout(r, 50));
    t.true(engine.running);
    t.not(engine.thread, before, 'a fresh worker thread');
    t.truthy(lines.find((l) => /the engine is back on port/.test(l.msg)));
    for (const user of users) t.is((await gw.services.identity.users.get(tenant, user.id))?.username, user.username);
    t.is(await statusWithin(`${gw.url}/api/users/${tenant}/${users[0]!.id}`, key, 200), 200);
  } finally {
    await gw.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('in memory, a dying engine worker is reported and the store stays down (its data went with it) until start()', async (t) => {
  const errors: string[] = [];
  const conn = await connectStore({ dbName: 'crash', serverSelectionTimeoutMS: 500, logger: { info() {}, warn() {}, error: (m) => errors.push(m) } });
  try {
    await conn.db.collection('c').insertOne({ _id: 'kept?' } as never);
    await conn.embedded!.kill!();
    await t.throwsAsync(conn.db.command({ ping: 1 }));
    t.false(conn.embedded!.running);
    t.regex(errors.join('\n'), /in-memory data is lost/);
    await conn.embedded!.start();
    t.true(conn.embedded!.running);
    t.is(await conn.db.collection('c').countDocuments(), 0, 'a fresh, empty engine: nothing pretends to be the old data');
  } finally {
    await conn.close();
  }
});

test('a data directory held by another engine is refused with DataDirLockedError across the thread', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'gw-worker-lock-'));
  const first = await connectStore({ dataDir });
  try {
    const err = await t.throwsAsync(connectStore({ dataDir }));
    t.true(err instanceof DataDirLockedError, `${err?.name}: ${err?.message}`);
    t.regex(err!.message, new RegExp(`in use by process ${process.pid} on .*choose another DATA_DIR`));
    const inline = await t.throwsAsync(connectStore({ dataDir, engineThread: 'inline' }));
    t.is(inline?.message, err?.message, 'the same message as inline');
  } finally {
    await first.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
