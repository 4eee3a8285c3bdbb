/**
 * Numeric type fidelity. MongoDB keeps int32, int64, double and Decimal128 apart: a value comes
 * back with the type it was written with, `$type` tells them apart, and arithmetic follows the
 * wider operand (int32 < int64 < double), an int32 overflow widening to int64.
 * https://www.mongodb.com/docs/manual/reference/operator/update/inc/
 *
 * The engine holds an int32 and a non-integral double as a JS number (bson writes each back as
 * the same type) and keeps an integral double (`Double`), an int64 (`Long`) and a Decimal128 in
 * their bson classes. mingo compares JS numbers only, so its comparison operators see a numeric
 * view of the document, with those classes as numbers.
 */
import { Double, Long } from 'bson';
import { MongoCommandError, notImplemented } from './errors.ts';
import { isPlainObject } from './values.ts';

type BsonNumber = { _bsontype?: string; valueOf(): unknown; toString(): string };

function bsonKind(v: unknown): string | undefined {
  return v !== null && typeof v === 'object' ? (v as BsonNumber)._bsontype : undefined;
}

/** A value as decoded off the wire, brought to the engine's representation (in place). */
export function normalizeNumbers(value: unknown): unknown {
  switch (bsonKind(value)) {
    case 'Int32':
      return Number((value as BsonNumber).valueOf());
    case 'Double': {
      const n = Number((value as BsonNumber).valueOf());
      return Number.isInteger(n) ? value : n;
    }
    default:
      break;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalizeNumbers(value[i]);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) value[key] = normalizeNumbers(value[key]);
  }
  return value;
}

function asNumber(v: unknown): number | undefined {
  const kind = bsonKind(v);
  if (kind === 'Double' || kind === 'Int32') return Number((v as BsonNumber).valueOf());
  if (kind === 'Long' || kind === 'Decimal128') return Number((v as BsonNumber).toString());
  return undefined;
}

const views = new WeakMap<object, unknown>();

/** `value` with every bson number class as a JS number; the same reference when it holds none. */
export function numericView(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const n = asNumber(value);
  if (n !== undefined) return n;
  const cached = views.get(value);
  if (cached !== undefined) return cached;
  let out: unknown = value;
  if (Array.isArray(value)) {
    const mapped = value.map(numericView);
    if (mapped.some((m, i) => m !== value[i])) out = mapped;
  } else if (isPlainObject(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const m = numericView(v);
      if (m !== v) copy ??= { ...value };
      if (copy) copy[k] = m;
    }
    if (copy) out = copy;
  }
  views.set(value, out);
  return out;
}

type QueryOperator = (selector: string, value: unknown, options: unknown) => (doc: unknown) => boolean;

/** mingo's comparison operator `op`, evaluated on numeric views of the document and the argument. */
export function onNumericView(op: QueryOperator): QueryOperator {
  return (selector, value, options) => {
    const test = op(selector, numericView(value), options);
    return (doc) => test(numericView(doc));
  };
}

/** 0 int32, 1 int64, 2 double, 3 decimal; undefined for a non-number. */
function width(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 && !Object.is(v, -0) ? 0 : 2;
  switch (bsonKind(v)) {
    case 'Int32': return 0;
    case 'Long': return 1;
    case 'Double': return 2;
    case 'Decimal128': return 3;
    default: return undefined;
  }
}

function toBigInt(v: unknown): bigint {
  return BigInt(bsonKind(v) === 'Long' ? (v as Long).toString() : Number((v as BsonNumber).valueOf()));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * `$inc` or `$mul` of `current` (undefined: the field is missing) by `arg`, typed as MongoDB
 * types it; undefined when either is not a number (the caller's checks answer that case).
 */
export function arithmetic(op: '$inc' | '$mul', current: unknown, arg: unknown, path: string): unknown {
  const argWidth = width(arg);
  if (argWidth === undefined) return undefined;
  const base = current === undefined ? 0 : current;
  const baseWidth = current === undefined ? argWidth : width(base);
  if (baseWidth === undefined) return undefined;
  const w = Math.max(argWidth, baseWidth);
  if (w === 3) throw notImplemented('arithmetic on Decimal128 values');
  if (current === undefined && op === '$inc') return arg;
  if (w === 2) {
    const n = op === '$inc' ? Number(numericView(base)) + Number(numericView(arg)) : Number(numericView(base)) * Number(numericView(arg));
    return Number.isInteger(n) ? new Double(n) : n;
  }
  const big = op === '$inc' ? toBigInt(base) + toBigInt(arg) : toBigInt(base) * toBigInt(arg);
  if (w === 0 && big >= -(2n ** 31n) && big < 2n ** 31n) return Number(big);
  if (big < INT64_MIN || big > INT64_MAX) {
    throw new MongoCommandError('BadValue', `Failed to apply ${op} operations to current value (${String(current)}) for document: integer overflow on field '${path}'`);
  }
  return Long.fromBigInt(big);
}

