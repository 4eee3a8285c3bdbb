/**
 * Query and update operators and index kinds, case by case from MongoDB's documentation
 * (https://www.mongodb.com/docs/manual/reference/operator/), on the embedded engine and on a real
 * MongoDB when MONGODB_URI is set. A test fails when the gateway's code (server/, outside the
 * engine) uses an operator or an index kind that has no case here.
 */
import test, { type ExecutionContext } from 'ava';
import { Double, Long, type Collection, type Document } from 'mongodb';
import { fresh, serverError, storeTargets, type Target } from './_targets.ts';
import { indexKindsUsedByServer, operatorsUsedByServer } from './_gateway-usage.ts';

const targets = storeTargets();

type Case = (t: ExecutionContext, c: Collection<Document>, target: Target) => Promise<void>;

async function ids(cursor: Promise<Document[]>): Promise<unknown[]> {
  return (await cursor).map((d) => d._id);
}

/** A collection holding one value of each kind under `v`, for the comparison operators. */
async function mixed(c: Collection<Document>): Promise<void> {
  await c.insertMany([
    { _id: 1, v: 5 },
    { _id: 2, v: 10 },
    { _id: 3, v: '20' },
    { _id: 4, v: [1, 30] },
    { _id: 5, v: null },
    { _id: 6 },
    { _id: 7, v: new Date(20) },
    { _id: 8, v: new Double(5) },
    { _id: 9, v: Long.fromNumber(10) },
  ] as never[]);
}

const find = (c: Collection<Document>, filter: Document) => ids(c.find(filter).sort({ _id: 1 }).toArray());

const QUERY_CASES: Record<string, Case> = {
  async $eq(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $eq: 5 } }), [1, 8], 'numbers are equal across int32 and double');
    t.deepEqual(await find(c, { v: 10 }), [2, 9], 'and across int32 and int64');
    t.deepEqual(await find(c, { v: 30 }), [4], 'an array matches through its elements');
    t.deepEqual(await find(c, { v: [1, 30] }), [4], 'or as a whole');
    t.deepEqual(await find(c, { v: { $eq: null } }), [5, 6], 'null matches null and missing');
    t.deepEqual(await find(c, { v: '5' }), [], 'no equality across types');
  },
  async $ne(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $ne: 5 } }), [2, 3, 4, 5, 6, 7, 9]);
    t.deepEqual(await find(c, { v: { $ne: 30 } }), [1, 2, 3, 5, 6, 7, 8, 9], 'an array containing the value is excluded');
    t.deepEqual(await find(c, { v: { $ne: null } }), [1, 2, 3, 4, 7, 8, 9], 'null and missing are excluded');
  },
  async $gt(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $gt: 5 } }), [2, 4, 9], 'numbers only (type bracketing), arrays by any element');
    t.deepEqual(await find(c, { v: { $gt: new Date(10) } }), [7], 'dates compare with dates only');
    t.deepEqual(await find(c, { v: { $gt: '1' } }), [3], 'strings with strings');
  },
  async $gte(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $gte: 10 } }), [2, 4, 9]);
  },
  async $lt(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $lt: 10 } }), [1, 4, 8]);
    t.deepEqual(await find(c, { v: { $lt: new Date(30) } }), [7]);
  },
  async $lte(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $lte: 10 } }), [1, 2, 4, 8, 9]);
    t.deepEqual(await find(c, { v: { $lte: new Date(20) } }), [7], 'null and missing are not dates');
  },
  async $in(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $in: [5, '20'] } }), [1, 3, 8]);
    t.deepEqual(await find(c, { v: { $in: [30, 99] } }), [4], 'through array elements');
    t.deepEqual(await find(c, { v: { $in: [null] } }), [5, 6], 'null in the list matches missing');
    t.deepEqual(await find(c, { v: { $in: [/^2/] } }), [3], 'a regular expression in the list matches strings');
    t.deepEqual(await find(c, { v: { $in: [] } }), []);
    t.deepEqual(await find(c, { _id: { $in: [2, 4, 42] } }), [2, 4]);
  },
  async $nin(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $nin: [5, null] } }), [2, 3, 4, 7, 9]);
  },
  async $not(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $not: { $gt: 5 } } }), [1, 3, 5, 6, 7, 8], 'the complement, missing and other types included');
    t.deepEqual(await find(c, { v: { $not: /^2/ } }), [1, 2, 4, 5, 6, 7, 8, 9]);
    // The gateway's "not blocked now" form: null, missing and past dates pass.
    await c.insertMany([{ _id: 10, b: new Date(1) }, { _id: 11, b: new Date(Date.now() + 60_000) }, { _id: 12, b: null }, { _id: 13 }] as never[]);
    t.deepEqual(await find(c, { _id: { $gte: 10 }, b: { $not: { $gt: new Date() } } }), [10, 12, 13]);
  },
  async $regex(t, c) {
    await c.insertMany([
      { _id: 1, s: 'xABy' }, { _id: 2, s: 'ab' }, { _id: 3, s: 'a-b' }, { _id: 4, s: ['zz', 'AB'] }, { _id: 5, s: 12 },
      { _id: 6, s: 'a.b' }, { _id: 7, s: 'axb' }, { _id: 8, s: 'first\nbold' },
    ] as never[]);
    t.deepEqual(await find(c, { s: { $regex: 'ab' } }), [2]);
    t.deepEqual(await find(c, { s: { $regex: /^a\.b$/ } }), [6], 'escaped metacharacters match literally');
    t.deepEqual(await find(c, { s: { $regex: '^b', $options: 'm' } }), [8]);
    t.deepEqual(await find(c, { s: /b$/ }), [2, 3, 6, 7]);
  },
  async $options(t, c) {
    await c.insertMany([{ _id: 1, s: 'xABy' }, { _id: 2, s: 'ab' }, { _id: 3, s: 'a-b' }, { _id: 4, s: ['zz', 'AB'] }, { _id: 5, s: 12 }] as never[]);
    t.deepEqual(await find(c, { s: { $regex: 'ab', $options: 'i' } }), [1, 2, 4], 'case-insensitive, through array elements, strings only');
    t.deepEqual(await find(c, { s: { $regex: '^AB$', $options: 'i' } }), [2, 4]);
  },
  async $type(t, c) {
    await c.insertMany([
      { _id: 1, v: 'x' }, { _id: 2, v: 1 }, { _id: 3, v: ['a', 1] }, { _id: 4, v: null }, { _id: 5 }, { _id: 6, v: [] },
      { _id: 7, v: new Date(0) }, { _id: 8, v: { s: 'x' } },
    ] as never[]);
    t.deepEqual(await find(c, { v: { $type: 'string' } }), [1, 3], 'an array holding a string matches');
    t.deepEqual(await find(c, { v: { $type: 2 } }), [1, 3], 'by number as by alias');
    t.deepEqual(await find(c, { v: { $type: 'null' } }), [4], 'missing is not null');
    t.deepEqual(await find(c, { v: { $type: 'array' } }), [3, 6]);
    t.deepEqual(await find(c, { v: { $type: 'number' } }), [2, 3]);
    t.deepEqual(await find(c, { v: { $type: ['date', 'object'] } }), [7, 8]);
  },
  async $or(t, c) {
    await c.insertMany([{ _id: 1, a: 1 }, { _id: 2, b: 3 }, { _id: 3, a: 2, b: 1 }, { _id: 4, lastUsedAt: null }, { _id: 5, lastUsedAt: new Date(5) }] as never[]);
    t.deepEqual(await find(c, { $or: [{ a: 1 }, { b: { $gt: 2 } }] }), [1, 2]);
    t.deepEqual(await find(c, { _id: { $in: [1, 2, 3] }, $or: [{ a: 2 }, { b: 3 }] }), [2, 3], 'beside other conditions');
    t.deepEqual(await find(c, { _id: { $gte: 4 }, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lte: new Date(1) } }] }), [4]);
  },
  async $and(t, c) {
    await c.insertMany([{ _id: 1, a: 1, b: 1 }, { _id: 2, a: 1, b: 2 }] as never[]);
    t.deepEqual(await find(c, { $and: [{ a: 1 }, { b: { $gt: 1 } }] }), [2]);
  },
  async $exists(t, c) {
    await mixed(c);
    t.deepEqual(await find(c, { v: { $exists: false } }), [6]);
    t.deepEqual((await find(c, { v: { $exists: true } })).length, 8, 'null exists');
  },
};

/** The document `_id: 1` after the update, without `_id`. */
async function after(c: Collection<Document>): Promise<Document | null> {
  return c.findOne({ _id: 1 } as never, { projection: { _id: 0 } });
}

const UPDATE_CASES: Record<string, Case> = {
  async $set(t, c) {
    await c.insertOne({ _id: 1, a: 1, arr: [1, 2, 3], s: 'x' } as never);
    await c.updateOne({ _id: 1 } as never, { $set: { a: 2, 'n.deep.er': true, 'arr.1': 20 } });
    t.deepEqual(await after(c), { a: 2, arr: [1, 20, 3], s: 'x', n: { deep: { er: true } } });
    t.is((await serverError(c.updateOne({ _id: 1 } as never, { $set: { 's.inner': 1 } }))).code, 28, 'no path through a string');
    const same = await c.updateOne({ _id: 1 } as never, { $set: { a: 2 } });
    t.is(same.modifiedCount, 0, 'setting the same value modifies nothing');
  },
  async $unset(t, c) {
    await c.insertOne({ _id: 1, a: 1, n: { x: 1, y: 2 }, arr: [1, 2, 3] } as never);
    await c.updateOne({ _id: 1 } as never, { $unset: { a: '', 'n.x': 1, 'arr.1': '' } });
    t.deepEqual(await after(c), { n: { y: 2 }, arr: [1, null, 3] }, 'an array element becomes null');
    t.is((await c.updateOne({ _id: 1 } as never, { $unset: { missing: '' } })).modifiedCount, 0);
  },
  async $inc(t, c) {
    await c.insertOne({ _id: 1, n: 1, s: 'x', z: null } as never);
    await c.updateOne({ _id: 1 } as never, { $inc: { n: 4, created: -2, 'deep.count': 1 } });
    t.deepEqual(await after(c), { n: 5, s: 'x', z: null, created: -2, deep: { count: 1 } });
    t.is((await serverError(c.updateOne({ _id: 1 } as never, { $inc: { s: 1 } }))).code, 14);
    t.is((await serverError(c.updateOne({ _id: 1 } as never, { $inc: { z: 1 } }))).code, 14, 'null is not a number');
    t.is((await serverError(c.updateOne({ _id: 1 } as never, { $inc: { n: 'one' } } as never))).code, 14);
  },
  async $setOnInsert(t, c) {
    await c.insertOne({ _id: 1, a: 1 } as never);
    await c.updateOne({ _id: 1 } as never, { $setOnInsert: { b: 1 } }, { upsert: true });
    t.deepEqual(await after(c), { a: 1 }, 'no effect on an existing document');
    const up = await c.updateOne({ _id: 2 } as never, { $setOnInsert: { b: 1 }, $set: { c: 1 } }, { upsert: true });
    t.is(up.upsertedId as unknown, 2);
    t.deepEqual(await c.findOne({ _id: 2 } as never), { _id: 2, b: 1, c: 1 });
    // The same path under two operators conflicts, whether or not the update inserts.
    t.is((await serverError(c.updateOne({ _id: 3 } as never, { $set: { a: 1 }, $setOnInsert: { a: 2 } }, { upsert: true }))).code, 40);
    t.is((await serverError(c.updateOne({ _id: 1 } as never, { $set: { 'p.q': 1 }, $setOnInsert: { p: 2 } }, { upsert: true }))).code, 40);
    t.is(await c.countDocuments({ _id: 3 } as never), 0);
  },
  async $pull(t, c) {
    await c.insertOne({ _id: 1, tags: ['a', 'b', 'a'], n: [1, 5, 7, 9], members: [{ value: 'u1', display: 'x' }, { value: 'u2' }], s: 'x' } as never);
    await c.updateOne({ _id: 1 } as never, { $pull: { tags: 'a', n: { $gte: 7 }, members: { value: 'u1' } } } as never);
    t.deepEqual(await after(c), { tags: ['b'], n: [1, 5], members: [{ value: 'u2' }], s: 'x' }, 'values, conditions and partial documents');
    t.is((await c.updateOne({ _id: 1 } as never, { $pull: { nothing: 'a' } } as never)).modifiedCount, 0);
    t.is((await serverError(c.updateOne({ _id: 1 } as never, { $pull: { s: 'x' } } as never))).code, 2);
  },
  async $push(t, c) {
    await c.insertOne({ _id: 1, a: [1] } as never);
    await c.updateOne({ _id: 1 } as never, { $push: { a: { $each: [2, 3] }, b: 'new' } } as never);
    t.deepEqual(await after(c), { a: [1, 2, 3], b: ['new'] });
  },
  async $addToSet(t, c) {
    await c.insertOne({ _id: 1, a: ['x'] } as never);
    await c.updateOne({ _id: 1 } as never, { $addToSet: { a: { $each: ['x', 'y'] } } } as never);
    t.deepEqual(await after(c), { a: ['x', 'y'] });
  },
  async $each(t, c) {
    await c.insertOne({ _id: 1, set: ['a'], list: [1] } as never);
    await c.updateOne({ _id: 1 } as never, { $addToSet: { set: { $each: ['a', 'b', 'b', 'c'] } }, $push: { list: { $each: [1, 2] } } } as never);
    t.deepEqual(await after(c), { set: ['a', 'b', 'c'], list: [1, 1, 2] }, '$addToSet adds each new value once, $push every value');
    // The gateway's bounded add: the batch goes in only while the array has room for it.
    const room = await c.updateOne({ _id: 1, 'set.4': { $exists: false } } as never, { $addToSet: { set: { $each: ['d', 'e'] } } } as never);
    t.is(room.matchedCount, 1);
    const full = await c.updateOne({ _id: 1, 'set.4': { $exists: false } } as never, { $addToSet: { set: { $each: ['f'] } } } as never);
    t.is(full.matchedCount, 0);
    t.deepEqual((await after(c))?.set, ['a', 'b', 'c', 'd', 'e']);
  },
  async $replaceRoot(t, c) {
    await c.insertOne({ _id: 1, x: 1, t: { u: { v: 1 } } } as never);
    await c.updateOne({ _id: 1 } as never, [{ $replaceRoot: { newRoot: '$t' } }, { $addFields: { foo: 1 } }]);
    t.deepEqual(await c.findOne({ _id: 1 } as never), { _id: 1, u: { v: 1 }, foo: 1 }, '_id is kept');
    t.is((await serverError(c.updateOne({ _id: 1 } as never, [{ $replaceRoot: { newRoot: { _id: 2 } } }]))).code, 66);
  },
  async $replaceWith(t, c) {
    await c.insertOne({ _id: 1, a: 1, keep: { b: 2 } } as never);
    await c.updateOne({ _id: 1 } as never, [{ $replaceWith: '$keep' }]);
    t.deepEqual(await c.findOne({ _id: 1 } as never), { _id: 1, b: 2 });
  },
};

/** Aggregation stages (the `$lookup` the gateway uses joins an API key to its owner). */
/** An update pipeline (MongoDB 4.2+) applied to `{ _id: 1, ...doc }`; the document after it. */
async function piped(c: Collection<Document>, doc: Document, set: Document): Promise<Document | null> {
  await c.insertOne({ _id: 1, ...doc } as never);
  await c.updateOne({ _id: 1 } as never, [{ $set: set }]);
  return after(c);
}

/** Aggregation expressions in update pipelines (identity/lockout/attempts.ts takes slots with them). */
const EXPRESSION_CASES: Record<string, Case> = {
  async $literal(t, c) {
    t.deepEqual(await piped(c, { n: 1 }, { a: { $literal: '$n' }, b: { $literal: { $add: [1, 2] } }, d: { $literal: '$$NOW' } }), { n: 1, a: '$n', b: { $add: [1, 2] }, d: '$$NOW' }, 'a $-string stays a string');
    t.deepEqual(await c.findOne({ _id: 1 } as never, { projection: { _id: 0, n: 1 } }), { n: 1 });
  },
  async $ifNull(t, c) {
    t.deepEqual(await piped(c, { x: null, n: 5 }, { p: { $ifNull: ['$missing', 7] }, q: { $ifNull: ['$x', 'default'] }, r: { $ifNull: ['$n', 0] } }), { x: null, n: 5, p: 7, q: 'default', r: 5 });
    // An upsert runs the pipeline on the new document made of the filter's equalities.
    await c.updateOne({ _id: 2 } as never, [{ $set: { k: { $ifNull: ['$k', 0] }, at: { $ifNull: ['$at', new Date(0)] } } }], { upsert: true });
    t.deepEqual(await c.findOne({ _id: 2 } as never), { _id: 2, k: 0, at: new Date(0) });
  },
  async $cond(t, c) {
    const got = await piped(c, { n: 5, at: new Date(1000), kind: 'user', zero: 0 }, {
      size: { $cond: [{ $lt: ['$n', 10] }, 'small', 'big'] },
      named: { $cond: { if: { $eq: ['$kind', 'user'] }, then: 'u', else: 'other' } },
      old: { $cond: [{ $lte: [{ $ifNull: ['$at', new Date(0)] }, new Date(1000)] }, true, false] },
      either: { $cond: [{ $or: [false, { $lt: ['$n', 1] }] }, 'yes', 'no'] },
      missing: { $cond: ['$missing', 'truthy', 'falsy'] },
      nought: { $cond: ['$zero', 'truthy', 'falsy'] },
    });
    t.like(got, { size: 'small', named: 'u', old: true, either: 'no', missing: 'falsy', nought: 'falsy' });
  },
  async $add(t, c) {
    t.like(await piped(c, { n: 5, at: new Date(1000), z: null }, { m: { $add: ['$n', 2] }, later: { $add: ['$at', 500] }, none: { $add: ['$z', 1] } }), { m: 7, later: new Date(1500), none: null });
  },
  async $subtract(t, c) {
    t.like(await piped(c, { n: 5, at: new Date(1000) }, { m: { $subtract: ['$n', 1] }, earlier: { $subtract: ['$at', 500] }, span: { $subtract: ['$at', new Date(400)] } }), { m: 4, earlier: new Date(500), span: 600 });
  },
};

const STAGE_CASES: Record<string, Case> = {
  async $match(t, c) {
    await mixed(c);
    t.deepEqual(await ids(c.aggregate([{ $match: { v: { $gte: 10 } } }, { $sort: { _id: 1 } }]).toArray()), [2, 4, 9]);
  },
  async $limit(t, c) {
    await mixed(c);
    t.deepEqual(await ids(c.aggregate([{ $sort: { _id: 1 } }, { $limit: 2 }]).toArray()), [1, 2]);
    t.deepEqual(await ids(c.aggregate([{ $match: { v: 5 } }, { $limit: 1 }]).toArray()).then((x) => x.length), 1);
  },
  async $lookup(t, c, target) {
    const users = target.db!.collection(`${c.collectionName}_users`);
    await users.insertMany([{ _id: 'u1', name: 'one' }, { _id: 'u2', name: 'two' }, { _id: 'u3', name: 'three', tag: null }] as never[]);
    await c.insertMany([{ _id: 1, owner: 'u1' }, { _id: 2, owner: null }, { _id: 3, owner: ['u2', 'u1'] }, { _id: 4 }, { _id: 5, owner: 'nobody' }] as never[]);
    const join = (id: number, localField = 'owner', foreignField = '_id') =>
      c.aggregate([{ $match: { _id: id } }, { $lookup: { from: users.collectionName, localField, foreignField, as: 'found' } }]).toArray();
    t.deepEqual(await join(1), [{ _id: 1, owner: 'u1', found: [{ _id: 'u1', name: 'one' }] }]);
    t.deepEqual(await join(2), [{ _id: 2, owner: null, found: [] }], 'null matches no _id');
    t.deepEqual(((await join(3))[0]!.found as { _id: string }[]).map((u) => u._id).sort(), ['u1', 'u2'], 'an array local value matches each element');
    t.deepEqual(((await join(4, 'owner', 'tag'))[0]!.found as { _id: string }[]).map((u) => u._id).sort(), ['u1', 'u2', 'u3'], 'a missing local value matches null and missing');
    t.deepEqual(await join(5), [{ _id: 5, owner: 'nobody', found: [] }]);
    t.deepEqual(await join(99), []);
    if (target.embedded) {
      const sub = await serverError(c.aggregate([{ $lookup: { from: users.collectionName, pipeline: [], as: 'x' } }]).toArray());
      t.regex(sub.message, /not implemented|NotImplemented/i);
    }
  },
};

const INDEX_CASES: Record<string, Case> = {
  async ascending(t, c) {
    await c.createIndex({ a: 1 }, { name: 'a_1' });
    await c.insertMany([{ _id: 1, a: 2 }, { _id: 2, a: 1 }, { _id: 3 }] as never[]);
    t.deepEqual(await find(c, { a: 1 }), [2]);
    t.deepEqual(await find(c, { a: null }), [3]);
  },
  async descending(t, c) {
    await c.createIndex({ at: -1 }, { name: 'at_-1' });
    await c.insertMany([{ _id: 1, at: new Date(1) }, { _id: 2, at: new Date(2) }] as never[]);
    t.deepEqual(await ids(c.find({}).sort({ at: -1 }).toArray()), [2, 1]);
    t.deepEqual((await c.indexes()).find((i) => i.name === 'at_-1')?.key, { at: -1 });
  },
  async compound(t, c) {
    await c.createIndex({ tenantId: 1, createdAt: 1 }, { name: 'tc' });
    await c.insertMany([{ _id: 1, tenantId: 'a', createdAt: 2 }, { _id: 2, tenantId: 'b', createdAt: 1 }, { _id: 3, tenantId: 'a', createdAt: 1 }] as never[]);
    t.deepEqual(await ids(c.find({ tenantId: 'a' }).sort({ createdAt: 1 }).toArray()), [3, 1]);
    t.deepEqual(await find(c, { tenantId: 'a', createdAt: 2 }), [1]);
  },
  async 'dotted path'(t, c) {
    await c.createIndex({ tenantId: 1, 'members.value': 1 }, { name: 'tm' });
    await c.insertMany([
      { _id: 1, tenantId: 't', members: [{ value: 'u1' }, { value: 'u2' }] },
      { _id: 2, tenantId: 't', members: [{ value: 'u2' }] },
      { _id: 3, tenantId: 'o', members: [{ value: 'u1' }] },
    ] as never[]);
    t.deepEqual(await find(c, { tenantId: 't', 'members.value': 'u1' }), [1]);
    t.deepEqual(await find(c, { tenantId: 't', 'members.value': 'u2' }), [1, 2]);
  },
  async unique(t, c) {
    await c.createIndex({ tenantId: 1, usernameKey: 1 }, { unique: true, name: 'tu' });
    await c.insertMany([{ tenantId: 'a', usernameKey: 'x' }, { tenantId: 'b', usernameKey: 'x' }]);
    const err = await serverError(c.insertOne({ tenantId: 'a', usernameKey: 'x' }));
    t.is(err.code, 11000);
    t.deepEqual(err.keyValue, { tenantId: 'a', usernameKey: 'x' });
    t.deepEqual(err.errorResponse.keyPattern, { tenantId: 1, usernameKey: 1 });
  },
  async sparse(t, c) {
    await c.createIndex({ code: 1 }, { unique: true, sparse: true, name: 'code' });
    await c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3, code: 'x' }] as never[]);
    t.is((await serverError(c.insertOne({ _id: 4, code: 'x' } as never))).code, 11000);
    t.deepEqual(await find(c, { code: null }), [1, 2], 'queries still see every document');
  },
  async partial(t, c) {
    await c.createIndex({ tenantId: 1, externalId: 1 }, { unique: true, name: 'te', partialFilterExpression: { externalId: { $type: 'string' } } });
    await c.insertMany([{ _id: 1, tenantId: 't', externalId: null }, { _id: 2, tenantId: 't', externalId: null }, { _id: 3, tenantId: 't', externalId: 'e' }] as never[]);
    t.is((await serverError(c.insertOne({ _id: 4, tenantId: 't', externalId: 'e' } as never))).code, 11000);
    await c.insertOne({ _id: 5, tenantId: 'u', externalId: 'e' } as never);
    t.deepEqual(await find(c, { tenantId: 't', externalId: null }), [1, 2]);
    const listed = (await c.indexes()).find((i) => i.name === 'te');
    t.deepEqual(listed?.partialFilterExpression, { externalId: { $type: 'string' } });
  },
  async ttl(t, c, target) {
    await c.createIndex({ expiresAt: 1 }, { name: 'ttl_expiresAt', expireAfterSeconds: 0 });
    t.is((await c.indexes()).find((i) => i.name === 'ttl_expiresAt')?.expireAfterSeconds, 0);
    // A real server's TTL monitor runs every 60 s: expiry itself is checked on the embedded engine.
    if (!target.embedded) return;
    await c.insertMany([
      { _id: 'past', expiresAt: new Date(Date.now() - 1000) },
      { _id: 'earliest of an array', expiresAt: [new Date(Date.now() + 3_600_000), new Date(Date.now() - 1000)] },
      { _id: 'future', expiresAt: new Date(Date.now() + 3_600_000) },
      { _id: 'null', expiresAt: null },
      { _id: 'string', expiresAt: '2000-01-01' },
    ] as never[]);
    for (let i = 0; i < 100 && (await c.countDocuments({ _id: { $in: ['past', 'earliest of an array'] } } as never)) > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    t.deepEqual(await ids(c.find({}).sort({ _id: 1 }).toArray()), ['future', 'null', 'string']);
  },
};

test('every operator the gateway uses has a conformance case', (t) => {
  const covered = new Set([...Object.keys(QUERY_CASES), ...Object.keys(UPDATE_CASES), ...Object.keys(EXPRESSION_CASES), ...Object.keys(STAGE_CASES)]);
  const missing = [...operatorsUsedByServer()].filter(([op]) => !covered.has(op)).map(([op, files]) => `${op} (${files.join(', ')})`);
  t.deepEqual(missing, [], 'add a case to QUERY_CASES, UPDATE_CASES, EXPRESSION_CASES or STAGE_CASES in test/store/operators.test.ts');
  // The scan itself finds what the gateway is known to use.
  t.true(['$set', '$inc', '$in', '$or', '$type', '$regex'].every((op) => operatorsUsedByServer().has(op)));
});

test('every index kind the gateway declares has a conformance case', (t) => {
  const missing = [...indexKindsUsedByServer()].filter(([kind]) => !(kind in INDEX_CASES)).map(([kind, where]) => `${kind} (${where.join(', ')})`);
  t.deepEqual(missing, [], 'add a case to INDEX_CASES in test/store/operators.test.ts');
  t.true(['unique', 'partial', 'ttl', 'compound'].every((kind) => indexKindsUsedByServer().has(kind)));
});

for (const target of targets) {
  const t$ = (title: string) => `[${target.name}] ${title}`;
  for (const [group, cases] of [['query', QUERY_CASES], ['update', UPDATE_CASES], ['expression', EXPRESSION_CASES], ['stage', STAGE_CASES], ['index', INDEX_CASES]] as const) {
    for (const [name, run] of Object.entries(cases)) {
      test(t$(`${group} ${name}`), (t) => run(t, fresh(target), target));
    }
  }
}
