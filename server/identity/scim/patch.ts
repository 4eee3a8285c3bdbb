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
 */
import { isDeepStrictEqual } from 'node:util';
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget } from './errors.ts';
import { matchesFilter, parseValueFilter, pinnedValues, type Filter } from './filter.ts';
import { isPlainObject, propertyKey, resolveAttributePath, stripSchemaUrn, type AttributeDef, type ResourceSchema } from './schema.ts';
import { checkResource, checkValue } from './validate.ts';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** More operations than this in one request is refused: a PATCH is an edit, not a bulk import. */
export const MAX_PATCH_OPERATIONS = 1000;

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

/** The operations of a PatchOp body (RFC 7644 §3.5.2), or 400 `invalidSyntax`. */
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
  if (ops.length > MAX_PATCH_OPERATIONS) throw invalidSyntax(`at most ${MAX_PATCH_OPERATIONS} operations per request`);
  return ops.map((raw, i) => {
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
    return { op: name, ...(typeof path === 'string' ? { path } : {}), ...(get('value') !== undefined ? { value: get('value') } : {}) };
  });
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

/** Two values of a multi-valued attribute are "the same value" when their `value`s are equal. */
function sameValue(def: AttributeDef, a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const va = read(a, 'value');
  const vb = read(b, 'value');
  if (va === undefined || vb === undefined) return isDeepStrictEqual(a, b);
  const exact = def.subAttributes.find((s) => s.name === 'value')?.caseExact ?? false;
  if (typeof va === 'string' && typeof vb === 'string' && !exact) return va.toLowerCase() === vb.toLowerCase();
  return isDeepStrictEqual(va, vb);
}

function canonicalElement(def: AttributeDef, item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const sub = def.subAttributes.find((s) => s.name.toLowerCase() === key.toLowerCase());
    out[sub?.name ?? key] = value;
  }
  return out;
}

/** RFC 7643 §2.4: a new primary value demotes the others. */
function demoteOtherPrimaries(list: Record<string, unknown>[], keep: Record<string, unknown>): void {
  if (read(keep, 'primary') !== true) return;
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

function addOrReplace(resource: Record<string, unknown>, target: Target, value: unknown, schema: ResourceSchema, op: 'add' | 'replace'): void {
  const { attribute, sub, filter } = target;
  if (value === undefined) throw invalidValue(`${op} ${target.text} needs a value`);
  if (value === null) {
    if (op === 'add') throw invalidValue(`add ${target.text} needs a value`);
    remove(resource, target, undefined, schema); // RFC 7643 §2.5: null is "unassigned"
    return;
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
        demoteOtherPrimaries(list, created);
        write(resource, attribute.name, list);
        return;
      }
      for (const hit of hits) write(hit, sub.name, value);
      return;
    }
    if (hits.length === 0) throw noTarget(`no value of ${attribute.name} matches ${target.text}`);
    if (!isPlainObject(value)) throw invalidValue(`${target.text} needs an object value`);
    checkValue(attribute, value, target.text, true);
    const list = elementsOf(resource, attribute).map((e) => {
      if (!hits.includes(e)) return e;
      return op === 'add' ? { ...e, ...canonicalElement(attribute, value) } : canonicalElement(attribute, value);
    });
    write(resource, attribute.name, list);
    return;
  }
  if (sub) {
    checkValue(sub, value, target.text);
    if (attribute.multiValued) {
      const list = elementsOf(resource, attribute);
      if (list.length === 0) throw noTarget(`${attribute.name} has no values`);
      for (const item of list) write(item, sub.name, value);
      return;
    }
    const current = read(resource, attribute.name);
    const object = isPlainObject(current) ? current : {};
    write(object, sub.name, value);
    write(resource, attribute.name, object);
    return;
  }
  if (attribute.multiValued) {
    const incoming = (Array.isArray(value) ? value : [value]).map((v, i) => {
      checkValue(attribute, v, `${target.text}[${i}]`, true);
      return isPlainObject(v) ? canonicalElement(attribute, v) : v;
    });
    if (op === 'replace') {
      write(resource, attribute.name, incoming.length > 0 ? incoming : undefined);
      return;
    }
    if (attribute.type !== 'complex') {
      const current = read(resource, attribute.name);
      const list = Array.isArray(current) ? [...current] : [];
      for (const v of incoming) if (!list.some((x) => isDeepStrictEqual(x, v))) list.push(v);
      write(resource, attribute.name, list);
      return;
    }
    const list = elementsOf(resource, attribute);
    for (const v of incoming as Record<string, unknown>[]) {
      const existing = list.find((e) => sameValue(attribute, e, v));
      if (existing) Object.assign(existing, v);
      else list.push(v);
      demoteOtherPrimaries(list, existing ?? v);
    }
    write(resource, attribute.name, list);
    return;
  }
  checkValue(attribute, value, target.text);
  if (attribute.type === 'complex') {
    // RFC 7644 §3.5.2.1 and §3.5.2.3: sub-attributes not given are left unchanged.
    const current = read(resource, attribute.name);
    write(resource, attribute.name, { ...(isPlainObject(current) ? current : {}), ...canonicalElement(attribute, value as Record<string, unknown>) });
    return;
  }
  write(resource, attribute.name, value);
}

function remove(resource: Record<string, unknown>, target: Target, value: unknown, schema: ResourceSchema): void {
  const { attribute, sub, filter } = target;
  if (attribute.required && !sub && !filter) throw invalidValue(`${attribute.name} is required and cannot be removed`);
  if (filter) {
    const hits = matched(resource, target, schema);
    const list = elementsOf(resource, attribute);
    if (sub) for (const hit of hits) write(hit, sub.name, undefined);
    write(resource, attribute.name, sub ? list : list.filter((e) => !hits.includes(e)));
    return;
  }
  if (sub) {
    if (attribute.multiValued) {
      for (const item of elementsOf(resource, attribute)) write(item, sub.name, undefined);
    } else {
      const current = read(resource, attribute.name);
      if (isPlainObject(current)) write(current, sub.name, undefined);
    }
    return;
  }
  if (attribute.multiValued && value !== undefined && value !== null) {
    const doomed = (Array.isArray(value) ? value : [value]).filter(isPlainObject);
    if (doomed.length === 0) throw invalidValue(`remove ${target.text}: value must list the values to remove`);
    write(resource, attribute.name, elementsOf(resource, attribute).filter((e) => !doomed.some((d) => sameValue(attribute, e, d))));
    return;
  }
  write(resource, attribute.name, undefined);
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

function applyOne(resource: Record<string, unknown>, operation: PatchOperation, schema: ResourceSchema): void {
  const { op, path, value } = operation;
  if (path === undefined) {
    if (op === 'remove') throw noTarget('remove needs a path'); // RFC 7644 §3.5.2.2
    if (!isPlainObject(value)) throw invalidValue(`${op} without a path needs an object of attributes`);
    for (const [key, v] of Object.entries(value)) {
      if (key.toLowerCase() === 'schemas') continue;
      if (key.toLowerCase() === schema.id.toLowerCase()) {
        applyOne(resource, { op, value: v }, schema);
        continue;
      }
      const target = parsePatchPath(key, schema);
      if (!target) continue;
      const def = target.sub ?? target.attribute;
      if ((target.attribute.mutability === 'readOnly' || def.mutability === 'readOnly') && isDeepStrictEqual(read(resource, target.attribute.name), v)) continue;
      assertWritable(target, resource, op);
      addOrReplace(resource, target, v, schema, op);
    }
    return;
  }
  const target = parsePatchPath(path, schema);
  if (!target) return;
  assertWritable(target, resource, op);
  if (op === 'remove') remove(resource, target, value, schema);
  else addOrReplace(resource, target, value, schema, op);
}

/** The resource after the operations, all or nothing: the input is not modified. */
export function applyPatch(resource: Record<string, unknown>, operations: readonly PatchOperation[], schema: ResourceSchema): Record<string, unknown> {
  const next = structuredClone(resource);
  for (const operation of operations) applyOne(next, operation, schema);
  prune(next, schema);
  checkResource(next, schema);
  return next;
}
