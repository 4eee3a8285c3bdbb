/**
 * Values: numeric types kept apart through a round trip and through arithmetic, sort order across
 * BSON types, and the `keyValue` of unique violations, on the embedded engine and on a real
 * MongoDB when MONGODB_URI is set.
 * https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/
 */
import test from 'ava';
import { Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, type Document } from 'mongodb';
import { fresh, serverError, storeTargets } from './_targets.ts';

const targets = storeTargets();

/** Each field's bson type as the driver decodes it without promotion. */
function typesOf(doc: Document | null): Record<string, string> {
  return Object.fromEntries(Object.entries(doc ?? {}).map(([k, v]) => [k, (v as { _bsontype?: string })?._bsontype ?? typeof v]));
}

for (const target of targets) {
  const t$ = (title: string) => `[${target.name}] ${title}`;

  test(t$('int32, int64, double and Decimal128 come back as written'), async (t) => {
    const c = fresh(target);
    await c.insertOne({
      _id: 1, i: new Int32(1), l: Long.fromNumber(2), d: new Double(3), f: 2.5, dec: Decimal128.fromString('5.10'), big: Long.fromString('9007199254740993'),
    } as never);
    const raw = await c.findOne({ _id: 1 } as never, { promoteValues: false, projection: { _id: 0 } });
    t.deepEqual(typesOf(raw), { i: 'Int32', l: 'Long', d: 'Double', f: 'Double', dec: 'Decimal128', big: 'Long' });
    t.is(raw!.dec.toString(), '5.10');
    t.is(raw!.big.toString(), '9007199254740993');
    t.is(String(raw!.d.valueOf()), '3');
    // $type tells them apart; equality does not.
    for (const [type, field] of [['int', 'i'], ['long', 'l'], ['double', 'd'], ['decimal', 'dec']]) {
      t.is(await c.countDocuments({ [field]: { $type: type } }), 1, `${field} is ${type}`);
    }
    t.is(await c.countDocuments({ i: { $type: 'long' } }), 0);
    t.is(await c.countDocuments({ d: { $type: 'int' } }), 0);
    t.is(await c.countDocuments({ l: 2, d: 3, i: { $gte: 1 }, dec: { $gt: 5 } }), 1);
    // A document rewritten by an unrelated update keeps the types of the fields it does not touch.
    await c.updateOne({ _id: 1 } as never, { $set: { other: 'x' } });
    t.deepEqual(typesOf(await c.findOne({ _id: 1 } as never, { promoteValues: false, projection: { _id: 0, other: 0 } })), typesOf(raw));
  });

  test(t$('$inc and $mul take the wider type; an int32 overflow becomes int64'), async (t) => {
    const c = fresh(target);
    await c.insertOne({ _id: 1, i: new Int32(1), top: new Int32(2147483647), l: Long.fromNumber(2), d: new Double(3) } as never);
    await c.updateOne({ _id: 1 } as never, { $inc: { i: new Int32(1), top: new Int32(1), l: new Int32(1), d: new Int32(1), fresh: Long.fromNumber(7) }, $mul: { zero: new Double(2) } });
    const raw = await c.findOne({ _id: 1 } as never, { promoteValues: false, projection: { _id: 0 } });
    t.deepEqual(typesOf(raw), { i: 'Int32', top: 'Long', l: 'Long', d: 'Double', fresh: 'Long', zero: 'Double' });
    t.deepEqual([raw!.i, raw!.top, raw!.l, raw!.d, raw!.fresh, raw!.zero].map((v) => String(v.valueOf())), ['2', '2147483648', '3', '4', '7', '0']);
    await c.updateOne({ _id: 1 } as never, { $inc: { i: 0.5 } });
    const after = await c.findOne({ _id: 1 } as never, { promoteValues: false });
    t.is(after!.i._bsontype, 'Double');
    t.is(after!.i.valueOf(), 2.5);
  });

  test(t$('sort follows BSON comparison order across every type, numbers compared across types'), async (t) => {
    const c = fresh(target);
    await c.insertMany([
      { _id: 1, v: new MaxKey() }, { _id: 2, v: /re/ }, { _id: 3, v: new Date(5) }, { _id: 4, v: true }, { _id: 5, v: new ObjectId('65a000000000000000000001') },
      { _id: 6, v: { a: 1 } }, { _id: 7, v: 'abc' }, { _id: 8, v: Decimal128.fromString('2.5') }, { _id: 9, v: Long.fromNumber(2) }, { _id: 10, v: new Double(3) },
      { _id: 11, v: new Int32(1) }, { _id: 12, v: null }, { _id: 13 }, { _id: 14, v: new MinKey() }, { _id: 15, v: [] }, { _id: 16, v: 'Abc' },
    ] as never[]);
    const asc = (await c.find({}).sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id);
    // MinKey, empty array, null and missing (equal), numbers by value, strings by bytes, objects, ObjectId, booleans, dates, regex, MaxKey.
    t.deepEqual(asc, [14, 15, 12, 13, 11, 9, 8, 10, 16, 7, 6, 5, 4, 3, 2, 1]);
    const desc = (await c.find({}).sort({ v: -1, _id: 1 }).toArray()).map((d) => d._id);
    t.deepEqual(desc, [1, 2, 3, 4, 5, 6, 7, 16, 10, 8, 9, 11, 12, 13, 15, 14]);
  });

  test(t$('unique violations carry keyPattern and keyValue, from every kind of write'), async (t) => {
    const c = fresh(target);
    await c.createIndex({ tenantId: 1, 'profile.email': 1 }, { unique: true, name: 'tenant_email' });
    await c.insertMany([{ _id: 1, tenantId: 't', profile: { email: 'a' } }, { _id: 2, tenantId: 't', profile: { email: 'b' } }] as never[]);
    const expected = { tenantId: 't', 'profile.email': 'a' };
    const attempts = {
      insert: c.insertOne({ _id: 3, tenantId: 't', profile: { email: 'a' } } as never),
      update: c.updateOne({ _id: 2 } as never, { $set: { 'profile.email': 'a' } }),
      replace: c.replaceOne({ _id: 2 } as never, { tenantId: 't', profile: { email: 'a' } }),
      upsert: c.updateOne({ _id: 4 } as never, { $set: { tenantId: 't', profile: { email: 'a' } } }, { upsert: true }),
      findOneAndUpdate: c.findOneAndUpdate({ _id: 2 } as never, { $set: { profile: { email: 'a' } } }),
    };
    for (const [kind, attempt] of Object.entries(attempts)) {
      const err = await serverError(attempt);
      t.is(err.code, 11000, kind);
      t.deepEqual(err.keyValue, expected, kind);
      t.deepEqual(err.errorResponse.keyPattern, { tenantId: 1, 'profile.email': 1 }, kind);
    }
    const missing = fresh(target);
    await missing.createIndex({ k: 1 }, { unique: true });
    await missing.insertOne({ _id: 1 } as never);
    t.deepEqual((await serverError(missing.insertOne({ _id: 2 } as never))).keyValue, { k: null }, 'a missing field is null');
    const multikey = fresh(target);
    await multikey.createIndex({ tags: 1 }, { unique: true });
    await multikey.insertOne({ _id: 1, tags: ['x', 'y'] } as never);
    t.deepEqual((await serverError(multikey.insertOne({ _id: 2, tags: ['z', 'y'] } as never))).keyValue, { tags: 'y' }, 'the array element that collides');
    t.deepEqual(await c.find().sort({ _id: 1 }).toArray(), [{ _id: 1, tenantId: 't', profile: { email: 'a' } }, { _id: 2, tenantId: 't', profile: { email: 'b' } }] as never);
  });
}
