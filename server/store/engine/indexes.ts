/**
 * Secondary indexes: an in-memory hash from canonical key to the documents holding it, so that
 * equality lookups and unique checks cost O(1) instead of a scan. Key generation follows MongoDB:
 * one key per array element (multikey), a missing field indexes as null unless the index is
 * sparse, a partial index holds only the documents matching its partialFilterExpression.
 */
import { Query } from 'mingo/query';
import { MongoCommandError, badValue, notImplemented } from './errors.ts';
import { MISSING, canonicalKey, formatValue, pathValues, type Doc } from './values.ts';
import { QUERY_OPTIONS } from './mingoOptions.ts';
import { ExpiryHeap, earliestDate } from './ttl.ts';

export interface IndexSpec {
  v: number;
  key: Record<string, number>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
}

/**
 * Index specification fields: the ones the engine builds indexes from, the ones MongoDB 7.0 itself
 * ignores (`background` since 4.2, `dropDups` since 3.0, `ns`), and the ones 7.0 knows for index
 * kinds and options the engine does not have (text, geo, wildcard, hidden, collation ...).
 * Anything else is an invalid specification for 7.0 as well.
 */
const OPTION_FIELDS = new Set(['v', 'key', 'name', 'unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'background', 'dropDups', 'ns', 'hidden']);
const OPTIONS_NOT_IMPLEMENTED = new Set([
  'storageEngine', 'weights', 'default_language', 'language_override', 'textIndexVersion', '2dsphereIndexVersion', 'bits', 'min', 'max',
  'bucketSize', 'collation', 'wildcardProjection', 'coarsestIndexedLevel', 'finestIndexedLevel', 'originalSpec', 'clustered',
  'prepareUnique', 'columnstoreProjection', 'columnstoreCompressor',
]);

/** An index flag as MongoDB reads it: booleans and numbers by their truth. */
function indexFlag(raw: Doc, field: string): boolean {
  const v = raw[field];
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  const n = Number((v as { valueOf(): unknown })?.valueOf?.());
  if (!Number.isFinite(n)) throw new MongoCommandError('TypeMismatch', `The field '${field}' must be a boolean, but got ${typeof v}`);
  return n !== 0;
}

/** Validates a createIndexes entry, refusing index kinds the engine cannot honour. */
export function normalizeIndexSpec(raw: Doc): IndexSpec {
  const key = raw.key;
  if (key === null || typeof key !== 'object' || Array.isArray(key) || Object.keys(key).length === 0) {
    throw new MongoCommandError('FailedToParse', 'The field \'key\' must be a non-empty object');
  }
  if (typeof raw.name !== 'string' || raw.name === '') throw new MongoCommandError('FailedToParse', 'The field \'name\' must be a non-empty string');
  const normalized: Record<string, number> = {};
  for (const [field, dir] of Object.entries(key as Doc)) {
    const n = typeof dir === 'number' ? dir : Number((dir as { valueOf(): unknown })?.valueOf?.());
    if (n !== 1 && n !== -1) throw notImplemented(`index type ${JSON.stringify(dir)} on field '${field}'`);
    normalized[field] = n;
  }
  for (const option of Object.keys(raw)) {
    if (raw[option] === undefined || OPTION_FIELDS.has(option)) continue;
    if (OPTIONS_NOT_IMPLEMENTED.has(option)) throw notImplemented(`index option '${option}'`);
    throw new MongoCommandError('InvalidIndexSpecificationOption', `The field '${option}' is not valid for an index specification. Specification: ${JSON.stringify(raw)}`);
  }
  // Version 1 indexes would be listed as such; the engine builds only version 2.
  if (raw.v !== undefined && Number((raw.v as { valueOf(): unknown })?.valueOf?.()) !== 2) throw notImplemented(`index version ${String(raw.v)}`);
  if (indexFlag(raw, 'hidden')) throw notImplemented('hidden indexes');
  const spec: IndexSpec = { v: 2, key: normalized, name: raw.name };
  if (indexFlag(raw, 'unique')) spec.unique = true;
  if (indexFlag(raw, 'sparse')) spec.sparse = true;
  if (raw.partialFilterExpression !== undefined) {
    if (raw.partialFilterExpression === null || typeof raw.partialFilterExpression !== 'object') {
      throw badValue('partialFilterExpression must be an object');
    }
    spec.partialFilterExpression = raw.partialFilterExpression as Doc;
  }
  if (raw.expireAfterSeconds !== undefined) {
    const seconds = Number(raw.expireAfterSeconds);
    if (!Number.isFinite(seconds) || seconds < 0) throw badValue('expireAfterSeconds must be a non-negative number');
    if (Object.keys(normalized).length !== 1) throw new MongoCommandError('InvalidOptions', 'TTL indexes are single-field indexes, compound indexes do not support TTL');
    spec.expireAfterSeconds = seconds;
  }
  return spec;
}

/** Two specs describe the same index (name aside) when key pattern and options agree. */
export function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  return (
    canonicalKey(a.key) === canonicalKey(b.key) &&
    Boolean(a.unique) === Boolean(b.unique) &&
    Boolean(a.sparse) === Boolean(b.sparse) &&
    canonicalKey(a.partialFilterExpression ?? null) === canonicalKey(b.partialFilterExpression ?? null) &&
    (a.expireAfterSeconds ?? null) === (b.expireAfterSeconds ?? null)
  );
}

interface IndexKey {
  key: string;
  values: unknown[];
}

export class Index {
  readonly spec: IndexSpec;
  readonly fields: string[];
  private readonly partial: Query | undefined;
  /** canonical key -> ids (canonical _id keys) of the documents holding it */
  private readonly entries = new Map<string, Set<string>>();
  /** TTL indexes only: when each document expires. */
  readonly expiries: ExpiryHeap | undefined;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, QUERY_OPTIONS) : undefined;
    this.expiries = spec.expireAfterSeconds === undefined ? undefined : new ExpiryHeap();
  }

  /** The time (ms) at which `doc` expires under this TTL index, if it ever does. */
  expiresAt(doc: Doc): number | undefined {
    if (this.spec.expireAfterSeconds === undefined) return undefined;
    if (this.partial && !this.partial.test(doc)) return undefined;
    const date = earliestDate(doc, this.fields[0]);
    return date === undefined ? undefined : date + this.spec.expireAfterSeconds * 1000;
  }

  /** Usable for answering equality queries: holds every document of the collection. */
  get complete(): boolean {
    return !this.partial && !this.spec.sparse;
  }

  /** The keys a document contributes to this index (none when sparse/partial exclude it). */
  keysOf(doc: Doc): IndexKey[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map((f) => dedupe(pathValues(doc, f)));
    if (this.spec.sparse && perField.every((vals) => vals.length === 1 && vals[0] === MISSING)) return [];
    let combos: unknown[][] = [[]];
    for (const vals of perField) combos = combos.flatMap((c) => vals.map((v) => [...c, v]));
    return combos.map((values) => ({ key: values.map(canonicalKey).join('|'), values }));
  }

  /** The first key of `doc` already held by another document, for a unique index. */
  conflict(doc: Doc, id: string): IndexKey | undefined {
    if (!this.spec.unique) return undefined;
    for (const k of this.keysOf(doc)) {
      const holders = this.entries.get(k.key);
      if (holders) for (const holder of holders) if (holder !== id) return k;
    }
    return undefined;
  }

  add(doc: Doc, id: string): void {
    if (this.expiries) {
      const at = this.expiresAt(doc);
      if (at !== undefined) this.expiries.push(at, id);
    }
    for (const { key } of this.keysOf(doc)) {
      let holders = this.entries.get(key);
      if (!holders) this.entries.set(key, (holders = new Set()));
      holders.add(id);
    }
  }

  remove(doc: Doc, id: string): void {
    for (const { key } of this.keysOf(doc)) {
      const holders = this.entries.get(key);
      if (!holders) continue;
      holders.delete(id);
      if (holders.size === 0) this.entries.delete(key);
    }
  }

  lookup(values: unknown[]): Set<string> | undefined {
    return this.entries.get(values.map(canonicalKey).join('|'));
  }

  clear(): void {
    this.entries.clear();
    this.expiries?.clear();
  }
}

function dedupe(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of values) {
    const k = v === MISSING ? '\u0000missing' : v === undefined ? '\u0000undefined' : canonicalKey(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

/**
 * MongoDB's duplicate key error, message and extra fields as a 7.x server writes them:
 * `E11000 duplicate key error collection: db.coll index: name dup key: { field: value }`.
 */
export function duplicateKeyError(ns: string, spec: IndexSpec, values: unknown[]): MongoCommandError {
  const fields = Object.keys(spec.key);
  const keyValue: Doc = {};
  fields.forEach((f, i) => {
    const v = values[i];
    keyValue[f] = v === MISSING || v === undefined ? null : v;
  });
  const rendered = fields.map((f) => `${f}: ${formatValue(keyValue[f])}`).join(', ');
  return new MongoCommandError('DuplicateKey', `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: { ${rendered} }`, {
    keyPattern: { ...spec.key },
    keyValue,
  });
}
