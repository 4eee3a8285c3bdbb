/**
 * RFC 7644 §3.5.2 PATCH applied to a SCIM resource (a plain JSON object), returning the new
 * resource; the caller maps it back to its store and saves it under a version guard.
 *
 * - `op` is matched case-insensitively (§3.5.2: "add", "remove", "replace"; Entra ID sends
 *   "Add"); `Operations` and `operations` are both read.
 * - `path` (§3.5.2, §3.10): `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub`, optionally
 *   prefixed by the schema URN; a path under another schema's URN (an extension we do not keep)
 *   is accepted and ignored. Without a path, `value` is an object of paths to values.
 * - add (§3.5.2.1): appends to multi-valued attributes (an equal `value` is updated, not
 *   duplicated), merges complex ones, sets simple ones. With a value filter that matches nothing
 *   and pins sub-attributes by `eq`, a value is created from them.
 * - remove (§3.5.2.2): needs a path (else `noTarget`); removes matched values, a sub-attribute,
 *   or the attribute. A `value` list on a multi-valued path removes those values (Entra ID's form).
 * - replace (§3.5.2.3): replaces the attribute, merging sub-attributes of a complex one; a value
 *   filter that matches nothing is `noTarget`.
 * - readOnly attributes (id, meta, groups) are `mutability`; so is changing an immutable value.
 *   A readOnly attribute echoed unchanged in a path-less value is ignored.
 * - after the operations, values are checked against the schema (`invalidValue`), including the
 *   required attributes and "at most one primary" (RFC 7643 §2.4).
 *
 * Cost: a request is bounded before anything is read or applied
 * (MAX_PATCH_OPERATIONS, MAX_PATCH_VALUES_PER_OPERATION, MAX_PATCH_VALUES_PER_REQUEST, refused as
 * 400 `tooMany`), and applying it is linear: incoming values are matched through an index keyed
 * by their comparison key (value-index.ts), never by a scan per incoming value; the index is
 * kept across consecutive adds and `attr[value eq "x"]` removes, so 100 one-member operations
 * walk a 10,000-member list once; a new primary demotes the others once per operation.
 */
import { isDeepStrictEqual } from 'node:util';
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget, tooMany } from './errors.ts';
import { matchesFilter, parseValueFilter, pinnedValues, type Filter } from './filter.ts';
import { isPlainObject, propertyKey, resolveAttributePath, stripSchemaUrn, type AttributeDef, type ResourceSchema } from './schema.ts';
import { checkResource, checkValue } from './validate.ts';
import { canonicalJson, identityKey, valueCaseExact, ValueIndex } from './value-index.ts';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/*
 * Request limits, checked on the PatchOp body before the resource is even read. RFC 7644 leaves
 * limits to the service provider; over one is 400 `tooMany` (RFC 7644 §3.12: "more results than
 * the server is willing to calculate or process"): the values are each valid (`invalidValue` would
 * say they are not), there are only too many of them for one request.
 * - operations: each operation with a value filter or on a multi-valued attribute walks the
 *   attribute's values (a group's members, up to MAX_MEMBERS_PER_REQUEST), so the number of
 *   operations multiplies that walk. 100 covers provisioning clients (one operation per change
 *   kind, or one per member removed by `members[value eq "..."]`); a PATCH is an edit, not a
 *   bulk import (RFC 7644 §3.7 Bulk is that, and is not offered).
 * - values of one operation: the largest group (MAX_MEMBERS_PER_REQUEST, 10,000) can be filled or
 *   emptied in one operation.
 * - values of the request: room to remove every member and add as many in one request.
 * A value is one element of a multi-valued attribute, or one simple value; a path-less operation
 * counts the values of each attribute it names.
 */
export const MAX_PATCH_OPERATIONS = 100;
export const MAX_PATCH_VALUES_PER_OPERATION = 10_000;
export const MAX_PATCH_VALUES_PER_REQUEST = 20_000;

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

/** The operations of a PatchOp body (RFC 7644 §3.5.2), or 400 `invalidSyntax` (or `tooMany`, over the limits above). */
export function readPatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw invalidSyntax('the body must be a PatchOp object');
  const schemasKey = propertyKey(body, 'schemas');
  const schemas = schemasKey === undefined ? undefined : body[schemasKey];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw invalidSyntax(`schemas must contain ${PATCH_OP_SCHEMA}`);
  }
  const opsKey = propertyKey(body, 'Operations');
  const ops = opsKey === undefined ? undefined : body[opsKey];
  if (!Array.isArray(ops) || ops.length === 0) throw invalidSyntax('Operations must be a non-empty array');
  if (ops.length > MAX_PATCH_OPERATIONS) throw tooMany(`at most ${MAX_PATCH_OPERATIONS} operations per request; this one has ${ops.length}`);
  let total = 0;
  return ops.map((raw, i): PatchOperation => {
    if (!isPlainObject(raw)) throw invalidSyntax(`Operations[${i}] must be an object`);
    const get = (name: string) => {
      const key = propertyKey(raw, name);
      return key === undefined ? undefined : raw[key];
    };
    const op = get('op');
    const name = typeof op === 'string' ? op.toLowerCase() : '';
    if (name !== 'add' && name !== 'remove' && name !== 'replace') throw invalidSyntax(`Operations[${i}].op must be add, remove or replace`);
    const path = get('path');
    if (path !== undefined && path !== null && typeof path !== 'string') throw invalidPath(`Operations[${i}].path must be a string`);
    const value = get('value');
    const count = countValues(value, typeof path !== 'string');
    if (count > MAX_PATCH_VALUES_PER_OPERATION) throw tooMany(`Operations[${i}] has ${count} values; at most ${MAX_PATCH_VALUES_PER_OPERATION} per operation`);
    total += count;
    if (total > MAX_PATCH_VALUES_PER_REQUEST) throw tooMany(`at most ${MAX_PATCH_VALUES_PER_REQUEST} values per request`);
    return { op: name, ...(typeof path === 'string' ? { path } : {}), ...(value !== undefined ? { value } : {}) };
  });
}

/**
 * The values an operation's `value` carries: an array's elements, one for anything else. Without
 * a path the value is an object of attributes (RFC 7644 §3.5.2), possibly nested once under a
 * schema URN: each attribute's values are counted. Only the top of the body is visited.
 */
function countValues(value: unknown, pathless: boolean): number {
  if (value === undefined || value === null) return 0;
  if (Array.isArray(value)) return value.length;
  if (!pathless || !isPlainObject(value)) return 1;
  let n = 0;
  for (const v of Object.values(value)) {
    // a complex attribute's object counts once; a schema URN's object, by its attributes' values
    n += isPlainObject(v) ? Math.max(1, Object.values(v).reduce<number>((sum, w) => sum + countValues(w, false), 0)) : countValues(v, false);
  }
  return n;
}

interface Target {
  attribute: AttributeDef;
  sub?: AttributeDef;
  filter?: Filter;
  /** the path as written, for messages */
  text: string;
}

/** Index of the `]` closing the value filter that opens at `open`, skipping quoted strings. */
function closingBracket(path: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < path.length; i++) {
    const c = path[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ']') {
      return i;
    }
  }
  return -1;
}

/** Parses a PATCH path; null for a path under another schema's URN (ignored). */
export function parsePatchPath(text: string, schema: ResourceSchema): Target | null {
  const trimmed = text.trim();
  if (!trimmed) throw invalidPath('path is empty');
  const local = stripSchemaUrn(schema, trimmed);
  if (local === null) return null;
  const open = local.indexOf('[');
  let name: string;
  let filterText: string | undefined;
  let subName: string | undefined;
  if (open >= 0) {
    const close = closingBracket(local, open);
    if (close < 0) throw invalidPath(`unclosed value filter in ${text}`);
    name = local.slice(0, open);
    filterText = local.slice(open + 1, close);
    const after = local.slice(close + 1);
    if (after !== '') {
      if (!/^\.[^.[\]]+$/.test(after)) throw invalidPath(`unexpected ${after} after the value filter in ${text}`);
      subName = after.slice(1);
    }
  } else {
    const parts = local.split('.');
    if (parts.length > 2) throw invalidPath(`${text} is nested too deep`);
    [name, subName] = parts;
  }
  const resolved = resolveAttributePath(schema.attributes, subName === undefined ? name : `${name}.${subName}`);
  if (!resolved) throw invalidPath(`unknown attribute ${text}`);
  const target: Target = { ...resolved, text: trimmed };
  if (filterText !== undefined) {
    if (resolved.attribute.type !== 'complex' || !resolved.attribute.multiValued) throw invalidPath(`${name} is not a multi-valued complex attribute`);
    target.filter = parseValueFilter(filterText, resolved.attribute, schema, invalidPath);
  }
  return target;
}

// ---------------------------------------------------------------- resource access by canonical name

function read(resource: Record<string, unknown>, name: string): unknown {
  const key = propertyKey(resource, name);
  return key === undefined ? undefined : resource[key];
}

function write(resource: Record<string, unknown>, name: string, value: unknown): void {
  for (const key of Object.keys(resource)) if (key !== name && key.toLowerCase() === name.toLowerCase()) delete resource[key];
  if (value === undefined) delete resource[name];
  else resource[name] = value;
}

function elementsOf(resource: Record<string, unknown>, def: AttributeDef): Record<string, unknown>[] {
  const value = read(resource, def.name);
  return Array.isArray(value) ? (value.filter(isPlainObject) as Record<string, unknown>[]) : [];
}

/**
 * Value indexes of one PATCH, by attribute name. An operation that keeps an index in step with
 * its list returns true; any other clears them all (it may have changed a list, or values in it,
 * behind their back). So N operations that each add or remove a few members cost the list once,
 * not N times.
 */
type Indexes = Map<string, ValueIndex>;

/** The attribute's index: the one already built while the attribute still holds its array, else a new one (the list written back, so that it does). */
function indexFor(indexes: Indexes, resource: Record<string, unknown>, def: AttributeDef): ValueIndex {
  const cached = indexes.get(def.name);
  if (cached && read(resource, def.name) === cached.list) return cached;
  const list = elementsOf(resource, def);
  write(resource, def.name, list);
  const index = new ValueIndex(list, valueCaseExact(def));
  indexes.set(def.name, index);
  return index;
}

/**
 * The comparison key a value filter names when it is exactly `value eq "..."` on a string
 * `value` (`members[value eq "2819c223"]`): its matches are then the values with that key
 * (filter.ts compares such strings as identityKey does), found without evaluating the filter
 * on every value.
 */
function valueEqualityKey(target: Target): string | null {
  const f = target.filter;
  if (!f || target.sub || f.op !== 'eq' || typeof f.compValue !== 'string' || f.attrPath.toLowerCase() !== 'value') return null;
  const value = target.attribute.subAttributes.find((s) => s.name === 'value');
  if (!value || (value.type !== 'string' && value.type !== 'reference')) return null;
  return identityKey(value.caseExact, { value: f.compValue });
}

function canonicalElement(def: AttributeDef, item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const sub = def.subAttributes.find((s) => s.name.toLowerCase() === key.toLowerCase());
    out[sub?.name ?? key] = value;
  }
  return out;
}

/**
 * RFC 7643 §2.4: a new primary value demotes the others. Called once per operation with the last
 * value the operation made primary (undefined when it made none): the state is the one left had
 * each value demoted the others in turn, but an operation of N values walks the list once, not N
 * times.
 */
function demoteOtherPrimaries(list: Record<string, unknown>[], keep: Record<string, unknown> | undefined): void {
  if (keep === undefined) return;
  for (const item of list) if (item !== keep && read(item, 'primary') === true) write(item, 'primary', false);
}

// ---------------------------------------------------------------- the three operations

function assertWritable(target: Target, resource: Record<string, unknown>, op: string): void {
  const def = target.sub ?? target.attribute;
  if (target.attribute.mutability === 'readOnly' || def.mutability === 'readOnly') throw mutability(`${target.text} is read-only`);
  if (def.mutability !== 'immutable') return;
  // An immutable value may be set once (RFC 7644 §3.5.2); sub-attributes of existing values may not change.
  const present = target.sub ? elementsOf(resource, target.attribute).some((e) => read(e, def.name) !== undefined) : read(resource, def.name) !== undefined;
  if (present && (op !== 'add' || target.sub)) throw mutability(`${target.text} is immutable`);
}

function matched(resource: Record<string, unknown>, target: Target, schema: ResourceSchema): Record<string, unknown>[] {
  return elementsOf(resource, target.attribute).filter((e) => matchesFilter(target.filter as Filter, e, schema, target.attribute));
}

/** Applies an add or replace; true when it kept `indexes` in step (see Indexes). */
function addOrReplace(resource: Record<string, unknown>, target: Target, value: unknown, schema: ResourceSchema, op: 'add' | 'replace', indexes: Indexes): boolean {
  const { attribute, sub, filter } = target;
  if (value === undefined) throw invalidValue(`${op} ${target.text} needs a value`);
  if (value === null) {
    if (op === 'add') throw invalidValue(`add ${target.text} needs a value`);
    remove(resource, target, undefined, schema, indexes); // RFC 7643 §2.5: null is "unassigned"
    return false;
  }
  if (filter) {
    const hits = matched(resource, target, schema);
    if (sub) {
      checkValue(sub, value, target.text);
      if (hits.length === 0) {
        const pinned = op === 'add' ? pinnedValues(filter, attribute) : null;
        if (!pinned) throw noTarget(`no value of ${attribute.name} matches ${target.text}`);
        const created = { ...pinned, [sub.name]: value };
        const list = elementsOf(resource, attribute);
        list.push(created);
        demoteOtherPrimaries(list, read(created, 'primary') === true ? created : undefined);
        write(resource, attribute.name, list);
        return false;
      }
      for (const hit of hits) write(hit, sub.name, value);
      return false;
    }
    if (hits.length === 0) throw noTarget(`no value of ${attribute.name} matches ${target.text}`);
    if (!isPlainObject(value)) throw invalidValue(`${target.text} needs an object value`);
    checkValue(attribute, value, target.text, true);
    const hit = new Set(hits);
    const list = elementsOf(resource, attribute).map((e) => {
      if (!hit.has(e)) return e;
      return op === 'add' ? { ...e, ...canonicalElement(attribute, value) } : canonicalElement(attribute, value);
    });
    write(resource, attribute.name, list);
    return false;
  }
  if (sub) {
    checkValue(sub, value, target.text);
    if (attribute.multiValued) {
      const list = elementsOf(resource, attribute);
      if (list.length === 0) throw noTarget(`${attribute.name} has no values`);
      for (const item of list) write(item, sub.name, value);
      return false;
    }
    const current = read(resource, attribute.name);
    const object = isPlainObject(current) ? current : {};
    write(object, sub.name, value);
    write(resource, attribute.name, object);
    return false;
  }
  if (attribute.multiValued) {
    const incoming = (Array.isArray(value) ? value : [value]).map((v, i) => {
      checkValue(attribute, v, `${target.text}[${i}]`, true);
      return isPlainObject(v) ? canonicalElement(attribute, v) : v;
    });
    if (op === 'replace') {
      write(resource, attribute.name, incoming.length > 0 ? incoming : undefined);
      return false;
    }
    if (attribute.type !== 'complex') {
      const current = read(resource, attribute.name);
      const list = Array.isArray(current) ? [...current] : [];
      const present = new Set(list.map(canonicalJson));
      for (const v of incoming) {
        const key = canonicalJson(v);
        if (present.has(key)) continue;
        present.add(key);
        list.push(v);
      }
      write(resource, attribute.name, list);
      return false;
    }
    // §3.5.2.1: an incoming value equal to a present one (or to an earlier incoming one) updates it.
    const index = indexFor(indexes, resource, attribute);
    let primary: Record<string, unknown> | undefined;
    for (const v of incoming as Record<string, unknown>[]) {
      const existing = index.get(identityKey(index.caseExact, v))[0];
      if (existing) Object.assign(existing, v); // same key: its `value` compares equal, the index holds
      else index.append(v);
      if (read(existing ?? v, 'primary') === true) primary = existing ?? v;
    }
    demoteOtherPrimaries(index.list, primary);
    return true;
  }
  checkValue(attribute, value, target.text);
  if (attribute.type === 'complex') {
    // RFC 7644 §3.5.2.1 and §3.5.2.3: sub-attributes not given are left unchanged.
    const current = read(resource, attribute.name);
    write(resource, attribute.name, { ...(isPlainObject(current) ? current : {}), ...canonicalElement(attribute, value as Record<string, unknown>) });
    return false;
  }
  write(resource, attribute.name, value);
  return false;
}

/** Applies a remove; true when it kept `indexes` in step (see Indexes). */
function remove(resource: Record<string, unknown>, target: Target, value: unknown, schema: ResourceSchema, indexes: Indexes): boolean {
  const { attribute, sub, filter } = target;
  if (attribute.required && !sub && !filter) throw invalidValue(`${attribute.name} is required and cannot be removed`);
  const key = valueEqualityKey(target);
  if (key !== null) {
    indexFor(indexes, resource, attribute).removeKey(key);
    return true;
  }
  if (filter) {
    const hits = matched(resource, target, schema);
    const list = elementsOf(resource, attribute);
    if (sub) for (const hit of hits) write(hit, sub.name, undefined);
    const hit = new Set(hits);
    write(resource, attribute.name, sub ? list : list.filter((e) => !hit.has(e)));
    return false;
  }
  if (sub) {
    if (attribute.multiValued) {
      for (const item of elementsOf(resource, attribute)) write(item, sub.name, undefined);
    } else {
      const current = read(resource, attribute.name);
      if (isPlainObject(current)) write(current, sub.name, undefined);
    }
    return false;
  }
  if (attribute.multiValued && value !== undefined && value !== null) {
    const doomed = (Array.isArray(value) ? value : [value]).filter(isPlainObject);
    if (doomed.length === 0) throw invalidValue(`remove ${target.text}: value must list the values to remove`);
    const exact = valueCaseExact(attribute);
    const keys = new Set(doomed.map((d) => identityKey(exact, d)));
    write(resource, attribute.name, elementsOf(resource, attribute).filter((e) => !keys.has(identityKey(exact, e))));
    return false;
  }
  write(resource, attribute.name, undefined);
  return false;
}

/** Empty complex values and empty lists are "unassigned" (RFC 7643 §2.5): drop them. */
function prune(resource: Record<string, unknown>, schema: ResourceSchema): void {
  for (const def of schema.attributes) {
    const value = read(resource, def.name);
    if (value === undefined) continue;
    if (value === null) write(resource, def.name, undefined);
    else if (Array.isArray(value)) {
      const kept = value.filter((v) => v !== null && !(isPlainObject(v) && Object.keys(v).length === 0));
      write(resource, def.name, kept.length > 0 ? kept : undefined);
    } else if (isPlainObject(value) && def.type === 'complex' && Object.values(value).every((v) => v === undefined || v === null)) {
      write(resource, def.name, undefined);
    }
  }
}

/** Applies one operation; true when it kept `indexes` in step (see Indexes). */
function applyOne(resource: Record<string, unknown>, operation: PatchOperation, schema: ResourceSchema, indexes: Indexes): boolean {
  const { op, path, value } = operation;
  if (path === undefined) {
    if (op === 'remove') throw noTarget('remove needs a path'); // RFC 7644 §3.5.2.2
    if (!isPlainObject(value)) throw invalidValue(`${op} without a path needs an object of attributes`);
    for (const [key, v] of Object.entries(value)) {
      if (key.toLowerCase() === 'schemas') continue;
      if (key.toLowerCase() === schema.id.toLowerCase()) {
        applyOne(resource, { op, value: v }, schema, indexes);
        continue;
      }
      const target = parsePatchPath(key, schema);
      if (!target) continue;
      const def = target.sub ?? target.attribute;
      if ((target.attribute.mutability === 'readOnly' || def.mutability === 'readOnly') && isDeepStrictEqual(read(resource, target.attribute.name), v)) continue;
      assertWritable(target, resource, op);
      addOrReplace(resource, target, v, schema, op, indexes);
    }
    return false;
  }
  const target = parsePatchPath(path, schema);
  if (!target) return true;
  assertWritable(target, resource, op);
  if (op === 'remove') return remove(resource, target, value, schema, indexes);
  return addOrReplace(resource, target, value, schema, op, indexes);
}

/** The resource after the operations, all or nothing: the input is not modified. */
export function applyPatch(resource: Record<string, unknown>, operations: readonly PatchOperation[], schema: ResourceSchema): Record<string, unknown> {
  const next = structuredClone(resource);
  const indexes: Indexes = new Map();
  for (const operation of operations) if (!applyOne(next, operation, schema, indexes)) indexes.clear();
  prune(next, schema);
  checkResource(next, schema);
  return next;
}
