/**
 * Write commands: insert, update, delete and findAndModify, with MongoDB's reply shapes
 * (`n`, `nModified`, `upserted`, `writeErrors` per statement; `lastErrorObject` and `value`).
 * Each statement is applied to one document at a time; an error in an ordered batch stops it,
 * an unordered batch goes on, as MongoDB does.
 */
import { serialize } from 'bson';
import { MongoCommandError } from '../errors.ts';
import { validateId, type Collection } from '../collection.ts';
import { applyUpdate, classifyUpdate, upsertSeed, withId } from '../update.ts';
import { isPlainObject, type Doc } from '../values.ts';
import type { CommandHandler, EngineContext } from '../context.ts';
import { checkHint, collectionName, optionalDoc } from './common.ts';
import { checkFields, command, missingField, type FieldSpec } from './fields.ts';
import { matching, projectDocs, sortDocs } from './read.ts';

/** Fields of the write commands' common base (write_ops.idl) the engine does not model. */
const WRITE_BASE_NOT_IMPLEMENTED = ['stmtIds', 'isTimeseriesNamespace', 'collectionUUID', 'encryptionInformation'];

/**
 * The statements of a write command, each checked against `spec` before any runs: MongoDB
 * parses the whole command first, so one bad statement refuses the batch.
 */
function statements(body: Doc, command: string, field: string, spec?: FieldSpec & { required: string[] }): Doc[] {
  const list = body[field];
  if (list === undefined) throw missingField(`${command}.${field}`);
  if (!Array.isArray(list)) throw new MongoCommandError('TypeMismatch', `BSON field '${command}.${field}' is the wrong type, expected type 'array'`);
  if (spec) {
    for (const stmt of list) {
      if (!isPlainObject(stmt)) throw new MongoCommandError('TypeMismatch', `BSON field '${command}.${field}' holds a non-object statement`);
      checkFields(stmt, `${command}.${field}`, spec);
      for (const required of spec.required) if (stmt[required] === undefined) throw missingField(`${command}.${field}.${required}`);
    }
  }
  return list as Doc[];
}

/** `ordered` defaults to true. */
function isOrdered(body: Doc, command: string): boolean {
  return body.ordered === undefined || body.ordered === null || flag(body, 'ordered', command);
}

/** MongoDB's `safeBool`: a boolean or a number; absent is false. */
function flag(doc: Doc, field: string, path: string): boolean {
  const v = doc[field];
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  const n = Number((v as { valueOf(): unknown })?.valueOf?.());
  if (typeof v === 'number' || Number.isFinite(n)) return n !== 0;
  throw new MongoCommandError('TypeMismatch', `BSON field '${path}.${field}' is the wrong type '${typeof v}', expected types '[bool, long, int, decimal, double]'`);
}

function arrayFiltersOf(doc: Doc, path: string, u: unknown): Doc[] | undefined {
  const filters = doc.arrayFilters;
  if (filters === undefined || filters === null) return undefined;
  if (!Array.isArray(filters) || !filters.every(isPlainObject)) {
    throw new MongoCommandError('TypeMismatch', `BSON field '${path}.arrayFilters' is the wrong type, expected an array of objects`);
  }
  if (Array.isArray(u)) throw new MongoCommandError('FailedToParse', 'Cannot specify arrayFilters and a pipeline update');
  return filters;
}

/** Runs each statement, collecting MongoDB-style writeErrors. */
function eachStatement(list: Doc[], ordered: boolean, run: (stmt: Doc, index: number) => void): Doc[] {
  const writeErrors: Doc[] = [];
  for (let i = 0; i < list.length; i++) {
    try {
      run(list[i], i);
    } catch (err) {
      if (!(err instanceof MongoCommandError)) throw err;
      writeErrors.push(err.toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function withWriteErrors(reply: Doc, writeErrors: Doc[]): Doc {
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

function unchanged(a: Doc, b: Doc): boolean {
  return Buffer.compare(serialize(a), serialize(b)) === 0;
}

export const insert: CommandHandler = command({
  // No collection has a validator, so there is nothing to bypass.
  implemented: ['documents', 'ordered', 'bypassDocumentValidation'],
  notImplemented: WRITE_BASE_NOT_IMPLEMENTED,
  writeConcern: true,
}, (ctx, { db, body }) => {
  const name = collectionName(body, 'insert');
  const docs = statements(body, 'insert', 'documents');
  const ordered = isOrdered(body, 'insert');
  let n = 0;
  let coll: Collection | undefined;
  const writeErrors = eachStatement(docs, ordered, (doc) => {
    if (!isPlainObject(doc)) throw new MongoCommandError('TypeMismatch', 'documents to insert must be objects');
    validateId(doc);
    coll ??= ctx.ensureCollection(db, name).coll;
    coll.insert(doc);
    n++;
  });
  return withWriteErrors({ n }, writeErrors);
});

interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
  /** the document before and after, for findAndModify */
  before?: Doc;
  after?: Doc;
}

/**
 * One update statement: the first (or every, with `multi`) matching document, in `sort` order
 * when given, or an upsert when nothing matches.
 */
function updateStatement(ctx: EngineContext, db: string, name: string, stmt: {
  q: Doc; u: unknown; multi: boolean; upsert: boolean; arrayFilters?: Doc[]; sort?: Doc;
}): UpdateOutcome {
  const kind = classifyUpdate(stmt.u);
  if (kind === 'replacement' && stmt.multi) throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  const unsorted = !stmt.sort || Object.keys(stmt.sort).length === 0;
  let targets = matching(ctx, db, name, stmt.q, unsorted && !stmt.multi ? 1 : Infinity);
  if (!unsorted) targets = sortDocs(targets, stmt.sort);
  if (!stmt.multi) targets = targets.slice(0, 1);
  if (targets.length > 0) {
    const coll = ctx.collection(db, name)!;
    const outcome: UpdateOutcome = { matched: 0, modified: 0 };
    for (const doc of targets) {
      const next = applyUpdate(doc, stmt.u, { arrayFilters: stmt.arrayFilters, query: stmt.q, inserting: false });
      outcome.matched++;
      outcome.before = doc;
      outcome.after = doc;
      if (!unchanged(doc, next)) {
        coll.replace(doc, next);
        outcome.modified++;
        outcome.after = next;
      }
    }
    return outcome;
  }
  if (!stmt.upsert) return { matched: 0, modified: 0 };
  const seed = upsertSeed(stmt.q);
  const base = kind === 'replacement' ? (seed._id === undefined ? {} : { _id: seed._id }) : seed;
  const created = withId(applyUpdate(base, stmt.u, { arrayFilters: stmt.arrayFilters, query: stmt.q, inserting: true }));
  validateId(created);
  const { coll } = ctx.ensureCollection(db, name);
  coll.insert(created);
  return { matched: 0, modified: 0, upsertedId: created._id, after: created };
}

export const update: CommandHandler = command({
  implemented: ['updates', 'ordered', 'bypassDocumentValidation'],
  notImplemented: ['let', ...WRITE_BASE_NOT_IMPLEMENTED],
  writeConcern: true,
}, (ctx, { db, body }) => {
  const name = collectionName(body, 'update');
  const list = statements(body, 'update', 'updates', {
    implemented: ['q', 'u', 'multi', 'upsert', 'arrayFilters', 'hint'],
    // `sort` is not among them: MongoDB 7.0 does not know it (40415); 8.0 added it.
    notImplemented: ['c', 'collation', 'upsertSupplied', 'sampleId', '$_allowShardKeyUpdatesWithoutFullShardKeyInQuery'],
    required: ['q', 'u'],
  });
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const ordered = isOrdered(body, 'update');
  const writeErrors = eachStatement(list, ordered, (stmt, index) => {
    const q = optionalDoc(stmt, 'q') ?? {};
    checkHint(ctx, db, name, stmt.hint);
    const out = updateStatement(ctx, db, name, {
      q,
      u: stmt.u,
      multi: flag(stmt, 'multi', 'update.updates'),
      upsert: flag(stmt, 'upsert', 'update.updates'),
      arrayFilters: arrayFiltersOf(stmt, 'update.updates', stmt.u),
    });
    n += out.matched;
    nModified += out.modified;
    if (out.upsertedId !== undefined) {
      n++;
      upserted.push({ index, _id: out.upsertedId });
    }
  });
  const reply: Doc = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
});

export const del: CommandHandler = command({
  implemented: ['deletes', 'ordered', 'bypassDocumentValidation'],
  notImplemented: ['let', ...WRITE_BASE_NOT_IMPLEMENTED],
  writeConcern: true,
}, (ctx, { db, body }) => {
  const name = collectionName(body, 'delete');
  const list = statements(body, 'delete', 'deletes', {
    implemented: ['q', 'limit', 'hint'],
    notImplemented: ['collation', 'sampleId'],
    required: ['q', 'limit'],
  });
  let n = 0;
  const ordered = isOrdered(body, 'delete');
  const writeErrors = eachStatement(list, ordered, (stmt) => {
    const limit = Number((stmt.limit as { valueOf(): unknown }).valueOf());
    if (limit !== 0 && limit !== 1) throw new MongoCommandError('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${String(stmt.limit)}`);
    const q = optionalDoc(stmt, 'q') ?? {};
    checkHint(ctx, db, name, stmt.hint);
    const targets = matching(ctx, db, name, q, limit === 1 ? 1 : Infinity);
    const coll = ctx.collection(db, name);
    for (const doc of targets) coll!.remove(doc);
    n += targets.length;
  });
  return withWriteErrors({ n }, writeErrors);
});

export const findAndModify: CommandHandler = command({
  implemented: ['query', 'fields', 'sort', 'remove', 'update', 'new', 'upsert', 'bypassDocumentValidation', 'arrayFilters', 'hint'],
  notImplemented: ['collation', 'let', 'encryptionInformation', 'sampleId', '$_fromRouter'],
  writeConcern: true,
}, (ctx, { db, body }) => {
  const command = Object.keys(body)[0];
  const name = collectionName(body, command);
  const query = optionalDoc(body, 'query') ?? {};
  const sort = optionalDoc(body, 'sort');
  const fields = optionalDoc(body, 'fields');
  const remove = flag(body, 'remove', command);
  const upsert = flag(body, 'upsert', command);
  const returnNew = flag(body, 'new', command);
  checkHint(ctx, db, name, body.hint);
  if (remove && body.update !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && body.update === undefined) throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && upsert) throw new MongoCommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
  if (remove && body.arrayFilters !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify arrayFilters and remove=true');
  if (remove && returnNew) throw new MongoCommandError('FailedToParse', 'Cannot specify both new=true and remove=true; \'remove\' always returns the deleted document');

  const project = (doc: Doc | undefined): Doc | null => (doc ? projectDocs([doc], {}, fields)[0] ?? null : null);

  if (remove) {
    const unsorted = !sort || Object.keys(sort).length === 0;
    const [target] = sortDocs(matching(ctx, db, name, query, unsorted ? 1 : Infinity), sort);
    if (target) ctx.collection(db, name)!.remove(target);
    return { lastErrorObject: { n: target ? 1 : 0 }, value: project(target), ok: 1 };
  }
  const out = updateStatement(ctx, db, name, {
    q: query,
    u: body.update,
    multi: false,
    upsert,
    arrayFilters: arrayFiltersOf(body, command, body.update),
    sort,
  });
  const lastErrorObject: Doc = { n: out.matched + (out.upsertedId !== undefined ? 1 : 0), updatedExisting: out.matched > 0 };
  if (out.upsertedId !== undefined) lastErrorObject.upserted = out.upsertedId;
  const value = returnNew ? out.after : out.upsertedId !== undefined ? undefined : out.before;
  return { lastErrorObject, value: project(value), ok: 1 };
});
