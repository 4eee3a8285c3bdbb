/**
 * The SCIM attribute model the filter, attribute-selection and PATCH engines work from
 * (RFC 7643 §2 and §7): each attribute's type, plurality, case sensitivity, mutability and
 * `returned` rule, and the core User and Group schemas (RFC 7643 §4.1, §4.2, §8.7.1).
 *
 * Resources handed to the engines are plain JSON objects with the schema's attribute names; names
 * in filters, paths and attribute lists are matched case-insensitively (RFC 7643 §2.1), and may
 * carry the schema URN as prefix (RFC 7644 §3.10).
 */

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'binary' | 'complex';

export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  /** RFC 7643 §2.2: string comparison is case-sensitive only when true. */
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  required: boolean;
  subAttributes: AttributeDef[];
}

export interface ResourceSchema {
  /** The core schema URN, e.g. `urn:ietf:params:scim:schemas:core:2.0:User`. */
  id: string;
  resourceType: string;
  attributes: AttributeDef[];
}

type Options = Partial<Omit<AttributeDef, 'name' | 'type' | 'subAttributes'>>;

function attr(name: string, type: AttributeType, options: Options = {}, subAttributes: AttributeDef[] = []): AttributeDef {
  return {
    name,
    type,
    multiValued: options.multiValued ?? false,
    caseExact: options.caseExact ?? false,
    mutability: options.mutability ?? 'readWrite',
    returned: options.returned ?? 'default',
    required: options.required ?? false,
    subAttributes,
  };
}

const str = (name: string, options: Options = {}) => attr(name, 'string', options);

/** A multi-valued complex attribute with RFC 7643 §2.4's default sub-attributes, plus any extra. */
function plural(name: string, valueType: AttributeType = 'string', extra: AttributeDef[] = [], options: Options = {}): AttributeDef {
  return attr(name, 'complex', { ...options, multiValued: true }, [
    attr('value', valueType, { mutability: options.mutability }),
    str('display', { mutability: options.mutability }),
    str('type', { mutability: options.mutability }),
    attr('primary', 'boolean', { mutability: options.mutability }),
    ...extra,
  ]);
}

/** RFC 7643 §3.1: id, externalId and meta, common to every resource. */
const COMMON: AttributeDef[] = [
  // `schemas` is not an attribute of any schema, but filters may test it (RFC 7644 §3.4.2.2 example).
  attr('schemas', 'reference', { multiValued: true, mutability: 'readOnly', returned: 'always' }),
  str('id', { caseExact: true, mutability: 'readOnly', returned: 'always' }),
  str('externalId', { caseExact: true }),
  attr('meta', 'complex', { mutability: 'readOnly', returned: 'always' }, [
    str('resourceType', { caseExact: true, mutability: 'readOnly' }),
    attr('created', 'dateTime', { mutability: 'readOnly' }),
    attr('lastModified', 'dateTime', { mutability: 'readOnly' }),
    attr('location', 'reference', { caseExact: true, mutability: 'readOnly' }),
    str('version', { caseExact: true, mutability: 'readOnly' }),
  ]),
];

/** RFC 7643 §4.1 (attribute characteristics from §8.7.1). */
export const USER_SCHEMA: ResourceSchema = {
  id: 'urn:ietf:params:scim:schemas:core:2.0:User',
  resourceType: 'User',
  attributes: [
    ...COMMON,
    str('userName', { required: true }),
    attr('name', 'complex', {}, [
      str('formatted'),
      str('familyName'),
      str('givenName'),
      str('middleName'),
      str('honorificPrefix'),
      str('honorificSuffix'),
    ]),
    str('displayName'),
    str('nickName'),
    attr('profileUrl', 'reference'),
    str('title'),
    str('userType'),
    str('preferredLanguage'),
    str('locale'),
    str('timezone'),
    attr('active', 'boolean'),
    str('password', { mutability: 'writeOnly', returned: 'never' }),
    plural('emails'),
    plural('phoneNumbers'),
    plural('ims'),
    plural('photos', 'reference'),
    attr('addresses', 'complex', { multiValued: true }, [
      str('formatted'),
      str('streetAddress'),
      str('locality'),
      str('region'),
      str('postalCode'),
      str('country'),
      str('type'),
      attr('primary', 'boolean'),
    ]),
    plural('groups', 'string', [attr('$ref', 'reference', { mutability: 'readOnly' })], { mutability: 'readOnly' }),
    plural('entitlements'),
    plural('roles'),
    plural('x509Certificates', 'binary'),
  ],
};

/** RFC 7643 §4.2. Member `value` is the member's id: compared exactly. */
export const GROUP_SCHEMA: ResourceSchema = {
  id: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  resourceType: 'Group',
  attributes: [
    ...COMMON,
    str('displayName', { required: true }),
    attr('members', 'complex', { multiValued: true }, [
      str('value', { caseExact: true, mutability: 'immutable' }),
      str('display', { mutability: 'immutable' }),
      attr('$ref', 'reference', { mutability: 'immutable' }),
      str('type', { mutability: 'immutable' }),
    ]),
  ],
};

export function findAttribute(list: readonly AttributeDef[], name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return list.find((a) => a.name.toLowerCase() === lower);
}

/**
 * Strips the resource's own schema URN from a path (`urn:...:User:name.givenName` → `name.givenName`).
 * Returns null for a path under another schema's URN (an extension this resource does not have).
 */
export function stripSchemaUrn(schema: ResourceSchema, path: string): string | null {
  if (!/^urn:/i.test(path)) return path;
  const prefix = `${schema.id}:`;
  if (path.toLowerCase().startsWith(prefix.toLowerCase())) return path.slice(prefix.length);
  return null;
}

export interface ResolvedPath {
  attribute: AttributeDef;
  sub?: AttributeDef;
}

/**
 * `attr` or `attr.sub` (RFC 7644 §3.10 attribute notation), case-insensitively, within
 * `scope` (a schema's attributes, or a complex attribute's sub-attributes inside a value filter).
 * Returns null when the path names nothing there.
 */
export function resolveAttributePath(scope: readonly AttributeDef[], path: string): ResolvedPath | null {
  const [name, subName, ...rest] = path.split('.');
  if (rest.length > 0 || !name) return null;
  const attribute = findAttribute(scope, name);
  if (!attribute) return null;
  if (subName === undefined) return { attribute };
  if (attribute.type !== 'complex') return null;
  const sub = findAttribute(attribute.subAttributes, subName);
  return sub ? { attribute, sub } : null;
}

/** A property of a JSON object, found case-insensitively (clients write `username`, `Emails` ...). */
export function propertyKey(object: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
