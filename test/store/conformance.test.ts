/**
 * Store conformance: the behaviours the gateway relies on, checked through the official driver
 * against the embedded engine always, and against a real MongoDB as well when MONGODB_URI is set
 * (a fresh database per run, dropped at the end), so that the two cannot drift apart unseen.
 */
import test from 'ava';
import { MongoBulkWriteError, ObjectId } from 'mongodb';
import { fresh, serverError, storeTargets } from './_targets.ts';

const targets = storeTargets();

for (const target of targets) {
  const t$ = (title: string) => `[${target.name}] ${title}`;

  test(t$('unique index: duplicate insert and update fail with 11000 and MongoDB\'s message'), async (t) => {
    const c = fresh(target);
    await c.createIndex({ email: 1 }, { unique: true, name: 'email_1' });
    await c.insertOne({ _id: 'u1' as never, email: 'a@example.com' });
    const err = await serverError(c.insertOne({ _id: 'u2' as never, email: 'a@example.com' }));
    t.is(err.code, 11000);
    t.regex(err.message, /^E11000 duplicate key error collection: \S+\.c_\w+ index: email_1 dup key: \{ email: "a@example\.com" \}$/);
    t.deepEqual(err.keyValue, { email: 'a@example.com' });

    await c.insertOne({ _id: 'u3' as never, email: 'b@example.com' });
    const upd = await serverError(c.updateOne({ _id: 'u3' as never }, { $set: { email: 'a@example.com' } }));
    t.is(upd.code, 11000);
    t.is((await c.findOne({ _id: 'u3' as never }))?.email, 'b@example.com');

    const dupId = await serverError(c.insertOne({ _id: 'u1' as never, email: 'c@example.com' }));
    t.is(dupId.code, 11000);
    t.regex(dupId.message, /index: _id_ dup key: \{ _id: "u1" \}/);
  });

  test(t$('insertMany: ordered stops at the first duplicate, unordered goes on'), async (t) => {
    const c = fresh(target);
    await c.createIndex({ k: 1 }, { unique: true });
    const ordered = await t.throwsAsync(c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]), { instanceOf: MongoBulkWriteError });
    t.is(ordered!.code, 11000);
    t.is(ordered!.result.insertedCount, 1);
    const unordered = await t.throwsAsync(c.insertMany([{ k: 3 }, { k: 3 }, { k: 4 }], { ordered: false }), { instanceOf: MongoBulkWriteError });
    t.is(unordered!.result.insertedCount, 2);
    t.deepEqual((await c.find({}, { projection: { _id: 0 } }).sort({ k: 1 }).toArray()).map((d) => d.k), [1, 3, 4]);
  });

  test(t$('unique index: a missing field counts as null; sparse and partial indexes skip documents'), async (t) => {
    const plain = fresh(target);
    await plain.createIndex({ code: 1 }, { unique: true });
    await plain.insertOne({ n: 1 });
    t.is((await serverError(plain.insertOne({ n: 2 }))).code, 11000);
    t.is((await serverError(plain.insertOne({ n: 3, code: null }))).code, 11000);

    const sparse = fresh(target);
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ n: 1 }, { n: 2 }]);
    t.is(await sparse.countDocuments(), 2);

    const partial = fresh(target);
    await partial.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await partial.insertMany([{ email: 'x', active: false }, { email: 'x', active: false }, { email: 'x', active: true }]);
    const err = await serverError(partial.insertOne({ email: 'x', active: true }));
    t.is(err.code, 11000);
    // Leaving the partial filter frees the key.
    await partial.updateOne({ active: true }, { $set: { active: false } });
    await partial.insertOne({ email: 'x', active: true });
    t.is(await partial.countDocuments({ email: 'x' }), 4);
  });

  test(t$('compound unique index and creating a unique index over duplicates'), async (t) => {
    const c = fresh(target);
    await c.createIndex({ tenant: 1, name: 1 }, { unique: true });
    await c.insertMany([{ tenant: 'a', name: 'x' }, { tenant: 'b', name: 'x' }]);
    const err = await serverError(c.insertOne({ tenant: 'a', name: 'x' }));
    t.is(err.code, 11000);
    t.deepEqual(err.keyValue, { tenant: 'a', name: 'x' });
    const d = fresh(target);
    await d.insertMany([{ v: 1 }, { v: 1 }]);
    t.is((await serverError(d.createIndex({ v: 1 }, { unique: true }))).code, 11000);
  });

  test(t$('upsert: $setOnInsert only on insert; upserted id reported; replacement upsert'), async (t) => {
    const c = fresh(target);
    const first = await c.updateOne({ user: 'ann', 'meta.kind': 'x' }, { $set: { seen: 1 }, $setOnInsert: { created: 'now' } }, { upsert: true });
    t.is(first.upsertedCount, 1);
    t.is(first.matchedCount, 0);
    t.truthy(first.upsertedId);
    const doc = await c.findOne({ _id: first.upsertedId! }, { projection: { _id: 0 } });
    t.deepEqual(doc, { user: 'ann', meta: { kind: 'x' }, seen: 1, created: 'now' });

    const second = await c.updateOne({ user: 'ann' }, { $set: { seen: 2 }, $setOnInsert: { created: 'later' } }, { upsert: true });
    t.is(second.upsertedCount, 0);
    t.is(second.matchedCount, 1);
    t.is(second.modifiedCount, 1);
    t.like(await c.findOne({ user: 'ann' }), { seen: 2, created: 'now' });

    const same = await c.updateOne({ user: 'ann' }, { $set: { seen: 2 } });
    t.is(same.matchedCount, 1);
    t.is(same.modifiedCount, 0);

    const replaced = await c.replaceOne({ _id: 'fixed' as never }, { v: 1 }, { upsert: true });
    t.is(replaced.upsertedId as unknown, 'fixed');
    t.deepEqual(await c.findOne({ _id: 'fixed' as never }), { _id: 'fixed', v: 1 });

    // A range condition contributes nothing to the new document; the update still applies.
    const ranged = await c.updateOne({ user: 'cy', age: { $gt: 5 } }, { $set: { ok: true } }, { upsert: true });
    t.deepEqual(await c.findOne({ _id: ranged.upsertedId! }, { projection: { _id: 0 } }), { user: 'cy', ok: true });

    const fam = await c.findOneAndUpdate({ user: 'bob' }, { $setOnInsert: { n: 0 }, $inc: { hits: 1 } }, { upsert: true, returnDocument: 'after', projection: { _id: 0 } });
    t.deepEqual(fam, { user: 'bob', n: 0, hits: 1 });
  });

  test(t$('TTL index deletes expired documents and keeps the rest'), async (t) => {
    const c = fresh(target);
    await c.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    const indexes = await c.indexes();
    t.is(indexes.find((i) => i.name === 'expiresAt_1')?.expireAfterSeconds, 0);
    if (!target.embedded) {
      // A real server's TTL monitor runs every 60 s; only the index definition is checked there.
      return;
    }
    await c.insertMany([
      { n: 'past', expiresAt: new Date(Date.now() - 1000) },
      { n: 'future', expiresAt: new Date(Date.now() + 3_600_000) },
      { n: 'no-date', expiresAt: 'not a date' },
      { n: 'missing' },
    ]);
    for (let i = 0; i < 100 && (await c.countDocuments({ n: 'past' })) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    t.deepEqual((await c.find({}).sort({ n: 1 }).toArray()).map((d) => d.n), ['future', 'missing', 'no-date']);

    // Expiry follows updates both ways: pushed into the future it stays, moved into the past it goes.
    // The first expiry is seconds away so that a loaded machine still renews before it.
    const firstExpiry = Date.now() + 4000;
    await c.insertOne({ n: 'renewed', expiresAt: new Date(firstExpiry) });
    await c.updateOne({ n: 'renewed' }, { $set: { expiresAt: new Date(Date.now() + 3_600_000) } });
    await c.updateOne({ n: 'future' }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    for (let i = 0; i < 100 && (await c.countDocuments({ n: 'future' })) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, Math.max(0, firstExpiry + 500 - Date.now())));
    t.deepEqual((await c.find({}).sort({ n: 1 }).toArray()).map((d) => d.n), ['missing', 'no-date', 'renewed']);
  });

  test(t$('projections: inclusion, exclusion, nested paths, _id: 0'), async (t) => {
    const c = fresh(target);
    await c.insertOne({ _id: 1 as never, a: 1, b: { x: 1, y: 2 }, c: [1, 2, 3], secret: 's' });
    t.deepEqual(await c.findOne({}, { projection: { a: 1 } }), { _id: 1, a: 1 });
    t.deepEqual(await c.findOne({}, { projection: { a: 1, _id: 0 } }), { a: 1 });
    t.deepEqual(await c.findOne({}, { projection: { secret: 0, c: 0 } }), { _id: 1, a: 1, b: { x: 1, y: 2 } });
    t.deepEqual(await c.findOne({}, { projection: { 'b.y': 1, _id: 0 } }), { b: { y: 2 } });
    t.deepEqual(await c.findOne({}, { projection: { 'b.x': 0, secret: 0, c: 0 } }), { _id: 1, a: 1, b: { y: 2 } });
    // Fields come back in stored order, `_id` first, whatever the projection's order.
    t.deepEqual(Object.keys((await c.findOne({}, { projection: { c: 1, a: 1 } }))!), ['_id', 'a', 'c']);
    const mixed = await serverError(c.findOne({}, { projection: { a: 1, secret: 0 } }));
    t.is(mixed.code, 31254);
  });

  test(t$('sort, skip, limit: compound sort with ties and cursors across getMore batches'), async (t) => {
    const c = fresh(target);
    const docs = Array.from({ length: 25 }, (_, i) => ({ _id: i, group: i % 3, rank: Math.floor(i / 2) }));
    await c.insertMany(docs as never[]);
    const sorted = await c.find({}).sort({ group: 1, rank: -1, _id: 1 }).toArray();
    const expected = [...docs].sort((a, b) => a.group - b.group || b.rank - a.rank || a._id - b._id);
    t.deepEqual(sorted.map((d) => d._id), expected.map((d) => d._id));

    const page = await c.find({}).sort({ group: 1, rank: -1, _id: 1 }).skip(5).limit(7).toArray();
    t.deepEqual(page.map((d) => d._id), expected.slice(5, 12).map((d) => d._id));

    const batched = await c.find({ group: { $gte: 0 } }, { batchSize: 4 }).sort({ _id: -1 }).toArray();
    t.deepEqual(batched.map((d) => d._id), docs.map((d) => d._id).reverse());

    // Unsorted finds come back in insertion order.
    t.deepEqual((await c.find({ group: 1 }).toArray()).map((d) => d._id), docs.filter((d) => d.group === 1).map((d) => d._id));

    const cursor = c.find({}, { batchSize: 2 });
    const firstTwo = [await cursor.next(), await cursor.next(), await cursor.next()];
    t.deepEqual(firstTwo.map((d) => d?._id), [0, 1, 2]);
    await cursor.close();
  });

  test(t$('sort follows MongoDB\'s type order and array rules'), async (t) => {
    const c = fresh(target);
    const oid = new ObjectId('65a000000000000000000001');
    await c.insertMany([
      { _id: 1, v: [3, 1] }, { _id: 2, v: 2 }, { _id: 3 }, { _id: 4, v: null }, { _id: 5, v: 'b' },
      { _id: 6, v: true }, { _id: 7, v: new Date(0) }, { _id: 8, v: oid }, { _id: 9, v: { x: 1 } }, { _id: 10, v: 2.5 },
    ] as never[]);
    const asc = await c.find({}).sort({ v: 1, _id: 1 }).toArray();
    t.deepEqual(asc.map((d) => d._id), [3, 4, 1, 2, 10, 5, 9, 8, 6, 7]);
    const desc = await c.find({}).sort({ v: -1, _id: 1 }).toArray();
    t.deepEqual(desc.map((d) => d._id), [7, 6, 8, 9, 5, 1, 10, 2, 3, 4]);
  });

  test(t$('concurrent guarded findOneAndUpdate: exactly one of 50 wins'), async (t) => {
    const c = fresh(target);
    const { insertedId } = await c.insertOne({ used: false });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => c.findOneAndUpdate({ _id: insertedId, used: false }, { $set: { used: true, by: i } }, { returnDocument: 'after' })),
    );
    const winners = results.filter((r) => r !== null);
    t.is(winners.length, 1);
    t.like(await c.findOne({ _id: insertedId }), { used: true, by: winners[0]!.by });
  });

  test(t$('update operators: $inc, $push, $pull, $addToSet, arrayFilters, $unset'), async (t) => {
    const c = fresh<{ n: number; tags: string[]; items: Array<{ k: string; q: number }>; gone?: boolean }>(target);
    const { insertedId: id } = await c.insertOne({ n: 1, tags: ['a'], items: [{ k: 'x', q: 1 }, { k: 'y', q: 1 }], gone: true });
    await c.updateOne({ _id: id }, { $inc: { n: 4 }, $push: { tags: 'b' }, $unset: { gone: '' } });
    await c.updateOne({ _id: id }, { $addToSet: { tags: { $each: ['a', 'c'] } } });
    await c.updateOne({ _id: id }, { $pull: { tags: 'b' } });
    await c.updateOne({ _id: id }, { $inc: { 'items.$[it].q': 10 } }, { arrayFilters: [{ 'it.k': 'y' }] });
    await c.updateOne({ _id: id, 'items.k': 'x' }, { $set: { 'items.$.q': 7 } });
    t.deepEqual(await c.findOne({ _id: id }, { projection: { _id: 0 } }), { n: 5, tags: ['a', 'c'], items: [{ k: 'x', q: 7 }, { k: 'y', q: 11 }] });
    const many = await c.updateMany({}, { $inc: { n: 1 } });
    t.is(many.modifiedCount, 1);
  });

  test(t$('update errors: _id is immutable (66), $inc on a string (14)'), async (t) => {
    const c = fresh(target);
    await c.insertOne({ _id: 'keep' as never, s: 'text' });
    t.is((await serverError(c.updateOne({ _id: 'keep' as never }, { $set: { _id: 'other' } }))).code, 66);
    t.is((await serverError(c.replaceOne({ _id: 'keep' as never }, { _id: 'other', s: 1 }))).code, 66);
    t.is((await serverError(c.updateOne({ _id: 'keep' as never }, { $inc: { s: 1 } }))).code, 14);
    t.deepEqual(await c.findOne({ _id: 'keep' as never }), { _id: 'keep', s: 'text' });
  });

  test(t$('countDocuments, distinct, a small aggregate, deletes'), async (t) => {
    const c = fresh(target);
    await c.insertMany(Array.from({ length: 12 }, (_, i) => ({ i, kind: i % 2 ? 'odd' : 'even', tags: [`t${i % 3}`] })));
    t.is(await c.countDocuments({ kind: 'odd' }), 6);
    t.is(await c.countDocuments({}, { skip: 3, limit: 5 }), 5);
    t.deepEqual((await c.distinct('tags')).sort(), ['t0', 't1', 't2']);
    const agg = await c.aggregate([{ $match: { i: { $gte: 2 } } }, { $group: { _id: '$kind', total: { $sum: '$i' }, n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    t.deepEqual(agg, [{ _id: 'even', total: 2 + 4 + 6 + 8 + 10, n: 5 }, { _id: 'odd', total: 3 + 5 + 7 + 9 + 11, n: 5 }]);
    const counted = await c.aggregate([{ $match: { kind: 'even' } }, { $count: 'n' }]).toArray();
    t.deepEqual(counted, [{ n: 6 }]);
    t.is((await c.deleteOne({ kind: 'odd' })).deletedCount, 1);
    t.is((await c.deleteMany({ kind: 'odd' })).deletedCount, 5);
    const removed = await c.findOneAndDelete({ i: 0 });
    t.is(removed?.i, 0);
    t.is(await c.countDocuments(), 5);
  });

  test(t$('indexes: list, idempotent create, drop'), async (t) => {
    const c = fresh(target);
    await c.createIndex({ a: 1, b: -1 }, { name: 'ab' });
    await c.createIndex({ a: 1, b: -1 }, { name: 'ab' });
    t.deepEqual((await c.indexes()).map((i) => [i.name, i.key]), [['_id_', { _id: 1 }], ['ab', { a: 1, b: -1 }]]);
    await c.dropIndex('ab');
    t.deepEqual((await c.indexes()).map((i) => i.name), ['_id_']);
    const err = await serverError(c.dropIndex('nope'));
    t.is(err.code, 27);
  });

  test(t$('an equality find on an indexed field returns only the matching documents'), async (t) => {
    const c = fresh(target);
    await c.createIndex({ tenant: 1 });
    await c.insertMany([{ tenant: 'a', n: 1 }, { tenant: 'b', n: 2 }, { tenant: ['a', 'c'], n: 3 }, { tenant: 1, n: 4 }]);
    t.deepEqual((await c.find({ tenant: 'a' }).toArray()).map((d) => d.n), [1, 3]);
    t.deepEqual((await c.find({ tenant: { $in: ['b', 'c'] } }).toArray()).map((d) => d.n), [2, 3]);
    t.deepEqual((await c.find({ tenant: 1.0 }).toArray()).map((d) => d.n), [4]);
    t.deepEqual((await c.find({ tenant: 'a', n: { $gt: 1 } }).toArray()).map((d) => d.n), [3]);
    t.deepEqual((await c.find({ tenant: { $in: [] } }).toArray()).map((d) => d.n), []);
  });

  test(t$('a long $in beside other conditions: exactly the documents matching all of them'), async (t) => {
    const c = fresh(target);
    await c.createIndex({ tenant: 1, n: 1 });
    await c.insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: `d${i}`, tenant: i % 3 === 0 ? 'a' : 'b', n: i, tags: [`t${i % 5}`] })) as never);
    const ids = Array.from({ length: 2500 }, (_, i) => `d${i * 2}`);
    const byId = await c.find({ tenant: 'a', _id: { $in: ids }, tags: 't0' } as never, { projection: { n: 1 } }).toArray();
    t.deepEqual(
      byId.map((d) => d.n),
      Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 3 === 0 && i % 2 === 0 && i < 5000 && i % 5 === 0),
    );
    const ns = Array.from({ length: 1500 }, (_, i) => i * 2);
    const compound = await c.countDocuments({ tenant: 'b', n: { $in: ns } });
    t.is(compound, ns.filter((i) => i % 3 !== 0).length);
    t.is(await c.countDocuments({ tenant: 'b', n: { $in: ns }, tags: { $in: ['t1', 't2'] } }), ns.filter((i) => i % 3 !== 0 && [1, 2].includes(i % 5)).length);
  });

  if (target.embedded) {
    test(t$('outside the subset: NotImplemented (238), never a silent wrong result'), async (t) => {
      const c = fresh(target);
      await c.insertOne({ a: 1 });
      t.is((await serverError(c.find({ $where: 'this.a === 1' }).toArray())).code, 238);
      const graph = await serverError(c.aggregate([{ $graphLookup: { from: 'x', startWith: '$a', connectFromField: 'a', connectToField: 'a', as: 'g' } }]).toArray());
      t.is(graph.code, 238);
      t.is(graph.codeName, 'NotImplemented');
      t.is((await serverError(c.createIndex({ body: 'text' }))).code, 238);
      t.is((await serverError(target.db!.command({ serverStatus: 1 }))).code, 238);
    });
  }
}
