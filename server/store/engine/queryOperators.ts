/**
 * Query operators the engine gives mingo in place of its own, where mingo's answer differs from
 * MongoDB's: `$type` matches an array whose elements have the type (MongoDB 3.6+), and tells
 * int, long, double and decimal apart by their BSON type.
 * https://www.mongodb.com/docs/manual/reference/operator/query/type/
 */
import { isPlainObject } from './values.ts';

/** MongoDB's type aliases and numbers ($type takes either). */
const TYPE_NUMBERS: Record<string, number> = {
  double: 1, string: 2, object: 3, array: 4, binData: 5, undefined: 6, objectId: 7, bool: 8, date: 9, null: 10, regex: 11,
  dbPointer: 12, javascript: 13, symbol: 14, int: 16, timestamp: 17, long: 18, decimal: 19, minKey: -1, maxKey: 127,
};
const NUMERIC = new Set([1, 16, 18, 19]);
const TYPE_ALIASES = new Map(Object.entries(TYPE_NUMBERS).map(([alias, n]) => [n, alias]));

/**
 * The aggregation expression `$type`: the alias of the BSON type a value is stored as, `missing`
 * for an absent field (mingo's own says `long` for an integral double beyond int32 and names bson
 * classes, e.g. `decimal128`, where MongoDB says `decimal`).
 * https://www.mongodb.com/docs/manual/reference/operator/aggregation/type/
 */
export function typeAliasOf(v: unknown): string {
  return v === undefined ? 'missing' : (TYPE_ALIASES.get(bsonTypeNumber(v)) ?? 'object');
}

/** The BSON type number a value is stored as. */
function bsonTypeNumber(v: unknown): number {
  if (v === null) return 10;
  if (v === undefined) return 6;
  switch (typeof v) {
    case 'string':
      return 2;
    case 'boolean':
      return 8;
    case 'bigint':
      return 18;
    case 'number':
      // bson writes an integral number in int32 range as int32 and any other as a double.
      return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 && !Object.is(v, -0) ? 16 : 1;
    default:
      break;
  }
  if (Array.isArray(v)) return 4;
  if (v instanceof Date) return 9;
  if (v instanceof RegExp) return 11;
  if (isPlainObject(v)) return 3;
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'Double': return 1;
    case 'Binary': return 5;
    case 'ObjectId': return 7;
    case 'BSONRegExp': return 11;
    case 'DBRef': return 3;
    case 'Code': return 13;
    case 'BSONSymbol': return 14;
    case 'Int32': return 16;
    case 'Timestamp': return 17;
    case 'Long': return 18;
    case 'Decimal128': return 19;
    case 'MinKey': return -1;
    case 'MaxKey': return 127;
    default: return 3;
  }
}

/** The values a path reaches, each array given both as itself and by its elements. */
function candidates(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(value);
    if (Array.isArray(value)) out.push(...value);
    return;
  }
  if (Array.isArray(value)) {
    if (/^\d+$/.test(parts[i])) candidates(value[Number(parts[i])], parts, i + 1, out);
    for (const e of value) if (isPlainObject(e)) candidates(e, parts, i, out);
    return;
  }
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, parts[i])) candidates(value[parts[i]], parts, i + 1, out);
}

function typeMatcher(spec: unknown): (n: number) => boolean {
  const one = (s: unknown): ((n: number) => boolean) => {
    if (s === 'number') return (n) => NUMERIC.has(n);
    const wanted = typeof s === 'string' ? TYPE_NUMBERS[s] : Number((s as { valueOf(): unknown })?.valueOf?.());
    if (wanted === undefined || !Number.isFinite(wanted)) throw new Error(`unknown type name alias: ${String(s)}`);
    return (n) => n === wanted;
  };
  const all = (Array.isArray(spec) ? spec : [spec]).map(one);
  return (n) => all.some((f) => f(n));
}

export const $type = (selector: string, value: unknown): ((doc: unknown) => boolean) => {
  const matches = typeMatcher(value);
  const parts = selector.split('.');
  return (doc) => {
    const out: unknown[] = [];
    candidates(doc, parts, 0, out);
    return out.some((v) => matches(bsonTypeNumber(v)));
  };
};
