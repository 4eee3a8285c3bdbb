/**
 * Handshake, server information and catalog commands: hello, ping, buildInfo, collections and
 * indexes. The handshake describes a standalone server (no setName, no topologyVersion), so the
 * driver polls with hello instead of streaming, and never attempts retryable writes or
 * transactions, which the engine does not provide.
 */
import { Query } from 'mingo/query';
import { MongoCommandError } from '../errors.ts';
import { normalizeIndexSpec, type IndexSpec } from '../indexes.ts';
import { QUERY_OPTIONS } from '../mingoOptions.ts';
import { canonicalKey, isPlainObject, type Doc } from '../values.ts';
import type { CommandHandler } from '../context.ts';
import { collectionName, cursorOptions, optionalDoc } from './common.ts';
import { command } from './fields.ts';

/** Reported server version: the 7.0 command set is what the engine follows. */
const VERSION = '7.0.0';
/** Wire version 21 = MongoDB 7.0. */
const MAX_WIRE_VERSION = 21;

/**
 * The handshake: MongoDB ignores handshake fields it does not know (a driver sends those of newer
 * servers to every server), and so does the engine. An awaitable hello (topologyVersion,
 * maxAwaitTimeMS) never comes, as no topologyVersion is given out; speculative authentication and
 * load-balanced mode are outside the subset and refused.
 */
export const hello: CommandHandler = command({
  implemented: ['client', 'compression', 'helloOk', 'saslSupportedMechs'],
  notImplemented: ['speculativeAuthenticate', 'loadBalanced', 'topologyVersion', 'maxAwaitTimeMS', 'internalClient'],
  open: true,
}, (_ctx, { body, connectionId }) => {
  const legacy = !('hello' in body);
  return {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    helloOk: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
});

/** MongoDB's ping and buildInfo ignore any argument, and so do these. */
export const ping: CommandHandler = command({ implemented: [], open: true }, () => ({ ok: 1 }));

export const endSessions: CommandHandler = command({ implemented: [] }, () => ({ ok: 1 }));

export const buildInfo: CommandHandler = command({ implemented: [], open: true }, () => ({
  version: VERSION,
  gitVersion: 'embedded',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: 16 * 1024 * 1024,
  storageEngines: ['embedded'],
  modules: [],
  ok: 1,
}));

/** Parameters a client may reasonably ask for; anything else is reported as unknown. */
const PARAMETERS: Doc = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
};

/** Every other field of getParameter names a parameter: answered below or refused as unknown. */
export const getParameter: CommandHandler = command({ implemented: [], open: true }, (_ctx, { body }) => {
  const reply: Doc = {};
  if (body.getParameter === '*' || (isPlainObject(body.getParameter) && body.getParameter.allParameters)) {
    Object.assign(reply, PARAMETERS);
  } else {
    for (const key of Object.keys(body)) {
      if (key === 'getParameter' || key.startsWith('$') || key === 'lsid') continue;
      if (!(key in PARAMETERS)) throw new MongoCommandError('InvalidOptions', `no option found to get: ${key}`);
      reply[key] = PARAMETERS[key];
    }
  }
  return { ...reply, ok: 1 };
});

export const create: CommandHandler = command({
  implemented: [],
  notImplemented: [
    'capped', 'autoIndexId', 'idIndex', 'size', 'max', 'validator', 'validationLevel', 'validationAction', 'timeseries', 'expireAfterSeconds',
    'clusteredIndex', 'viewOn', 'pipeline', 'collation', 'changeStreamPreAndPostImages', 'encryptedFields', 'storageEngine',
    'indexOptionDefaults', 'temp', 'flags', 'recordPreImages',
  ],
  writeConcern: true,
}, (ctx, { db, body }) => {
  const name = collectionName(body, 'create');
  if (ctx.collection(db, name)) throw new MongoCommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
  ctx.ensureCollection(db, name);
  return { ok: 1 };
});

export const drop: CommandHandler = command({ implemented: [], notImplemented: ['collectionUUID'], writeConcern: true }, (ctx, { db, body }) => {
  const name = collectionName(body, 'drop');
  const dropped = ctx.dropCollection(db, name);
  // Since MongoDB 7.0, dropping a collection that does not exist succeeds.
  return dropped ? { nIndexesWas: dropped.indexSpecs().length, ns: `${db}.${name}`, ok: 1 } : { ok: 1 };
});

export const dropDatabase: CommandHandler = command({ implemented: [], writeConcern: true }, (ctx, { db }) => {
  ctx.dropDatabase(db);
  return { dropped: db, ok: 1 };
});

/** authorizedCollections and authorizedDatabases narrow to what the user may see: everything, without auth. */
export const listCollections: CommandHandler = command({
  implemented: ['filter', 'nameOnly', 'authorizedCollections', 'cursor'],
  readConcern: true,
}, (ctx, { db, body }) => {
  const filter = optionalDoc(body, 'filter') ?? {};
  const nameOnly = body.nameOnly === true;
  const infos: Doc[] = ctx.collections(db).map((c) =>
    nameOnly
      ? { name: c.name, type: 'collection' }
      : { name: c.name, type: 'collection', options: {}, info: { readOnly: false }, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } },
  );
  const query = new Query(filter, QUERY_OPTIONS);
  const out = infos.filter((i) => query.test(i));
  const ns = `${db}.$cmd.listCollections`;
  const { id, batch } = ctx.cursors.first(ns, out, cursorOptions(body, 'listCollections').batchSize, false);
  return { cursor: { id, ns, firstBatch: batch }, ok: 1 };
});

export const listDatabases: CommandHandler = command({ implemented: ['filter', 'nameOnly', 'authorizedDatabases'] }, (ctx, { body }) => {
  const query = new Query(optionalDoc(body, 'filter') ?? {}, QUERY_OPTIONS);
  const databases = ctx.databases().map((name) => ({ name, sizeOnDisk: 0, empty: ctx.collections(name).length === 0 })).filter((d) => query.test(d));
  return body.nameOnly === true
    ? { databases: databases.map((d) => ({ name: d.name })), ok: 1 }
    : { databases, totalSize: 0, totalSizeMb: 0, ok: 1 };
});

export const createIndexes: CommandHandler = command({
  implemented: ['indexes', 'commitQuorum'],
  notImplemented: ['ignoreUnknownIndexOptions', 'isTimeseriesNamespace', 'collectionUUID'],
  writeConcern: true,
}, (ctx, { db, body }) => {
  const name = collectionName(body, 'createIndexes');
  // A standalone server builds an index on its own: there is no quorum to wait for.
  if (body.commitQuorum !== undefined) throw new MongoCommandError('BadValue', "Standalones can't specify commitQuorum");
  if (!Array.isArray(body.indexes) || body.indexes.length === 0) {
    throw new MongoCommandError('BadValue', 'Must specify at least one index to create');
  }
  const specs: IndexSpec[] = (body.indexes as Doc[]).map((raw) => normalizeIndexSpec(raw));
  const { coll, created } = ctx.ensureCollection(db, name);
  const before = coll.indexSpecs().length;
  let added = 0;
  for (const spec of specs) if (coll.createIndex(spec)) added++;
  const reply: Doc = { numIndexesBefore: before, numIndexesAfter: coll.indexSpecs().length, createdCollectionAutomatically: created, ok: 1 };
  if (added === 0) reply.note = 'all indexes already exist';
  return reply;
});

export const listIndexes: CommandHandler = command({
  implemented: ['cursor'],
  notImplemented: ['includeBuildUUIDs', 'includeIndexBuildInfo'],
  readConcern: true,
}, (ctx, { db, body }) => {
  const name = collectionName(body, 'listIndexes');
  const coll = ctx.collection(db, name);
  if (!coll) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${db}.${name}`);
  const ns = `${db}.${name}`;
  const specs = coll.indexSpecs().map((s) => ({ ...s }));
  const { id, batch } = ctx.cursors.first(ns, specs, cursorOptions(body, 'listIndexes').batchSize, false);
  return { cursor: { id, ns, firstBatch: batch }, ok: 1 };
});

export const dropIndexes: CommandHandler = command({ implemented: ['index'], notImplemented: ['collectionUUID'], writeConcern: true }, (ctx, { db, body }) => {
  const name = collectionName(body, 'dropIndexes');
  const coll = ctx.collection(db, name);
  if (!coll) throw new MongoCommandError('NamespaceNotFound', `ns not found ${db}.${name}`);
  const nIndexesWas = coll.indexSpecs().length;
  const target = body.index;
  let names: string[];
  if (target === '*') {
    names = Array.from(coll.indexes.keys());
  } else if (typeof target === 'string') {
    names = [target];
  } else if (Array.isArray(target)) {
    names = target.map(String);
  } else if (isPlainObject(target)) {
    const found = coll.indexSpecs().find((s) => canonicalKey(s.key) === canonicalKey(target));
    if (!found) throw new MongoCommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
    names = [found.name];
  } else {
    throw new MongoCommandError('TypeMismatch', "BSON field 'dropIndexes.index' is missing or of the wrong type");
  }
  for (const n of names) {
    if (n === '_id_') throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    if (!coll.indexes.has(n)) throw new MongoCommandError('IndexNotFound', `index not found with name [${n}]`);
  }
  for (const n of names) coll.dropIndex(n);
  return { nIndexesWas, ok: 1 };
});
