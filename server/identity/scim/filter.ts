/**
 * RFC 7644 §3.4.2.2 filters: parsed by `scim2-parse-filter`, checked against a resource schema,
 * and evaluated here on SCIM resources (plain JSON objects).
 *
 * Evaluation rules (RFC 7644 §3.4.2.2):
 * - attribute names and operators are case-insensitive; a path may carry the schema URN;
 * - strings compare case-insensitively unless the attribute is `caseExact` (userName and emails
 *   are not; id, externalId and member values are);
 * - on a multi-valued attribute the expression matches when any value matches; on a complex
 *   attribute named without a sub-attribute (`emails co "example.com"`) its `value` is compared;
 * - `gt ge lt le` order strings lexicographically, dateTimes chronologically, numbers numerically,
 *   and are an `invalidFilter` on booleans and binaries (so are `co sw ew` on non-strings);
 * - `pr` matches a non-empty value; `ne` is the negation of `eq`, so it matches an absent value.
 *
 * The parser turns `emails[type eq "work"].value eq "x"` (a PATCH path form some clients also send
 * as a filter) into `emails[type eq "work"] and emails.value eq "x"`; outside PATCH paths, RFC 7644's
 * filter grammar has no sub-attribute after a value filter, so the looser reading is kept.
 */
import { parse, type AttrExp, type Filter, type LogExp, type NotFilter, type ValuePath } from 'scim2-parse-filter';
import { invalidFilter } from './errors.ts';
import { isPlainObject, propertyKey, resolveAttributePath, stripSchemaUrn, type AttributeDef, type ResourceSchema } from './schema.ts';

export type { Filter } from 'scim2-parse-filter';

/** Longest filter accepted (also a PATCH path's value filter): a filter is a query, not a payload. */
export const MAX_FILTER_LENGTH = 4096;

/**
 * Most nodes (comparisons, `and`, `or`, `not`, value filters) in one filter. A filter is evaluated
 * on every resource it scans (up to MAX_FILTER_SCAN) or, in a PATCH path, on every value of the
 * attribute for each operation, so its cost is that count times its size: 4096 characters hold
 * some 200 comparisons (0.6 s over 10,000 users); provisioning clients send one to three.
 */
export const MAX_FILTER_NODES = 64;

function nodeCount(f: Filter): number {
  switch (f.op) {
    case 'and':
    case 'or':
      return 1 + f.filters.reduce((n, g) => n + nodeCount(g), 0);
    case 'not':
      return 1 + nodeCount(f.filter);
    case '[]':
      return 1 + nodeCount(f.valFilter);
    default:
      return 1;
  }
}

/** The parsed filter, or an Error naming why it is refused (syntax, length, size). */
function parseBounded(text: string): Filter {
  if (text.length > MAX_FILTER_LENGTH) throw new Error(`filter is longer than ${MAX_FILTER_LENGTH} characters`);
  let ast: Filter;
  try {
    ast = parse(text);
  } catch (error) {
    throw new Error(`filter syntax: ${(error as Error).message}`);
  }
  if (nodeCount(ast) > MAX_FILTER_NODES) throw new Error(`filter has more than ${MAX_FILTER_NODES} comparisons and operators`);
  return ast;
}

/** Parses and checks a filter against the schema; every problem is a 400 `invalidFilter`. */
export function parseFilter(text: string, schema: ResourceSchema): Filter {
  let ast: Filter;
  try {
    ast = parseBounded(text);
  } catch (error) {
    throw invalidFilter((error as Error).message);
  }
  checkFilter(ast, schema.attributes, schema, null);
  return ast;
}

/** The filter attribute's definition: `scope` is the schema, or the sub-attributes inside `x[...]`. */
function resolveFilterPath(path: string, scope: readonly AttributeDef[], schema: ResourceSchema, inside: AttributeDef | null) {
  const local = inside ? path : stripSchemaUrn(schema, path);
  if (local === null) throw invalidFilter(`attribute ${path} is not part of ${schema.id}`);
  const resolved = resolveAttributePath(scope, local);
  if (!resolved) throw invalidFilter(`unknown attribute ${path}`);
  return resolved;
}

/** The attribute a comparison actually reads: the sub-attribute, or a complex attribute's `value`. */
function comparedDef(attribute: AttributeDef, sub: AttributeDef | undefined, path: string): AttributeDef {
  if (sub) return sub;
  if (attribute.type !== 'complex') return attribute;
  const value = attribute.subAttributes.find((s) => s.name === 'value');
  if (!value) throw invalidFilter(`${path} is complex: name one of its sub-attributes`);
  return value;
}

function checkFilter(f: Filter, scope: readonly AttributeDef[], schema: ResourceSchema, inside: AttributeDef | null): void {
  switch (f.op) {
    case 'and':
    case 'or':
      for (const g of f.filters) checkFilter(g, scope, schema, inside);
      return;
    case 'not':
      checkFilter(f.filter, scope, schema, inside);
      return;
    case '[]': {
      const { attribute, sub } = resolveFilterPath(f.attrPath, scope, schema, inside);
      if (inside || sub || attribute.type !== 'complex' || !attribute.multiValued) {
        throw invalidFilter(`${f.attrPath}[...] needs a multi-valued complex attribute`);
      }
      checkFilter(f.valFilter, attribute.subAttributes, schema, attribute);
      return;
    }
    case 'pr':
      resolveFilterPath(f.attrPath, scope, schema, inside);
      return;
    default: {
      const { attribute, sub } = resolveFilterPath(f.attrPath, scope, schema, inside);
      const def = comparedDef(attribute, sub, f.attrPath);
      if (def.mutability === 'writeOnly' || def.returned === 'never') throw invalidFilter(`${f.attrPath} cannot be filtered on`);
      const ordering = f.op === 'gt' || f.op === 'ge' || f.op === 'lt' || f.op === 'le';
      const substring = f.op === 'co' || f.op === 'sw' || f.op === 'ew';
      if (ordering && (def.type === 'boolean' || def.type === 'binary')) throw invalidFilter(`${f.op} is not defined on ${def.type} attribute ${f.attrPath}`);
      if (substring && !isStringType(def)) throw invalidFilter(`${f.op} needs a string attribute; ${f.attrPath} is ${def.type}`);
      if ((ordering || substring) && f.compValue === null) throw invalidFilter(`${f.op} cannot compare with null`);
    }
  }
}

function isStringType(def: AttributeDef): boolean {
  return def.type === 'string' || def.type === 'reference' || def.type === 'binary' || def.type === 'dateTime';
}

/** The values at `attr` or `attr.sub`, flattened over multi-valued attributes; absent values are skipped. */
function valuesAt(resource: Record<string, unknown>, attribute: AttributeDef, sub: AttributeDef | undefined): unknown[] {
  const key = propertyKey(resource, attribute.name);
  if (key === undefined) return [];
  const raw = resource[key];
  const items = Array.isArray(raw) ? raw : [raw];
  const out: unknown[] = [];
  for (const item of items) {
    if (item === undefined || item === null) continue;
    const subName = sub?.name ?? (attribute.type === 'complex' ? 'value' : undefined);
    if (subName === undefined) {
      out.push(item);
    } else if (isPlainObject(item)) {
      const subKey = propertyKey(item, subName);
      if (subKey !== undefined && item[subKey] !== undefined && item[subKey] !== null) out.push(item[subKey]);
    }
  }
  return out;
}

function nonEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.some(nonEmpty);
  if (isPlainObject(value)) return Object.values(value).some(nonEmpty);
  return true;
}

function compare(op: string, actual: unknown, expected: string | number | boolean | null, def: AttributeDef): boolean {
  if (expected === null) return false;
  if (def.type === 'boolean') return typeof actual === 'boolean' && actual === expected;
  if (def.type === 'integer' || def.type === 'decimal') {
    if (typeof actual !== 'number' || typeof expected !== 'number') return false;
    return order(op, actual - expected);
  }
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  if (def.type === 'dateTime' && op !== 'co' && op !== 'sw' && op !== 'ew') {
    const a = Date.parse(actual);
    const e = Date.parse(expected);
    if (Number.isNaN(a) || Number.isNaN(e)) return false;
    return order(op, a - e);
  }
  const a = def.caseExact ? actual : actual.toLowerCase();
  const e = def.caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return order(op, a < e ? -1 : a > e ? 1 : 0);
  }
}

function order(op: string, diff: number): boolean {
  switch (op) {
    case 'eq':
      return diff === 0;
    case 'gt':
      return diff > 0;
    case 'ge':
      return diff >= 0;
    case 'lt':
      return diff < 0;
    case 'le':
      return diff <= 0;
    default:
      return false;
  }
}

/**
 * The attribute a filter node names, resolved once per node: a node is always evaluated in the
 * scope it was checked in, and a filter is evaluated over up to MAX_FILTER_SCAN resources (or a
 * PATCH value filter over every value of an attribute, for each operation), so resolving the
 * path again for each of them would cost a string split and lookups per value.
 */
const resolvedNodes = new WeakMap<object, ReturnType<typeof resolveFilterPath>>();

function resolvedPathOf(f: AttrExp | ValuePath, scope: readonly AttributeDef[], schema: ResourceSchema, inside: AttributeDef | null) {
  let resolved = resolvedNodes.get(f);
  if (resolved === undefined) {
    resolved = resolveFilterPath(f.attrPath, scope, schema, inside);
    resolvedNodes.set(f, resolved);
  }
  return resolved;
}

function evaluate(f: Filter, resource: Record<string, unknown>, scope: readonly AttributeDef[], schema: ResourceSchema, inside: AttributeDef | null): boolean {
  switch (f.op) {
    case 'and':
      return f.filters.every((g) => evaluate(g, resource, scope, schema, inside));
    case 'or':
      return f.filters.some((g) => evaluate(g, resource, scope, schema, inside));
    case 'not':
      return !evaluate(f.filter, resource, scope, schema, inside);
    case '[]': {
      const { attribute } = resolvedPathOf(f, scope, schema, inside);
      const key = propertyKey(resource, attribute.name);
      const items = key === undefined ? [] : resource[key];
      return Array.isArray(items) && items.some((item) => isPlainObject(item) && evaluate(f.valFilter, item, attribute.subAttributes, schema, attribute));
    }
    case 'pr': {
      const { attribute, sub } = resolvedPathOf(f, scope, schema, inside);
      if (!sub && attribute.type === 'complex') {
        const key = propertyKey(resource, attribute.name);
        return key !== undefined && nonEmpty(resource[key]);
      }
      return valuesAt(resource, attribute, sub).some(nonEmpty);
    }
    default: {
      const { attribute, sub } = resolvedPathOf(f, scope, schema, inside);
      const def = comparedDef(attribute, sub, f.attrPath);
      const values = valuesAt(resource, attribute, sub);
      if (f.op === 'ne') return !values.some((v) => compare('eq', v, f.compValue, def));
      return values.some((v) => compare(f.op, v, f.compValue, def));
    }
  }
}

/** Whether a resource (or, inside a value filter, one value of a complex attribute) matches. */
export function matchesFilter(f: Filter, resource: Record<string, unknown>, schema: ResourceSchema, within?: AttributeDef): boolean {
  return evaluate(f, resource, within ? within.subAttributes : schema.attributes, schema, within ?? null);
}

/**
 * The string a filter requires `attr` to equal, when the whole filter is `attr eq "v"` or an `and`
 * with such a term: the caller can fetch candidates by an index and still evaluate the full filter.
 */
export function requiredEquality(f: Filter, schema: ResourceSchema, attributePath: string): string | null {
  if (f.op === 'eq' && typeof f.compValue === 'string') {
    const local = stripSchemaUrn(schema, f.attrPath);
    if (local !== null && local.toLowerCase() === attributePath.toLowerCase()) return f.compValue;
    return null;
  }
  if (f.op === 'and') {
    for (const g of f.filters) {
      const v = requiredEquality(g, schema, attributePath);
      if (v !== null) return v;
    }
  }
  return null;
}

/**
 * A value filter of a PATCH path (`emails[type eq "work"]`, RFC 7644 §3.5.2), checked within the
 * attribute's sub-attributes. A bad one is a 400 `invalidPath`: it is the path that is malformed.
 */
export function parseValueFilter(text: string, attribute: AttributeDef, schema: ResourceSchema, onError: (detail: string) => Error): Filter {
  let ast: Filter;
  try {
    ast = parseBounded(text);
    checkFilter(ast, attribute.subAttributes, schema, attribute);
  } catch (error) {
    throw onError(`value filter ${attribute.name}[${text}]: ${(error as Error).message}`);
  }
  return ast;
}

/**
 * The sub-attribute values a value filter pins with `eq` (`type eq "work" and primary eq true` →
 * {type: "work", primary: true}), or null when it says more than equalities: PATCH `add` to such a
 * path with no matching value creates one (what Microsoft Entra ID's provisioning sends).
 */
export function pinnedValues(f: Filter, attribute: AttributeDef): Record<string, unknown> | null {
  if (f.op === 'eq' && f.compValue !== null) {
    const resolved = resolveAttributePath(attribute.subAttributes, f.attrPath);
    return resolved && !resolved.sub ? { [resolved.attribute.name]: f.compValue } : null;
  }
  if (f.op === 'and') {
    const out: Record<string, unknown> = {};
    for (const g of f.filters) {
      const part = pinnedValues(g, attribute);
      if (!part) return null;
      Object.assign(out, part);
    }
    return out;
  }
  return null;
}

/** The top-level attribute names a filter reads (lower case, schema URN stripped). */
export function filterAttributes(f: Filter, schema: ResourceSchema): Set<string> {
  const out = new Set<string>();
  const walk = (g: Filter) => {
    if (g.op === 'and' || g.op === 'or') (g as LogExp).filters.forEach(walk);
    else if (g.op === 'not') walk((g as NotFilter).filter);
    else {
      const path = (g as AttrExp | ValuePath).attrPath;
      out.add((stripSchemaUrn(schema, path) ?? path).split('.')[0].toLowerCase());
    }
  };
  walk(f);
  return out;
}
