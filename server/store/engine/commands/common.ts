/** Argument parsing shared by the command handlers. */
import { MongoCommandError, notImplemented } from '../errors.ts';
import { canonicalKey, isPlainObject, type Doc } from '../values.ts';
import type { EngineContext } from '../context.ts';
import { checkFields } from './fields.ts';

/** The collection a command names in its first field (`{find: 'users', ...}`). */
export function collectionName(body: Doc, command: string): string {
  const name = body[command];
  if (typeof name !== 'string' || name === '') {
    throw new MongoCommandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function optionalDoc(body: Doc, field: string): Doc | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${typeof v}', expected type 'object'`);
  return v;
}

export function optionalNumber(body: Doc, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number((v as { valueOf(): unknown }).valueOf());
  if (!Number.isFinite(n)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type, expected a number`);
  return n;
}

/** The `cursor` document of aggregate, listCollections and listIndexes: only `batchSize` exists. */
export function cursorOptions(body: Doc, command: string): { batchSize?: number } {
  const cursor = optionalDoc(body, 'cursor');
  if (!cursor) return {};
  checkFields(cursor, `${command}.cursor`, { implemented: ['batchSize'] });
  const batchSize = optionalNumber(cursor, 'batchSize');
  if (batchSize !== undefined && batchSize < 0) throw new MongoCommandError('BadValue', 'Batch size for cursor must be non-negative');
  return { batchSize };
}

/**
 * A `hint` names the index MongoDB must use. The engine chooses its own lookups, which return
 * exactly the matching documents whatever the index, so a hint is honoured when the index it
 * names holds every document (or is `{$natural: 1}`, the engine's own order). A sparse or partial
 * index would make MongoDB return only the documents it holds, and `{$natural: -1}` reverses the
 * order: those are NotImplemented. A hint naming no index is MongoDB's BadValue.
 */
export function checkHint(ctx: EngineContext, db: string, name: string, hint: unknown): void {
  if (hint === undefined || hint === null) return;
  if (isPlainObject(hint) && Object.keys(hint).length === 0) return;
  if (isPlainObject(hint) && Object.keys(hint)[0] === '$natural') {
    const dir = Number((hint.$natural as { valueOf(): unknown })?.valueOf?.());
    if (Object.keys(hint).length === 1 && dir === 1) return;
    throw notImplemented(`hint ${JSON.stringify(hint)}`);
  }
  if (typeof hint !== 'string' && !isPlainObject(hint)) {
    throw new MongoCommandError('FailedToParse', "BSON field 'hint' is the wrong type, expected type 'string' or 'object'");
  }
  const coll = ctx.collection(db, name);
  if (!coll) return; // MongoDB answers an empty result for a collection that does not exist
  const spec = coll
    .indexSpecs()
    .find((s) => (typeof hint === 'string' ? s.name === hint : canonicalKey(s.key) === canonicalKey(hint)));
  if (!spec) throw new MongoCommandError('BadValue', 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index');
  if (spec.sparse || spec.partialFilterExpression) throw notImplemented(`hint of the sparse or partial index '${spec.name}'`);
}
