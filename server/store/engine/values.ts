/**
 * Value helpers with MongoDB's semantics: the canonical form of a value as an index key (so that
 * 1, 1.0 and Long(1) are one key, as MongoDB's equality says), extraction of a dotted path through
 * arrays (multikey indexing), deep copies that keep BSON types, and the shell-like rendering used
 * in E11000 messages.
 */
import { Binary, ObjectId } from 'bson';

export type Doc = Record<string, unknown>;

/** Marker for "the path does not exist in the document" (distinct from an explicit null). */
export const MISSING: unique symbol = Symbol('missing');

function bsonType(value: object): string | undefined {
  const t = (value as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (value instanceof Date || value instanceof RegExp) return false;
  return bsonType(value) === undefined;
}

function canonicalNumber(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

/**
 * A string that two values share exactly when MongoDB's equality considers them equal
 * (numbers compare across int32/int64/double, null and missing are one key in an index,
 * embedded documents compare field by field in order).
 */
export function canonicalKey(value: unknown): string {
  if (value === MISSING || value === null || value === undefined) return 'z';
  switch (typeof value) {
    case 'number':
      return `n:${canonicalNumber(value)}`;
    case 'bigint':
      return `n:${value.toString()}`;
    case 'string':
      return `s:${JSON.stringify(value)}`;
    case 'boolean':
      return value ? 'b:1' : 'b:0';
    default:
      break;
  }
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (value instanceof RegExp) return `r:${value.source}/${value.flags}`;
  if (Array.isArray(value)) return `a:[${value.map(canonicalKey).join(',')}]`;
  const obj = value as Record<string, unknown> & { toString(): string };
  switch (bsonType(obj)) {
    case undefined:
      return `o:{${Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .map((k) => `${JSON.stringify(k)}:${canonicalKey(obj[k])}`)
        .join(',')}}`;
    case 'ObjectId':
      return `i:${(obj as unknown as ObjectId).toHexString()}`;
    case 'Int32':
    case 'Double':
      return `n:${canonicalNumber((obj as unknown as { value: number }).value)}`;
    case 'Long': {
      const long = obj as unknown as { toNumber(): number; toString(): string };
      const n = long.toNumber();
      return Number.isSafeInteger(n) ? `n:${canonicalNumber(n)}` : `n:${long.toString()}`;
    }
    case 'Decimal128': {
      const n = Number(obj.toString());
      return Number.isFinite(n) ? `n:${canonicalNumber(n)}` : `n:${obj.toString()}`;
    }
    case 'Binary': {
      const bin = obj as unknown as Binary;
      return `x:${bin.sub_type}:${Buffer.from(bin.buffer).toString('base64')}`;
    }
    case 'MinKey':
      return 'min';
    case 'MaxKey':
      return 'max';
    default:
      return `${bsonType(obj)}:${JSON.stringify(obj)}`;
  }
}

/**
 * The values a dotted path reaches in a document, descending through arrays the way MongoDB's
 * index key generation does: `a.b` over `{a: [{b: 1}, {b: 2}]}` gives 1 and 2. A path that ends
 * on an array yields its elements (multikey); an empty array yields `undefined`, as MongoDB
 * indexes it. A path that reaches nothing yields MISSING.
 */
export function pathValues(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out.length === 0 ? [MISSING] : out;
}

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(undefined);
      else for (const e of value) out.push(e);
    } else {
      out.push(value);
    }
    return;
  }
  if (Array.isArray(value)) {
    const part = parts[i];
    if (/^\d+$/.test(part) && Number(part) < value.length) {
      collect(value[Number(part)], parts, i + 1, out);
      return;
    }
    for (const e of value) if (isPlainObject(e)) collect(e, parts, i, out);
    return;
  }
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, parts[i])) {
    collect(value[parts[i]], parts, i + 1, out);
  }
}

/** The first value a dotted path reaches without descending into arrays (for TTL, sort). */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return MISSING;
    cur = cur[part];
  }
  return cur;
}

/**
 * Deep copy keeping BSON classes (ObjectId, Long and friends are immutable and shared; Binary
 * holds a mutable buffer and is copied), so stored documents never alias replies or commands.
 */
export function deepClone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepClone) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof RegExp) return new RegExp(value.source, value.flags) as T;
  const t = bsonType(value);
  if (t === 'Binary') {
    const bin = value as unknown as Binary;
    return new Binary(Buffer.from(bin.buffer), bin.sub_type) as T;
  }
  if (t !== undefined) return value;
  const out: Doc = {};
  for (const [k, v] of Object.entries(value as Doc)) out[k] = deepClone(v);
  return out as T;
}

/** Renders a value the way MongoDB's error messages do (`"a@b"`, `ObjectId('…')`, `null`). */
export function formatValue(value: unknown): string {
  if (value === MISSING || value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof RegExp) return `/${value.source}/${value.flags}`;
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  const obj = value as Doc;
  switch (bsonType(obj)) {
    case undefined: {
      const keys = Object.keys(obj);
      return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${k}: ${formatValue(obj[k])}`).join(', ')} }`;
    }
    case 'ObjectId':
      return `ObjectId('${(obj as unknown as ObjectId).toHexString()}')`;
    case 'Binary':
      return `BinData(${(obj as unknown as Binary).sub_type}, ${Buffer.from((obj as unknown as Binary).buffer).toString('hex').toUpperCase()})`;
    default:
      return String(obj);
  }
}

export function isOperatorKey(key: string): boolean {
  return key.startsWith('$');
}

/**
 * MongoDB's comparison order across BSON types (MinKey < null < numbers < strings < objects <
 * arrays < binary < ObjectId < booleans < dates < timestamps < regular expressions < MaxKey),
 * https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/
 */
function typeRank(v: unknown): number {
  if (v === EMPTY_ARRAY) return 1.5;
  if (v === MISSING || v === null || v === undefined) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    default:
      break;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  switch (bsonType(v as object)) {
    case undefined:
      return 5;
    case 'MinKey':
      return 1;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'MaxKey':
      return 13;
    default:
      return 5;
  }
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return Number((v as { valueOf(): unknown }).valueOf?.() ?? NaN) || Number(String(v));
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
    case 1.5:
    case 2:
    case 13:
      return 0; // MinKey, null (and missing), MaxKey: one value each
    case 3: {
      const x = toNumber(a);
      const y = toNumber(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1; // NaN sorts below numbers
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 4:
      return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
    case 5: {
      const ka = Object.keys(a as Doc);
      const kb = Object.keys(b as Doc);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const byValueType = typeRank((a as Doc)[ka[i]]) - typeRank((b as Doc)[kb[i]]);
        if (byValueType !== 0) return byValueType;
        const byName = Buffer.compare(Buffer.from(ka[i]), Buffer.from(kb[i]));
        if (byName !== 0) return byName;
        const byValue = compareValues((a as Doc)[ka[i]], (b as Doc)[kb[i]]);
        if (byValue !== 0) return byValue;
      }
      return ka.length - kb.length;
    }
    case 6: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) {
        const c = compareValues(xa[i], xb[i]);
        if (c !== 0) return c;
      }
      return xa.length - xb.length;
    }
    case 7: {
      const ba = a as Binary;
      const bb = b as Binary;
      return ba.length() - bb.length() || ba.sub_type - bb.sub_type || Buffer.compare(Buffer.from(ba.buffer), Buffer.from(bb.buffer));
    }
    case 8:
      return Buffer.compare(Buffer.from((a as ObjectId).id), Buffer.from((b as ObjectId).id));
    case 9:
      return Number(a) - Number(b);
    case 10:
      return (a as Date).getTime() - (b as Date).getTime();
    case 11:
      return (a as { compare(o: unknown): number }).compare(b);
    default:
      return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  }
}

/** The sort key of an empty array, which sorts below null and missing (BSON comparison order). */
const EMPTY_ARRAY: unique symbol = Symbol('empty array');

/**
 * The value a document sorts by on `path`: through arrays, the smallest element for an
 * ascending sort and the largest for a descending one, as MongoDB does; missing sorts as null,
 * an empty array below it.
 */
export function sortKey(doc: Doc, path: string, direction: 1 | -1): unknown {
  let best: unknown = MISSING;
  let first = true;
  for (const v of pathValues(doc, path)) {
    const value = v === undefined ? EMPTY_ARRAY : v;
    if (first || compareValues(value, best) * direction < 0) best = value;
    first = false;
  }
  return best;
}
