/**
 * Refusals: every command the embedded engine answers is checked field by field. A field MongoDB
 * 7.0 does not know is its IDL error 40415 on both sides (the embedded engine and a real MongoDB
 * when MONGODB_URI is set); a field 7.0 knows but the engine does not model is NotImplemented
 * (238) on the embedded engine, where a real server would apply it. A refused command changes
 * nothing.
 */
import test from 'ava';
import { Long, UUID, type Document } from 'mongodb';
import { COMMAND_NAMES } from '../../server/store/engine/engine.ts';
import { fresh, serverError, storeTargets, type Target } from './_targets.ts';

const targets = storeTargets();

interface RefusalCase {
  /** Database the command runs against: the test database unless given. */
  db?: 'admin' | 'other';
  /** The command with one field MongoDB 7.0 does not know; MongoDB answers 40415. */
  unknown?: (coll: string) => Document;
  /** Commands whose MongoDB implementation ignores unknown fields: this one is answered as usual. */
  ignored?: (coll: string) => Document;
  /** The command with a field MongoDB knows but the engine does not model: NotImplemented. */
  notImplemented?: (coll: string) => Document;
}

const UNKNOWN = { zzUnknownField: 1 };

const CASES: Record<string, RefusalCase> = {
  hello: { ignored: () => ({ hello: 1, ...UNKNOWN }), notImplemented: () => ({ hello: 1, loadBalanced: true }) },
  isMaster: { ignored: () => ({ isMaster: 1, ...UNKNOWN }), notImplemented: () => ({ isMaster: 1, topologyVersion: { processId: 1, counter: 0 }, maxAwaitTimeMS: 10 }) },
  ismaster: { ignored: () => ({ ismaster: 1, ...UNKNOWN }), notImplemented: () => ({ ismaster: 1, speculativeAuthenticate: { saslStart: 1 } }) },
  ping: { ignored: () => ({ ping: 1, ...UNKNOWN }), notImplemented: () => ({ ping: 1, txnNumber: Long.fromNumber(1) }) },
  buildInfo: { ignored: () => ({ buildInfo: 1, ...UNKNOWN }), notImplemented: () => ({ buildInfo: 1, shardVersion: [] }) },
  buildinfo: { ignored: () => ({ buildinfo: 1, ...UNKNOWN }), notImplemented: () => ({ buildinfo: 1, databaseVersion: {} }) },
  getParameter: { db: 'admin', notImplemented: () => ({ getParameter: 1, featureCompatibilityVersion: 1, $audit: {} }) },
  endSessions: { db: 'admin', unknown: () => ({ endSessions: [], ...UNKNOWN }), notImplemented: () => ({ endSessions: [], autocommit: false }) },
  create: { unknown: (c) => ({ create: c, ...UNKNOWN }), notImplemented: (c) => ({ create: c, capped: true, size: 4096 }) },
  drop: { unknown: (c) => ({ drop: c, ...UNKNOWN }), notImplemented: (c) => ({ drop: c, collectionUUID: new UUID() }) },
  dropDatabase: { db: 'other', unknown: () => ({ dropDatabase: 1, ...UNKNOWN }), notImplemented: () => ({ dropDatabase: 1, writeConcern: { w: 2 } }) },
  listCollections: { unknown: () => ({ listCollections: 1, ...UNKNOWN }), notImplemented: () => ({ listCollections: 1, readConcern: { level: 'snapshot' } }) },
  listDatabases: { db: 'admin', unknown: () => ({ listDatabases: 1, ...UNKNOWN }), notImplemented: () => ({ listDatabases: 1, maxTimeMSOpOnly: 10 }) },
  createIndexes: {
    unknown: (c) => ({ createIndexes: c, indexes: [{ key: { a: 1 }, name: 'a_1' }], ...UNKNOWN }),
    notImplemented: (c) => ({ createIndexes: c, indexes: [{ key: { a: 1 }, name: 'a_1', collation: { locale: 'fr' } }] }),
  },
  listIndexes: { unknown: (c) => ({ listIndexes: c, ...UNKNOWN }), notImplemented: (c) => ({ listIndexes: c, includeBuildUUIDs: true }) },
  dropIndexes: { unknown: (c) => ({ dropIndexes: c, index: '*', ...UNKNOWN }), notImplemented: (c) => ({ dropIndexes: c, index: '*', collectionUUID: new UUID() }) },
  find: { unknown: (c) => ({ find: c, filter: {}, ...UNKNOWN }), notImplemented: (c) => ({ find: c, filter: {}, collation: { locale: 'en', strength: 2 } }) },
  getMore: {
    unknown: (c) => ({ getMore: Long.fromNumber(12345), collection: c, ...UNKNOWN }),
    notImplemented: (c) => ({ getMore: Long.fromNumber(12345), collection: c, term: Long.fromNumber(1) }),
  },
  killCursors: { unknown: (c) => ({ killCursors: c, cursors: [], ...UNKNOWN }), notImplemented: (c) => ({ killCursors: c, cursors: [], stmtId: 0 }) },
  count: { unknown: (c) => ({ count: c, query: {}, ...UNKNOWN }), notImplemented: (c) => ({ count: c, query: {}, collation: { locale: 'en' } }) },
  distinct: { unknown: (c) => ({ distinct: c, key: 'a', ...UNKNOWN }), notImplemented: (c) => ({ distinct: c, key: 'a', collation: { locale: 'en' } }) },
  aggregate: {
    unknown: (c) => ({ aggregate: c, pipeline: [], cursor: {}, ...UNKNOWN }),
    notImplemented: (c) => ({ aggregate: c, pipeline: [{ $match: { $expr: { $eq: ['$a', '$$x'] } } }], cursor: {}, let: { x: 1 } }),
  },
  insert: { unknown: (c) => ({ insert: c, documents: [{ a: 1 }], ...UNKNOWN }), notImplemented: (c) => ({ insert: c, documents: [{ a: 1 }], stmtIds: [0] }) },
  update: {
    unknown: (c) => ({ update: c, updates: [{ q: {}, u: { $set: { a: 2 } } }], ...UNKNOWN }),
    notImplemented: (c) => ({ update: c, updates: [{ q: { a: 'A' }, u: { $set: { a: 2 } }, collation: { locale: 'en', strength: 2 } }] }),
  },
  delete: {
    unknown: (c) => ({ delete: c, deletes: [{ q: {}, limit: 0 }], ...UNKNOWN }),
    notImplemented: (c) => ({ delete: c, deletes: [{ q: { a: 'A' }, limit: 0, collation: { locale: 'en', strength: 2 } }] }),
  },
  findAndModify: {
    unknown: (c) => ({ findAndModify: c, query: {}, update: { $set: { a: 2 } }, ...UNKNOWN }),
    notImplemented: (c) => ({ findAndModify: c, query: { $expr: { $eq: ['$a', '$$x'] } }, update: { $set: { a: 2 } }, let: { x: 1 } }),
  },
  findandmodify: {
    unknown: (c) => ({ findandmodify: c, query: {}, remove: true, ...UNKNOWN }),
    notImplemented: (c) => ({ findandmodify: c, query: { a: 'A' }, remove: true, collation: { locale: 'en', strength: 2 } }),
  },
};

function dbOf(target: Target, which: RefusalCase['db']) {
  if (which === 'admin') return target.conn!.client.db('admin');
  if (which === 'other') return target.conn!.client.db(`${target.db!.databaseName}_other`);
  return target.db!;
}

test('every command the engine answers has a refusal case', (t) => {
  t.deepEqual(COMMAND_NAMES.filter((name) => !CASES[name]), []);
  t.deepEqual(Object.keys(CASES).filter((name) => !COMMAND_NAMES.includes(name)), []);
});

for (const target of targets) {
  const t$ = (title: string) => `[${target.name}] ${title}`;

  for (const [name, refusal] of Object.entries(CASES)) {
    test(t$(`${name}: unknown fields answer MongoDB's own error, the rest is refused or honoured`), async (t) => {
      const c = fresh(target);
      await c.insertMany([{ _id: 1, a: 'a' }, { _id: 2, a: 'A' }] as never[]);
      const before = await c.find().toArray();
      const db = dbOf(target, refusal.db);
      if (refusal.unknown) {
        const err = await serverError(db.command(refusal.unknown(c.collectionName)));
        t.is(err.code, 40415, err.message);
        t.regex(err.message, new RegExp(`BSON field '${name}\\.zzUnknownField' is an unknown field`, 'i'));
      }
      if (refusal.ignored) {
        t.is((await db.command(refusal.ignored(c.collectionName))).ok, 1);
      }
      if (refusal.notImplemented && target.embedded) {
        const err = await serverError(db.command(refusal.notImplemented(c.collectionName)));
        t.is(err.code, 238, err.message);
        t.is(err.codeName, 'NotImplemented');
      }
      t.deepEqual(await c.find().toArray(), before);
      t.deepEqual((await c.indexes()).map((i) => i.name), ['_id_']);
    });
  }

  test(t$('a statement field 7.0 does not know refuses the whole batch: update.updates.sort'), async (t) => {
    const c = fresh(target);
    await c.insertMany([{ _id: 1, v: 'first' }, { _id: 2, v: 'second' }] as never[]);
    const before = await c.find().toArray();
    const attempts: Array<[string, Promise<unknown>]> = [
      ['updateOne', c.updateOne({}, { $set: { v: 'changed' } }, { sort: { _id: -1 } })],
      ['replaceOne', c.replaceOne({}, { v: 'replaced' }, { sort: { _id: -1 } })],
      ['bulkWrite', c.bulkWrite([{ updateOne: { filter: {}, update: { $set: { v: 'bulk' } }, sort: { _id: -1 } } }])],
      ['raw, ordered batch', target.db!.command({ update: c.collectionName, updates: [{ q: { _id: 1 }, u: { $set: { v: 'x' } } }, { q: {}, u: { $set: { v: 'y' } }, sort: { _id: -1 } }] })],
    ];
    for (const [label, attempt] of attempts) {
      if (target.major! >= 8) {
        await attempt; // 8.0 applies the sort; the documents are checked below
        continue;
      }
      const err = await serverError(attempt);
      t.is(err.code, 40415, label);
      t.regex(err.message, /BSON field 'update\.updates\.sort' is an unknown field/, label);
    }
    if (target.major! < 8) t.deepEqual(await c.find().toArray(), before, 'no statement of a refused batch ran');
    else t.is((await c.findOne({ _id: 1 } as never))?.v, 'x');
  });

  test(t$('delete and update statements: required fields are MongoDB\'s 40414'), async (t) => {
    const c = fresh(target);
    await c.insertOne({ _id: 1 } as never);
    const noLimit = await serverError(target.db!.command({ delete: c.collectionName, deletes: [{ q: {} }] }));
    t.is(noLimit.code, 40414);
    t.regex(noLimit.message, /BSON field 'delete\.deletes\.limit' is missing but a required field/);
    const noU = await serverError(target.db!.command({ update: c.collectionName, updates: [{ q: {} }] }));
    t.is(noU.code, 40414);
    t.is(await c.countDocuments(), 1);
  });

  test(t$('hint: an index that does not exist is BadValue; an existing full index is honoured'), async (t) => {
    const c = fresh(target);
    await c.createIndex({ a: 1 }, { name: 'a_1' });
    await c.insertMany([{ _id: 1, a: 1 }, { _id: 2 }] as never[]);
    t.is((await serverError(c.find({}, { hint: 'nope' }).toArray())).code, 2);
    t.is((await serverError(c.updateOne({ _id: 1 } as never, { $set: { b: 1 } }, { hint: { zz: 1 } }))).code, 2);
    t.deepEqual((await c.find({}, { hint: 'a_1' }).sort({ _id: 1 }).toArray()).map((d) => d._id), [1, 2]);
    t.deepEqual((await c.find({}, { hint: { a: 1 } }).sort({ _id: 1 }).toArray()).map((d) => d._id), [1, 2]);
    t.is((await c.deleteMany({ a: 1 }, { hint: 'a_1' })).deletedCount, 1);
  });

  if (target.embedded) {
    test(t$('outside the subset: hints that change results, read and write concerns one node cannot give'), async (t) => {
      const c = fresh(target);
      await c.createIndex({ a: 1 }, { sparse: true, name: 'sparse_a' });
      await c.insertMany([{ _id: 1, a: 1 }, { _id: 2 }] as never[]);
      // MongoDB returns only the documents a hinted sparse index holds, and $natural: -1 reverses.
      t.is((await serverError(c.find({}, { hint: 'sparse_a' }).toArray())).code, 238);
      t.is((await serverError(c.find({}, { hint: { $natural: -1 } }).toArray())).code, 238);
      t.deepEqual((await c.find({}, { hint: { $natural: 1 } }).toArray()).map((d) => d._id), [1, 2]);
      t.is((await serverError(c.find({}, { readConcern: { level: 'snapshot' } }).toArray())).code, 238);
      t.is((await serverError(c.insertOne({ _id: 3 } as never, { writeConcern: { w: 3 } }))).code, 238);
      t.is((await c.insertOne({ _id: 4 } as never, { writeConcern: { w: 'majority', j: true } })).insertedId as unknown, 4);
      t.is((await serverError(c.createIndex({ b: 1 }, { hidden: true }))).code, 238);
      t.is((await serverError(target.db!.command({ createIndexes: c.collectionName, indexes: [{ key: { b: 1 }, name: 'b_1', zzOption: 1 }] }))).code, 197);
      t.is((await serverError(target.db!.command({ find: c.collectionName, readConcern: { level: 'local', afterClusterTime: new Long(0) } }))).code, 238);
      t.deepEqual((await c.find().toArray()).map((d) => d._id), [1, 2, 4]);
    });
  }
}
