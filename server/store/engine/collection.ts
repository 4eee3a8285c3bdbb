/**
 * One collection: its documents in natural (insertion) order, keyed by canonical `_id`, and its
 * secondary indexes. Stored documents are never mutated in place: an update builds a new
 * document and swaps it in, so cursors and replies can hold references safely.
 * Every change is reported to a journal sink as a physical record (put / delete / index change).
 */
import { ObjectId } from 'bson';
import { Query } from 'mingo/query';
import { MongoCommandError, badValue } from './errors.ts';
import { Index, duplicateKeyError, sameIndexOptions, type IndexSpec } from './indexes.ts';
import { QUERY_OPTIONS } from './mingoOptions.ts';
import { canonicalKey, isPlainObject, type Doc } from './values.ts';

export type JournalRecord = Doc;
export type RecordSink = (record: JournalRecord) => void;

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/**
 * Most equality combinations an index lookup expands: one `$in` list costs its own length, but
 * `$in` lists on several fields of a compound index multiply; beyond this, scan.
 */
const MAX_LOOKUP_COMBOS = 100_000;

export class Collection {
  readonly db: string;
  readonly name: string;
  private readonly docs = new Map<string, Doc>();
  private readonly seq = new Map<string, number>();
  private nextSeq = 0;
  readonly indexes = new Map<string, Index>();
  private readonly sink: RecordSink;

  constructor(db: string, name: string, sink: RecordSink) {
    this.db = db;
    this.name = name;
    this.sink = sink;
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.docs.size;
  }

  all(): Doc[] {
    return Array.from(this.docs.values());
  }

  /**
   * Inserts a new document. `_id` always comes first, as MongoDB stores it (the driver appends
   * the one it generates), and is generated here when the client sent none.
   */
  insert(input: Doc): Doc {
    const doc = Object.keys(input)[0] === '_id' ? input : { _id: input._id ?? new ObjectId(), ...input };
    const id = idKeyOf(doc);
    if (this.docs.has(id)) throw duplicateKeyError(this.ns, ID_INDEX_SPEC, [doc._id]);
    for (const index of this.indexes.values()) {
      const dup = index.conflict(doc, id);
      if (dup) throw duplicateKeyError(this.ns, index.spec, dup.values);
    }
    this.store(id, doc);
    this.sink({ o: 'p', db: this.db, c: this.name, d: doc });
    return doc;
  }

  /** Swaps `next` in for `prev` (same `_id`, checked by the caller), enforcing unique indexes. */
  replace(prev: Doc, next: Doc): void {
    const id = idKeyOf(prev);
    for (const index of this.indexes.values()) {
      const dup = index.conflict(next, id);
      if (dup) throw duplicateKeyError(this.ns, index.spec, dup.values);
    }
    for (const index of this.indexes.values()) index.remove(prev, id);
    for (const index of this.indexes.values()) index.add(next, id);
    this.docs.set(id, next);
    this.sink({ o: 'p', db: this.db, c: this.name, d: next });
  }

  remove(doc: Doc): void {
    const id = idKeyOf(doc);
    if (!this.docs.has(id)) return;
    for (const index of this.indexes.values()) index.remove(doc, id);
    this.docs.delete(id);
    this.seq.delete(id);
    this.sink({ o: 'd', db: this.db, c: this.name, id: doc._id });
  }

  /** Replay path: put a document as-is, without unique checks (the journal was checked once). */
  restorePut(doc: Doc): void {
    const id = idKeyOf(doc);
    const prev = this.docs.get(id);
    if (prev) {
      for (const index of this.indexes.values()) index.remove(prev, id);
      for (const index of this.indexes.values()) index.add(doc, id);
      this.docs.set(id, doc);
    } else {
      this.store(id, doc);
    }
  }

  restoreDelete(idValue: unknown): void {
    const doc = this.docs.get(canonicalKey(idValue));
    if (doc) {
      const id = idKeyOf(doc);
      for (const index of this.indexes.values()) index.remove(doc, id);
      this.docs.delete(id);
      this.seq.delete(id);
    }
  }

  private store(id: string, doc: Doc): void {
    for (const index of this.indexes.values()) index.add(doc, id);
    this.docs.set(id, doc);
    this.seq.set(id, this.nextSeq++);
  }

  /**
   * Deletes the documents whose TTL has passed (MongoDB's TTL monitor). Stale heap entries
   * (documents since updated or deleted) are checked against the current document and dropped.
   */
  expire(now: number): void {
    for (const index of this.indexes.values()) {
      const heap = index.expiries;
      if (!heap) continue;
      for (const id of heap.popUntil(now)) {
        const doc = this.docs.get(id);
        if (!doc) continue;
        const at = index.expiresAt(doc);
        if (at !== undefined && at <= now) this.remove(doc);
      }
      if (heap.size > 2 * this.docs.size + 1024) {
        heap.clear();
        for (const [id, doc] of this.docs) {
          const at = index.expiresAt(doc);
          if (at !== undefined) heap.push(at, id);
        }
      }
    }
  }

  /** Documents matching `filter`, in natural order; the first `limit` of them when given. */
  find(filter: Doc, limit = Infinity): Doc[] {
    const { docs, residual } = this.lookup(filter);
    if (residual === null) return limit < docs.length ? docs.slice(0, limit) : docs;
    // Only what the lookup did not answer is tested per document: re-testing a large `$in` the
    // index already answered would cost the list's length for every candidate.
    const query = new Query(residual, QUERY_OPTIONS);
    const out: Doc[] = [];
    for (const d of docs) {
      if (out.length >= limit) break;
      if (query.test(d)) out.push(d);
    }
    return out;
  }

  /**
   * A superset of the documents matching `filter`, from the smallest index lookup that its
   * top-level equality conditions allow (or every document when none applies), and the part of
   * the filter the lookup leaves to test (`null` when it answers the filter by itself). A
   * condition is answered when it is a scalar equality (or `$in` of scalars) on a plain field of
   * the index used, where hash-key equality is MongoDB's equality (an array field matches through
   * its elements, which the index holds one by one).
   */
  lookup(filter: Doc): { docs: Doc[]; residual: Doc | null } {
    const idValues = equalityValues(filter, '_id');
    if (idValues) {
      return { docs: this.inNaturalOrder(new Set(idValues.map(canonicalKey))), residual: residualOf(filter, idValues.every(isScalar) ? ['_id'] : []) };
    }
    let best: Set<string> | undefined;
    let bestIndex: Index | undefined;
    for (const index of this.indexes.values()) {
      if (!index.complete) continue;
      const perField = index.fields.map((f) => equalityValues(filter, f));
      if (perField.some((v) => v === undefined)) continue;
      let combos: unknown[][] = [[]];
      for (const vals of perField as unknown[][]) {
        combos = combos.flatMap((c) => vals.map((v) => [...c, v]));
        if (combos.length > MAX_LOOKUP_COMBOS) break;
      }
      if (combos.length > MAX_LOOKUP_COMBOS) continue;
      const ids = new Set<string>();
      for (const combo of combos) for (const id of index.lookup(combo) ?? []) ids.add(id);
      if (!best || ids.size < best.size) {
        best = ids;
        bestIndex = index;
      }
    }
    if (!best || !bestIndex) return { docs: this.all(), residual: Object.keys(filter).length === 0 ? null : filter };
    const answered = bestIndex.fields.filter((f) => !f.includes('.') && (equalityValues(filter, f) ?? []).every(isScalar));
    return { docs: this.inNaturalOrder(best), residual: residualOf(filter, answered) };
  }

  private inNaturalOrder(ids: Set<string>): Doc[] {
    const found: Array<[number, Doc]> = [];
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (doc) found.push([this.seq.get(id)!, doc]);
    }
    if (found.length > 1) found.sort((a, b) => a[0] - b[0]);
    return found.map((f) => f[1]);
  }

  /** Creates an index; false when an identical one exists. Refuses conflicting redefinitions. */
  createIndex(spec: IndexSpec, journal = true): boolean {
    if (spec.name === '_id_' || canonicalKey(spec.key) === canonicalKey(ID_INDEX_SPEC.key)) {
      if (spec.unique === false || spec.partialFilterExpression || spec.sparse) {
        throw new MongoCommandError('InvalidOptions', 'The _id index cannot be sparse, partial or non-unique');
      }
      return false;
    }
    const sameName = this.indexes.get(spec.name);
    if (sameName) {
      if (sameIndexOptions(sameName.spec, spec)) return false;
      throw new MongoCommandError(
        canonicalKey(sameName.spec.key) === canonicalKey(spec.key) ? 'IndexOptionsConflict' : 'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
      );
    }
    for (const other of this.indexes.values()) {
      if (sameIndexOptions(other.spec, spec)) {
        throw new MongoCommandError('IndexOptionsConflict', `Index already exists with a different name: ${other.spec.name}`);
      }
    }
    const index = new Index(spec);
    for (const [id, doc] of this.docs) {
      const dup = index.conflict(doc, id);
      if (dup) throw duplicateKeyError(this.ns, spec, dup.values);
      index.add(doc, id);
    }
    this.indexes.set(spec.name, index);
    if (journal) this.sink({ o: 'i', db: this.db, c: this.name, spec: { ...spec } });
    return true;
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
    this.sink({ o: 'xi', db: this.db, c: this.name, name });
  }

  indexSpecs(): IndexSpec[] {
    return [ID_INDEX_SPEC, ...Array.from(this.indexes.values(), (i) => i.spec)];
  }
}

export function idKeyOf(doc: Doc): string {
  return canonicalKey(doc._id);
}

export function validateId(doc: Doc): void {
  if (Array.isArray(doc._id)) throw badValue(`can't use an array for _id`);
  if (doc._id instanceof RegExp || (isPlainObject(doc._id) && Object.keys(doc._id).some((k) => k.startsWith('$')))) {
    throw badValue(`can't use a regex or an operator expression for _id`);
  }
}

/**
 * The values a filter requires `field` to equal, when it does so at top level with plain
 * values (`{f: v}`, `{f: {$eq: v}}`, `{f: {$in: [...]}}`); undefined when no index may answer.
 * Null, arrays and regular expressions are left to the scan: their equality also matches
 * missing fields, arrays containing them or patterns, which the hash index does not model.
 */
function equalityValues(filter: Doc, field: string): unknown[] | undefined {
  if (!Object.prototype.hasOwnProperty.call(filter, field)) return undefined;
  const cond = filter[field];
  if (isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'))) {
    const keys = Object.keys(cond);
    if (keys.length !== 1) return undefined;
    if (keys[0] === '$eq') return indexable(cond.$eq) ? [cond.$eq] : undefined;
    if (keys[0] === '$in' && Array.isArray(cond.$in) && cond.$in.every(indexable)) return cond.$in;
    return undefined;
  }
  return indexable(cond) ? [cond] : undefined;
}

/** `filter` without the `answered` top-level fields; null when nothing is left to test. */
function residualOf(filter: Doc, answered: readonly string[]): Doc | null {
  const rest: Doc = {};
  for (const [k, v] of Object.entries(filter)) if (!answered.includes(k)) rest[k] = v;
  return Object.keys(rest).length === 0 ? null : rest;
}

/** A value whose MongoDB equality is exactly hash-key equality (no embedded document). */
function isScalar(value: unknown): boolean {
  return indexable(value) && !isPlainObject(value);
}

function indexable(value: unknown): boolean {
  if (value === null || value === undefined || Array.isArray(value) || value instanceof RegExp) return false;
  if (typeof value === 'object' && (value as { _bsontype?: string })._bsontype === 'BSONRegExp') return false;
  if (isPlainObject(value)) return Object.keys(value).every((k) => !k.startsWith('$')) && Object.values(value).every((v) => !Array.isArray(v));
  return true;
}
