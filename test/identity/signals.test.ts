// The signal hub (server/identity/signals.ts): a waiter on one instance wakes on a signal
// published by another (two MongoClients on one database); a sequence number that lands after a
// later one (a hole) is still delivered; a hole that never fills is passed after the grace; the
// poll costs one query per tick whatever the number of waiters.
import test from 'ava';
import { createSignalHub } from '../../server/identity/signals.ts';
import { startHarness, silentLogger, type Harness } from './_harness.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

const clock = () => new Date();

test('a waiter on one instance wakes on a signal published by another; other keys do not wake it', async (t) => {
  const second = await h.secondStore();
  const a = createSignalHub({ store: h.store, clock, logger: silentLogger, pollMs: 20 });
  const b = createSignalHub({ store: second.store, clock, logger: silentLogger, pollMs: 20 });
  t.teardown(() => {
    a.stop();
    b.stop();
  });
  const sub = await a.subscribe('t1', 'k1');
  const woke = sub.next(5000);
  await b.publish('t1', 'other');
  await b.publish('t2', 'k1');
  const early = await Promise.race([woke, new Promise((r) => setTimeout(() => r('waiting'), 300))]);
  t.is(early, 'waiting', 'signals for other keys or topics do not wake it');
  await b.publish('t1', 'k1');
  t.true(await woke);
  // a signal that arrives while nobody awaits next() is kept for the next call
  await b.publish('t1', 'k1');
  await new Promise((r) => setTimeout(r, 200));
  t.true(await sub.next(0));
  t.false(await sub.next(50), 'and only once');
  sub.close();
  t.is(a.stats().waiters, 0);
});

test('a number taken before a later one but inserted after it (a hole) is still delivered; a hole that never fills is passed', async (t) => {
  const hub = createSignalHub({ store: h.store, clock, logger: silentLogger, pollMs: 20, holeGraceMs: 400 });
  t.teardown(() => hub.stop());
  const sub = await hub.subscribe('holes', 'late');
  const meta = h.store.meta as unknown as import('mongodb').Collection<{ _id: string; value: number }>;
  // a writer takes a number and is slow to insert
  const taken = (await meta.findOneAndUpdate({ _id: 'signal-seq' }, { $inc: { value: 1 } }, { upsert: true, returnDocument: 'after' }))!.value;
  await hub.publish('holes', 'someone-else');
  await new Promise((r) => setTimeout(r, 100));
  const woke = sub.next(3000);
  await h.store.signals.insertOne({ _id: `holes|${taken}`, topic: 'holes', key: 'late', seq: taken, at: new Date(), expiresAt: new Date(Date.now() + 60_000) });
  t.true(await woke, 'the late signal below the newest one woke its waiter');
  // a number taken and never inserted: the watermark moves past it after the grace
  const lost = (await meta.findOneAndUpdate({ _id: 'signal-seq' }, { $inc: { value: 1 } }, { upsert: true, returnDocument: 'after' }))!.value;
  await hub.publish('holes', 'after-the-hole');
  await new Promise((r) => setTimeout(r, 700));
  t.true(hub.stats().watermark > lost);
  sub.close();
});

test('one query per tick for 500 waiters', async (t) => {
  const hub = createSignalHub({ store: h.store, clock, logger: silentLogger, pollMs: 50 });
  t.teardown(() => hub.stop());
  const subs = await Promise.all(Array.from({ length: 500 }, (_, i) => hub.subscribe('many', `k${i}`)));
  const before = hub.stats().polls;
  const began = Date.now();
  const woke = subs[321]!.next(5000);
  await new Promise((r) => setTimeout(r, 500));
  await hub.publish('many', 'k321');
  t.true(await woke);
  const ticks = hub.stats().polls - before;
  const elapsedTicks = (Date.now() - began) / 50;
  t.true(ticks <= elapsedTicks + 2, `${ticks} polls in ${elapsedTicks.toFixed(1)} periods, not one per waiter`);
  for (const s of subs) s.close();
  // without waiters the poller stops
  await new Promise((r) => setTimeout(r, 200));
  const idle = hub.stats().polls;
  await new Promise((r) => setTimeout(r, 300));
  t.is(hub.stats().polls, idle);
});
