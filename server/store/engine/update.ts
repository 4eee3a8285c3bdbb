/**
 * Applying an update (operator document, replacement document or pipeline) to one document,
 * with MongoDB's rules that mingo does not check itself: `_id` is immutable (code 66),
 * `$inc` needs numbers (14), array operators need arrays (2), a path cannot run through a
 * scalar (28), `$setOnInsert` acts only on upsert inserts. Also builds the seed document of an
 * upsert from the query's equality conditions.
 */
import { ObjectId } from 'bson';
import { Aggregator } from 'mingo/aggregator';
import { update as mingoUpdate } from 'mingo/updater';
import { MongoCommandError, badValue, notImplemented } from './errors.ts';
import { QUERY_OPTIONS } from './mingoOptions.ts';
import { arithmetic } from './numbers.ts';
import { MISSING, canonicalKey, deepClone, formatValue, isPlainObject, type Doc } from './values.ts';

const MODIFIERS = new Set([
  '$set', '$unset', '$inc', '$mul', '$rename', '$min', '$max', '$currentDate',
  '$addToSet', '$pop', '$pull', '$pullAll', '$push', '$bit', '$setOnInsert',
]);
const NUMERIC_MODIFIERS = new Set(['$inc', '$mul']);
const ARRAY_MODIFIERS = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);
const PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export type UpdateKind = 'replacement' | 'operators' | 'pipeline';

export function classifyUpdate(u: unknown): UpdateKind {
  if (Array.isArray(u)) return 'pipeline';
  if (!isPlainObject(u)) throw new MongoCommandError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(u);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length === 0) return 'replacement';
  if (ops.length !== keys.length) {
    const plain = keys.find((k) => !k.startsWith('$'));
    throw new MongoCommandError('FailedToParse', `Unknown modifier: ${plain}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
  for (const op of ops) {
    if (!MODIFIERS.has(op)) {
      throw new MongoCommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
  }
  return 'operators';
}

export interface ApplyOptions {
  arrayFilters?: Doc[];
  /** the update's query, for the positional `$` operator */
  query: Doc;
  /** true when the document is being created by an upsert ($setOnInsert applies) */
  inserting: boolean;
}

/** Returns the updated copy of `prev`; `prev` itself is left untouched. */
export function applyUpdate(prev: Doc, u: unknown, options: ApplyOptions): Doc {
  const kind = classifyUpdate(u);
  let next: Doc;
  if (kind === 'replacement') {
    next = replaceDocument(prev, u as Doc);
  } else if (kind === 'pipeline') {
    next = applyPipeline(prev, u as Doc[]);
  } else {
    next = applyOperators(prev, u as Doc, options);
  }
  if (prev._id !== undefined && (next._id === undefined || canonicalKey(next._id) !== canonicalKey(prev._id))) {
    throw new MongoCommandError('ImmutableField', kind === 'operators'
      ? "Performing an update on the path '_id' would modify the immutable field '_id'"
      : `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${formatValue(next._id ?? null)}`);
  }
  return next;
}

function replaceDocument(prev: Doc, replacement: Doc): Doc {
  const { _id, ...rest } = deepClone(replacement);
  const next: Doc = {};
  const id = _id === undefined ? prev._id : _id;
  if (id !== undefined) next._id = id;
  return Object.assign(next, rest);
}

function applyPipeline(prev: Doc, pipeline: Doc[]): Doc {
  for (const stage of pipeline) {
    const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
    if (!name || !PIPELINE_STAGES.has(name)) throw notImplemented(`update pipeline stage ${String(name)}`);
  }
  const [out] = runMingo(() => new Aggregator(pipeline, QUERY_OPTIONS).run([deepClone(prev)])) as Doc[];
  if (!out) throw badValue('update pipeline produced no document');
  // MongoDB keeps the document's `_id` when the pipeline's result has none ($replaceRoot,
  // $replaceWith, $project or $unset that drop it); a different `_id` is still refused (66).
  if (out._id === undefined && prev._id !== undefined) return { _id: prev._id, ...out };
  return out;
}

/**
 * MongoDB refuses an update naming one path twice, or a path and its prefix, across all its
 * operators ($setOnInsert included, whether or not the update inserts): error 40.
 */
function checkConflicts(u: Doc): void {
  const seen: string[] = [];
  for (const fields of Object.values(u)) {
    for (const path of Object.keys(fields as Doc)) {
      const clash = seen.find((other) => other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`));
      if (clash !== undefined) {
        const at = clash.length <= path.length ? clash : path;
        throw new MongoCommandError('ConflictingUpdateOperators', `Updating the path '${path}' would create a conflict at '${at}'`);
      }
      seen.push(path);
    }
  }
}

function applyOperators(prev: Doc, u: Doc, options: ApplyOptions): Doc {
  for (const fields of Object.values(u)) {
    if (!isPlainObject(fields)) throw new MongoCommandError('FailedToParse', `Modifiers operate on fields but we found type ${typeof fields} instead.`);
  }
  checkConflicts(u);
  const modifier: Doc = {};
  for (const [op, fields] of Object.entries(u)) {
    if (!isPlainObject(fields)) throw new MongoCommandError('FailedToParse', `Modifiers operate on fields but we found type ${typeof fields} instead.`);
    if (op === '$setOnInsert') {
      if (options.inserting) modifier.$set = { ...((modifier.$set as Doc) ?? {}), ...fields };
      continue;
    }
    modifier[op] = op === '$set' && modifier.$set ? { ...(modifier.$set as Doc), ...fields } : fields;
  }
  guardId(prev, modifier);
  const next = deepClone(prev);
  for (const [op, fields] of Object.entries(modifier)) checkTargets(next, op, fields as Doc);
  typedArithmetic(next, modifier);
  // mingo applies the modifier only to a document matching the condition it is given, so the
  // query goes in only where the positional `$` needs it (never for an upsert's new document).
  const positional = !options.inserting && Object.values(modifier).some((fields) => Object.keys(fields as Doc).some((p) => /(^|\.)\$(\.|$)/.test(p)));
  runMingo(() => mingoUpdate(next, modifier, options.arrayFilters, positional ? options.query : undefined, { queryOptions: QUERY_OPTIONS }));
  return orderNewFields(prev, next);
}

/**
 * `$inc` and `$mul` on plain paths are computed here with MongoDB's numeric types (numbers.ts)
 * and applied as `$set`; mingo's arithmetic knows JS numbers only.
 */
function typedArithmetic(doc: Doc, modifier: Doc): void {
  for (const op of ['$inc', '$mul'] as const) {
    if (!modifier[op]) continue;
    const fields: Doc = { ...(modifier[op] as Doc) }; // the caller's update is used for every document
    modifier[op] = fields;
    for (const [path, arg] of Object.entries(fields)) {
      const parts = path.split('.');
      if (parts.some((p) => p.startsWith('$') || /^\d+$/.test(p))) continue;
      let cur: unknown = doc;
      let current: unknown;
      let plain = true;
      for (let i = 0; i < parts.length; i++) {
        if (!isPlainObject(cur)) {
          plain = cur === undefined;
          break;
        }
        cur = Object.prototype.hasOwnProperty.call(cur, parts[i]) ? cur[parts[i]] : undefined;
        if (i === parts.length - 1) current = cur;
      }
      if (!plain) continue;
      const result = arithmetic(op, current, arg, path);
      if (result === undefined) continue;
      delete fields[path];
      modifier.$set = { ...((modifier.$set as Doc) ?? {}), [path]: result };
    }
    if (Object.keys(fields).length === 0) delete modifier[op];
  }
}

/**
 * Since MongoDB 5.0 update operators process fields in lexicographic order (numeric names in
 * numeric order), so the fields an update creates follow the existing ones in that order,
 * at every level; mingo creates them in the order the modifier lists them.
 */
function orderNewFields(prev: Doc, next: Doc): Doc {
  const out: Doc = {};
  const added: string[] = [];
  for (const key of Object.keys(next)) {
    if (Object.prototype.hasOwnProperty.call(prev, key)) {
      const before = prev[key];
      const after = next[key];
      out[key] = isPlainObject(before) && isPlainObject(after) ? orderNewFields(before, after) : after;
    } else {
      added.push(key);
    }
  }
  added.sort(compareFieldNames);
  for (const key of added) out[key] = isPlainObject(next[key]) ? orderNewFields({}, next[key] as Doc) : next[key];
  return out;
}

function compareFieldNames(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `_id` may only be "set" to the value it already has (mingo itself refuses any `_id` path);
 * such a no-op is dropped, anything else is MongoDB's ImmutableField error.
 */
function guardId(prev: Doc, modifier: Doc): void {
  for (const [op, fields] of Object.entries(modifier)) {
    const f = fields as Doc;
    for (const path of Object.keys(f)) {
      if (path !== '_id' && !path.startsWith('_id.')) continue;
      if (prev._id !== undefined && op === '$set' && path === '_id' && canonicalKey(f[path]) === canonicalKey(prev._id)) {
        const { _id, ...rest } = f;
        modifier[op] = rest;
        continue;
      }
      if (prev._id === undefined && op === '$set') continue;
      throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
  }
}

/**
 * MongoDB refuses type mismatches that mingo would silently skip: look at what each plain
 * path (no positional or array-index segment) reaches before applying.
 */
function checkTargets(doc: Doc, op: string, fields: Doc): void {
  for (const [path, arg] of Object.entries(fields)) {
    const parts = path.split('.');
    if (parts.some((p) => p.startsWith('$') || /^\d+$/.test(p))) continue;
    let cur: unknown = doc;
    let target: unknown = MISSING;
    for (let i = 0; i < parts.length; i++) {
      if (!isPlainObject(cur)) {
        if (Array.isArray(cur)) break;
        throw new MongoCommandError('PathNotViable', `Cannot create field '${parts[i]}' in element {${parts[i - 1]}: ${formatValue(cur)}}`);
      }
      if (!Object.prototype.hasOwnProperty.call(cur, parts[i])) break;
      cur = cur[parts[i]];
      if (i === parts.length - 1) target = cur;
    }
    if (target === MISSING) continue;
    if (target === null && !NUMERIC_MODIFIERS.has(op)) continue;
    if (NUMERIC_MODIFIERS.has(op)) {
      if (!isNumeric(arg)) throw new MongoCommandError('TypeMismatch', `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${formatValue(arg)}}`);
      if (!isNumeric(target)) {
        throw new MongoCommandError('TypeMismatch', `Cannot apply ${op} to a value of non-numeric type. {_id: ${formatValue(doc._id)}} has the field '${path}' of non-numeric type ${typeName(target)}`);
      }
    } else if (ARRAY_MODIFIERS.has(op) && !Array.isArray(target)) {
      throw badValue(op === '$pull' || op === '$pullAll'
        ? `Cannot apply ${op} to a non-array value`
        : `The field '${path}' must be an array but is of type ${typeName(target)} in document {_id: ${formatValue(doc._id)}}`);
    }
  }
}

function isNumeric(v: unknown): boolean {
  if (typeof v === 'number') return true;
  const t = (v as { _bsontype?: string } | null)?._bsontype;
  return t === 'Int32' || t === 'Double' || t === 'Long' || t === 'Decimal128';
}

function typeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (isPlainObject(v)) return 'object';
  return (v as { _bsontype?: string })?._bsontype?.toLowerCase() ?? typeof v;
}

/** Runs mingo, turning its exceptions into the MongoDB errors they stand for. */
export function runMingo<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof MongoCommandError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (/conflict/i.test(message)) throw new MongoCommandError('ConflictingUpdateOperators', message.charAt(0).toUpperCase() + message.slice(1));
    if (/positional|\.\$/.test(message)) throw badValue(message);
    throw notImplemented(`this query, projection or pipeline (${message})`);
  }
}

/**
 * The document an upsert starts from: the query's equality conditions (`{f: v}`, `{f: {$eq: v}}`
 * and those inside a top-level `$and`), with dotted paths expanded, as MongoDB builds it.
 */
export function upsertSeed(query: Doc): Doc {
  const seed: Doc = {};
  const visit = (q: Doc): void => {
    for (const [key, cond] of Object.entries(q)) {
      if (key === '$and' && Array.isArray(cond)) {
        for (const part of cond) if (isPlainObject(part)) visit(part);
        continue;
      }
      if (key.startsWith('$')) continue;
      let value: unknown;
      if (isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) {
        if (Object.prototype.hasOwnProperty.call(cond, '$eq')) value = cond.$eq;
        else continue;
      } else {
        value = cond;
      }
      setPath(seed, key, deepClone(value));
    }
  };
  visit(query);
  return seed;
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Doc;
  }
  cur[parts[parts.length - 1]] = value;
}

/** An upserted document gets a server-generated ObjectId when neither query nor update set one. */
export function withId(doc: Doc): Doc {
  if (doc._id !== undefined) {
    const { _id, ...rest } = doc;
    return { _id, ...rest };
  }
  return { _id: new ObjectId(), ...doc };
}
