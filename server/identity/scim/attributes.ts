/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) applied to a resource with the
 * `returned` rules of RFC 7643 §7:
 * - `always` attributes (id, schemas, meta, and any the API adds) are returned whatever is asked;
 * - `never` attributes (password) are never returned;
 * - `default` attributes are returned unless excluded, or unless `attributes` lists others;
 * - `request` attributes only when `attributes` names them.
 * Names are case-insensitive and may carry the schema URN; `name.givenName` selects one
 * sub-attribute. Names that match no attribute select nothing (RFC 7644 does not make them errors).
 * When both lists are given, `attributes` wins: the two are alternatives (RFC 7644 §3.4.2.5).
 */
import { findAttribute, isPlainObject, propertyKey, stripSchemaUrn, type AttributeDef, type ResourceSchema } from './schema.ts';

export interface AttributeSelection {
  attributes?: string[];
  excludedAttributes?: string[];
}

/** `"userName, emails"` → `['userName', 'emails']`; empty or absent → undefined. */
export function parseAttributeList(text: string | null | undefined): string[] | undefined {
  if (text === null || text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return names.length > 0 ? names : undefined;
}

/** The selection from an operation's query (`attributes`, `excludedAttributes`). */
export function selectionFromQuery(query: Record<string, unknown>): AttributeSelection {
  const read = (name: string) => {
    const value = query[name];
    return typeof value === 'string' ? parseAttributeList(value) : undefined;
  };
  return { attributes: read('attributes'), excludedAttributes: read('excludedAttributes') };
}

/** Requested names as attribute → set of sub-attribute names (empty set: the whole attribute). */
function index(schema: ResourceSchema, names: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const raw of names) {
    const local = stripSchemaUrn(schema, raw);
    if (local === null) continue;
    const [name, sub] = local.split('.');
    const def = findAttribute(schema.attributes, name);
    if (!def) continue;
    const subs = out.get(def.name) ?? new Set<string>();
    const whole = out.has(def.name) && subs.size === 0;
    if (sub === undefined || whole) {
      subs.clear();
    } else {
      const subDef = findAttribute(def.subAttributes, sub);
      if (!subDef) continue;
      subs.add(subDef.name);
    }
    out.set(def.name, subs);
  }
  return out;
}

function pickSubs(value: unknown, def: AttributeDef, keep: (sub: AttributeDef) => boolean): unknown {
  const one = (item: unknown) => {
    if (!isPlainObject(item)) return item;
    const out: Record<string, unknown> = {};
    for (const sub of def.subAttributes) {
      const key = propertyKey(item, sub.name);
      if (key !== undefined && keep(sub)) out[sub.name] = item[key];
    }
    return out;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

/**
 * The resource as the client asked to see it. `alwaysReturned` names attributes this API returns
 * whatever is asked (its response schema requires them).
 */
export function selectAttributes(
  resource: Record<string, unknown>,
  schema: ResourceSchema,
  selection: AttributeSelection,
  alwaysReturned: readonly string[] = [],
): Record<string, unknown> {
  const requested = selection.attributes ? index(schema, selection.attributes) : null;
  const excluded = !requested && selection.excludedAttributes ? index(schema, selection.excludedAttributes) : null;
  const always = new Set(alwaysReturned.map((n) => n.toLowerCase()));
  const out: Record<string, unknown> = {};
  for (const def of schema.attributes) {
    const key = propertyKey(resource, def.name);
    if (key === undefined || def.returned === 'never') continue;
    const value = resource[key];
    if (def.returned === 'always' || always.has(def.name.toLowerCase())) {
      out[def.name] = value;
    } else if (requested) {
      const subs = requested.get(def.name);
      if (!subs) continue;
      out[def.name] = subs.size === 0 || def.type !== 'complex' ? value : pickSubs(value, def, (s) => subs.has(s.name) || s.returned === 'always');
    } else if (def.returned === 'default') {
      const subs = excluded?.get(def.name);
      if (subs && subs.size === 0) continue;
      out[def.name] = subs && def.type === 'complex' ? pickSubs(value, def, (s) => !subs.has(s.name)) : value;
    }
  }
  return out;
}
