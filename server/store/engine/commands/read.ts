/**
 * Read commands: find, getMore, killCursors, count, distinct and aggregate (a small pipeline
 * subset), with MongoDB's cursor replies (`{cursor: {id, ns, firstBatch}}`).
 */
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import { MongoCommandError, notImplemented } from '../errors.ts';
import { QUERY_OPTIONS } from '../mingoOptions.ts';
import { runMingo } from '../update.ts';
import { MISSING, canonicalKey, compareValues, deepClone, isPlainObject, pathValues, sortKey, type Doc } from '../values.ts';
import type { CommandHandler, EngineContext } from '../context.ts';
import { checkHint, collectionName, cursorOptions, optionalDoc, optionalNumber } from './common.ts';
import { command } from './fields.ts';

/**
 * Pipeline stages the engine evaluates (through mingo, except `$lookup`, which reads the other
 * collection through its indexes); any other stage is NotImplemented.
 */
const AGGREGATE_STAGES = new Set([
  '$match', '$group', '$count', '$sort', '$skip', '$limit', '$project', '$unset',
  '$addFields', '$set', '$unwind', '$replaceRoot', '$replaceWith', '$sortByCount', '$lookup',
]);

/**
 * `$lookup` in its equality form (`from`, `localField`, `foreignField`, `as`): each document gets,
 * under `as`, the documents of `from` whose `foreignField` equals the local value or one of its
 * elements; a missing local value matches null and missing, as in MongoDB. The sub-pipeline forms
 * (`pipeline`, `let`) are not implemented.
 */
function lookupStage(ctx: EngineContext, db: string, spec: unknown): (docs: Doc[]) => Doc[] {
  if (!isPlainObject(spec)) throw new MongoCommandError('FailedToParse', 'the $lookup specification must be an object');
  for (const field of Object.keys(spec)) {
    if (field === 'pipeline' || field === 'let') throw notImplemented(`$lookup with ${field}`);
    if (!['from', 'localField', 'foreignField', 'as'].includes(field)) throw new MongoCommandError('FailedToParse', `unknown argument to $lookup: ${field}`);
  }
  const { from, localField, foreignField, as } = spec as Record<string, unknown>;
  for (const [name, value] of [['from', from], ['localField', localField], ['foreignField', foreignField], ['as', as]] as const) {
    if (typeof value !== 'string' || value === '') throw new MongoCommandError('FailedToParse', `$lookup argument '${name}' must be a non-empty string`);
  }
  return (docs) =>
    docs.map((doc) => {
      const local = pathValues(doc, localField as string).map((v) => (v === MISSING || v === undefined ? null : v));
      const joined = matching(ctx, db, from as string, { [foreignField as string]: { $in: local } }).map(deepClone);
      return { ...doc, [as as string]: joined };
    });
}

/** Sorts with MongoDB's comparison order and array rules, `$natural` meaning storage order. */
export function sortDocs(docs: Doc[], sort: Doc | undefined): Doc[] {
  if (!sort || Object.keys(sort).length === 0) return docs;
  const spec: Record<string, 1 | -1> = {};
  for (const [field, dir] of Object.entries(sort)) {
    const n = typeof dir === 'number' ? dir : Number((dir as { valueOf(): unknown })?.valueOf?.());
    if (n !== 1 && n !== -1) {
      if (isPlainObject(dir)) throw notImplemented(`sort by ${JSON.stringify(dir)}`);
      throw new MongoCommandError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending)`);
    }
    if (field === '$natural') {
      if (Object.keys(sort).length !== 1) throw notImplemented('$natural combined with other sort keys');
      return n === 1 ? docs : [...docs].reverse();
    }
    spec[field] = n;
  }
  const fields = Object.entries(spec);
  const keyed = docs.map((doc, i) => ({ doc, i, keys: fields.map(([f, dir]) => sortKey(doc, f, dir)) }));
  keyed.sort((a, b) => {
    for (let k = 0; k < fields.length; k++) {
      const c = compareValues(a.keys[k], b.keys[k]) * fields[k][1];
      if (c !== 0) return c;
    }
    return a.i - b.i; // ties keep natural order
  });
  return keyed.map((k) => k.doc);
}

/**
 * Applies a projection to documents already selected. The filter is passed for the positional
 * `field.$` projection only; `{}` for documents that no longer match (findAndModify's new doc).
 */
export function projectDocs(docs: Doc[], filter: Doc, projection: Doc | undefined): Doc[] {
  if (!projection || Object.keys(projection).length === 0 || docs.length === 0) return docs;
  const positional = Object.keys(projection).some((k) => k.endsWith('.$'));
  if (positional && Object.keys(filter).length === 0) throw notImplemented('positional projection without a query');
  checkProjection(projection);
  const projected = runMingo(() => new Query(positional ? filter : {}, QUERY_OPTIONS).find(docs, projection).all() as Doc[]);
  // MongoDB keeps `_id` first, as stored; mingo appends it after the included fields.
  return projected.map((d) => (d._id === undefined || Object.keys(d)[0] === '_id' ? d : { _id: d._id, ...d }));
}

/** MongoDB refuses a projection mixing inclusion and exclusion (other than of `_id`). */
function checkProjection(projection: Doc): void {
  let inclusion: string | undefined;
  let exclusion: string | undefined;
  for (const [field, value] of Object.entries(projection)) {
    if (field === '_id') continue;
    if (value === 0 || value === false) exclusion ??= field;
    else if (value === 1 || value === true) inclusion ??= field;
  }
  if (inclusion !== undefined && exclusion !== undefined) {
    throw new MongoCommandError('Location31254', `Cannot do exclusion on field ${exclusion} in inclusion projection`);
  }
}

/**
 * Matching documents of a collection (none when it does not exist), filter errors mapped;
 * `limit` stops the scan early when the caller needs only the first few in natural order.
 */
export function matching(ctx: EngineContext, db: string, name: string, filter: Doc, limit = Infinity): Doc[] {
  const coll = ctx.collection(db, name);
  if (!coll) {
    runMingo(() => new Query(filter, QUERY_OPTIONS)); // still reject an unsupported filter
    return [];
  }
  return runMingo(() => coll.find(filter, limit));
}

function cursorReply(ns: string, id: unknown, batch: Doc[], first: boolean): Doc {
  return { cursor: first ? { firstBatch: batch, id, ns } : { nextBatch: batch, id, ns }, ok: 1 };
}

export const find: CommandHandler = command({
  // allowDiskUse lifts a memory limit the engine does not have; allowPartialResults concerns
  // shards that are down, of which one node has none.
  implemented: ['filter', 'projection', 'sort', 'hint', 'skip', 'limit', 'batchSize', 'singleBatch', 'noCursorTimeout', 'allowDiskUse', 'allowPartialResults'],
  notImplemented: [
    'max', 'min', 'returnKey', 'showRecordId', 'tailable', 'oplogReplay', 'awaitData', 'collation', 'let', 'readOnce',
    'allowSpeculativeMajorityRead', '$_requestResumeToken', '$_resumeAfter', 'term', 'encryptionInformation',
  ],
  readConcern: true,
}, (ctx, { db, body }) => {
  const name = collectionName(body, 'find');
  checkHint(ctx, db, name, body.hint);
  const filter = optionalDoc(body, 'filter') ?? {};
  const skip = optionalNumber(body, 'skip') ?? 0;
  const rawLimit = optionalNumber(body, 'limit') ?? 0;
  if (skip < 0) throw new MongoCommandError('BadValue', 'skip value must be non-negative');
  const sort = optionalDoc(body, 'sort');
  const limit = Math.abs(rawLimit);
  const unsorted = !sort || Object.keys(sort).length === 0;
  let docs = sortDocs(matching(ctx, db, name, filter, unsorted && limit > 0 ? skip + limit : Infinity), sort);
  if (skip > 0) docs = docs.slice(skip);
  if (limit > 0) docs = docs.slice(0, limit);
  docs = projectDocs(docs, filter, optionalDoc(body, 'projection'));
  const ns = `${db}.${name}`;
  const { id, batch } = ctx.cursors.first(ns, docs, optionalNumber(body, 'batchSize'), body.singleBatch === true || rawLimit < 0, body.noCursorTimeout === true);
  return cursorReply(ns, id, batch, true);
});

export const getMore: CommandHandler = command({
  implemented: ['collection', 'batchSize'],
  notImplemented: ['term', 'lastKnownCommittedOpTime'],
}, (ctx, { db, body }) => {
  const name = body.collection;
  if (typeof name !== 'string') throw new MongoCommandError('TypeMismatch', "BSON field 'getMore.collection' is missing or not a string");
  const ns = `${db}.${name}`;
  const { id, batch } = ctx.cursors.next(body.getMore, ns, optionalNumber(body, 'batchSize'));
  return cursorReply(ns, id, batch, false);
});

export const killCursors: CommandHandler = command({ implemented: ['cursors'] }, (ctx, { body }) => {
  const ids = Array.isArray(body.cursors) ? body.cursors : [];
  const { killed, notFound } = ctx.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
});

export const count: CommandHandler = command({
  // MongoDB itself ignores `fields` in a count.
  implemented: ['query', 'limit', 'skip', 'hint', 'fields'],
  notImplemented: ['collation', 'encryptionInformation', 'mirrored', 'sampleId'],
  readConcern: true,
}, (ctx, { db, body }) => {
  const name = collectionName(body, 'count');
  checkHint(ctx, db, name, body.hint);
  let n = matching(ctx, db, name, optionalDoc(body, 'query') ?? {}).length;
  const skip = optionalNumber(body, 'skip') ?? 0;
  const limit = Math.abs(optionalNumber(body, 'limit') ?? 0);
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
});

export const distinct: CommandHandler = command({
  implemented: ['key', 'query'],
  notImplemented: ['collation', 'mirrored', 'sampleId'],
  readConcern: true,
}, (ctx, { db, body }) => {
  const name = collectionName(body, 'distinct');
  const key = body.key;
  if (typeof key !== 'string' || key === '') throw new MongoCommandError('TypeMismatch', "BSON field 'distinct.key' is missing or not a string");
  const seen = new Set<string>();
  const values: unknown[] = [];
  for (const doc of matching(ctx, db, name, optionalDoc(body, 'query') ?? {})) {
    for (const v of pathValues(doc, key)) {
      if (v === MISSING || v === undefined) continue;
      const k = canonicalKey(v);
      if (!seen.has(k)) {
        seen.add(k);
        values.push(v);
      }
    }
  }
  return { values, ok: 1 };
});

export const aggregate: CommandHandler = command({
  // No stage writes (no $out or $merge), so there are no documents to validate or bypass.
  implemented: ['pipeline', 'cursor', 'allowDiskUse', 'bypassDocumentValidation', 'hint'],
  notImplemented: [
    'explain', 'collation', 'let', 'needsMerge', 'fromMongos', '$_requestReshardingResumeToken', 'isMapReduceCommand',
    'collectionUUID', 'exchange', 'runtimeConstants', '$_generateV2ResumeTokens', 'encryptionInformation', '$_passthroughToShard',
    '$_isClusterQueryWithoutShardKeyCmd',
  ],
  readConcern: true,
}, (ctx, { db, body }) => {
  if (typeof body.aggregate !== 'string') throw notImplemented('database-level aggregate');
  const name = body.aggregate;
  if (!Array.isArray(body.pipeline)) throw new MongoCommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  if (!isPlainObject(body.cursor)) throw new MongoCommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  const cursor = cursorOptions(body, 'aggregate');
  checkHint(ctx, db, name, body.hint);
  const pipeline = body.pipeline as Doc[];
  for (const stage of pipeline) {
    const keys = isPlainObject(stage) ? Object.keys(stage) : [];
    if (keys.length !== 1) throw new MongoCommandError('FailedToParse', 'A pipeline stage specification object must contain exactly one field.');
    if (!AGGREGATE_STAGES.has(keys[0])) throw notImplemented(`aggregation stage ${keys[0]}`);
  }
  // A leading $match goes through the collection's indexes; the rest runs on copies, in mingo
  // but for $lookup, which the engine answers through the other collection's indexes.
  let rest = pipeline;
  let input: Doc[];
  if (pipeline.length > 0 && isPlainObject(pipeline[0].$match)) {
    input = matching(ctx, db, name, pipeline[0].$match as Doc);
    rest = pipeline.slice(1);
  } else {
    input = matching(ctx, db, name, {});
  }
  let out = rest.length === 0 ? input : input.map(deepClone);
  let run: Doc[] = [];
  const flush = () => {
    if (run.length > 0) out = runMingo(() => new Aggregator(run, QUERY_OPTIONS).run(out) as Doc[]);
    run = [];
  };
  for (const stage of rest) {
    if (stage.$lookup === undefined) {
      run.push(stage);
      continue;
    }
    const lookup = lookupStage(ctx, db, stage.$lookup);
    flush();
    out = lookup(out);
  }
  flush();
  const ns = `${db}.${name}`;
  const { id, batch } = ctx.cursors.first(ns, out, cursor.batchSize, false);
  return cursorReply(ns, id, batch, true);
});
