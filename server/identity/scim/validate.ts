/**
 * Values checked against the attribute model (RFC 7643 §2.3 data types, §2.4 multi-valued rules):
 * what a POST or PUT body holds and what a PATCH leaves behind. A wrong type is a 400
 * `invalidValue`. Attributes the schema does not know are left to the resource mapper, which
 * drops them (extension attributes are accepted and ignored).
 */
import { invalidValue } from './errors.ts';
import { findAttribute, isPlainObject, type AttributeDef, type ResourceSchema } from './schema.ts';

function checkScalar(def: AttributeDef, value: unknown, path: string): void {
  const ok = (() => {
    switch (def.type) {
      case 'string':
      case 'reference':
      case 'binary':
        return typeof value === 'string';
      case 'dateTime':
        return typeof value === 'string' && !Number.isNaN(Date.parse(value));
      case 'boolean':
        return typeof value === 'boolean';
      case 'integer':
        return Number.isInteger(value);
      case 'decimal':
        return typeof value === 'number' && Number.isFinite(value);
      case 'complex':
        return isPlainObject(value);
    }
  })();
  if (!ok) throw invalidValue(`${path} must be ${def.type === 'complex' ? 'an object' : `a ${def.type}`}`);
}

/** One value of `def` (an element, when `def` is multi-valued and `element` is set). Null is "unassigned". */
export function checkValue(def: AttributeDef, value: unknown, path: string, element = false): void {
  if (value === null || value === undefined) return;
  if (def.multiValued && !element) {
    if (!Array.isArray(value)) throw invalidValue(`${path} must be an array`);
    value.forEach((item, i) => checkValue(def, item, `${path}[${i}]`, true));
    if (def.type === 'complex' && value.filter((v) => isPlainObject(v) && v.primary === true).length > 1) {
      // RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than once."
      throw invalidValue(`${path}: at most one value may be primary`);
    }
    return;
  }
  checkScalar(def, value, path);
  if (def.type === 'complex' && isPlainObject(value)) {
    for (const [key, sub] of Object.entries(value)) {
      const subDef = findAttribute(def.subAttributes, key);
      if (subDef) checkValue(subDef, sub, `${path}.${subDef.name}`);
    }
  }
}

/** Every known attribute's value, and the schema's required attributes (RFC 7643 §2.2 `required`). */
export function checkResource(resource: Record<string, unknown>, schema: ResourceSchema): void {
  for (const [key, value] of Object.entries(resource)) {
    const def = findAttribute(schema.attributes, key);
    if (def && def.mutability !== 'readOnly') checkValue(def, value, def.name);
  }
  for (const def of schema.attributes) {
    if (!def.required) continue;
    const key = Object.keys(resource).find((k) => k.toLowerCase() === def.name.toLowerCase());
    const value = key === undefined ? undefined : resource[key];
    if (value === undefined || value === null || value === '') throw invalidValue(`${def.name} is required`);
  }
}

/**
 * A POST or PUT body as the resource the client may write: readOnly attributes (id, meta, groups)
 * are ignored as RFC 7644 §3.3 and §3.5.1 say, attributes outside the schema (extensions) are
 * dropped, names take the schema's spelling, and the values are checked.
 */
export function writableResource(body: unknown, schema: ResourceSchema): Record<string, unknown> {
  if (!isPlainObject(body)) throw invalidValue(`the body must be a ${schema.resourceType} object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const def = findAttribute(schema.attributes, key);
    if (!def || def.mutability === 'readOnly' || value === null || value === undefined) continue;
    out[def.name] = value;
  }
  checkResource(out, schema);
  return out;
}
