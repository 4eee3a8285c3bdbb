/**
 * RFC 7644 §4 service provider configuration endpoints, built from the same attribute model the
 * filter, PATCH and selection engines use (schema.ts), so what is advertised is what is enforced:
 * - ServiceProviderConfig (RFC 7643 §5): PATCH and ETags supported, filters up to the page size,
 *   no bulk, sort or password change (none is implemented);
 * - Schemas (RFC 7643 §7): each resource schema limited to the attributes an API's mapping keeps;
 * - ResourceTypes (RFC 7643 §6): User at /Users and Group at /Groups.
 */
import { MAX_PAGE_SIZE } from './endpoint.ts';
import { listResponse, type ListResponse } from './list.ts';
import { GROUP_SCHEMA, USER_SCHEMA, type AttributeDef, type ResourceSchema } from './schema.ts';

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

/** RFC 7643 §3.1 common attributes: RFC 7643 §8.7.1 leaves them out of each schema's list. */
const COMMON = new Set(['schemas', 'id', 'externalId', 'meta']);

/** Attributes whose values the core keeps unique in a tenant (a second one is 409 `uniqueness`). */
const UNIQUE: Record<string, ReadonlySet<string>> = {
  [USER_SCHEMA.id]: new Set(['userName']),
  [GROUP_SCHEMA.id]: new Set(['displayName']),
};

export interface AuthenticationScheme {
  type: string;
  name: string;
  description: string;
  specUri?: string;
  documentationUri?: string;
}

export function serviceProviderConfig(authenticationSchemes: AuthenticationScheme[]) {
  return {
    schemas: [SPC_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes,
  };
}

function describe(def: AttributeDef, unique: ReadonlySet<string>): Record<string, unknown> {
  return {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    required: def.required,
    caseExact: def.caseExact,
    mutability: def.mutability,
    returned: def.returned,
    uniqueness: unique.has(def.name) ? 'server' : 'none',
    ...(def.type === 'complex' ? { subAttributes: def.subAttributes.map((d) => describe(d, new Set())) } : {}),
  };
}

/** One schema as RFC 7643 §7 represents it; `kept` names the attributes the API stores (all when absent). */
export function schemaResource(schema: ResourceSchema, kept?: readonly string[]): Record<string, unknown> {
  const keep = kept ? new Set(kept) : null;
  const unique = UNIQUE[schema.id] ?? new Set<string>();
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.resourceType,
    description: `${schema.resourceType} (RFC 7643)`,
    attributes: schema.attributes.filter((a) => !COMMON.has(a.name) && (keep === null || keep.has(a.name))).map((a) => describe(a, unique)),
  };
}

export function schemasList(userAttributes: readonly string[]): ListResponse<Record<string, unknown>> {
  const resources = [schemaResource(USER_SCHEMA, userAttributes), schemaResource(GROUP_SCHEMA)];
  return listResponse(resources.length, { startIndex: 1, count: resources.length }, resources);
}

/** RFC 7643 §6; `baseUrl` is the SCIM service's root (for `meta.location`). */
export function resourceTypesList(baseUrl: string): ListResponse<Record<string, unknown>> {
  const resources = [USER_SCHEMA, GROUP_SCHEMA].map((s) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: s.resourceType,
    name: s.resourceType,
    endpoint: `/${s.resourceType}s`,
    schema: s.id,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${s.resourceType}` },
  }));
  return listResponse(resources.length, { startIndex: 1, count: resources.length }, resources);
}
