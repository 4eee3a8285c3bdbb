/**
 * What every SCIM handler of the Vault shares: the tenant's SCIM endpoint (its base URL for
 * `meta.location` is `{PUBLIC_URL}/api/scim/v2/{tenant_id}`), the attribute selection and If-Match
 * of the request, the response media type, and the audit record of each change.
 */
import { serverUrl } from '../../../../generated/secrets-vault/operations.ts';
import type { components } from '../../../../generated/secrets-vault/schema.ts';
import { selectionFromQuery, type AttributeSelection } from '../../../identity/scim/attributes.ts';
import type { ScimEndpoint } from '../../../identity/scim/endpoint.ts';
import { ifMatchHeader } from '../../../identity/scim/etag.ts';
import { scimFailure } from '../../../identity/scim/errors.ts';
import type { ScimUsers } from '../../../identity/scim/users.ts';
import { vaultUserMapping } from '../../../identity/scim/vault/user-resource.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

export type ScimUser = components['schemas']['ScimUser'];
export type ScimGroup = components['schemas']['ScimGroup'];
export type ScimUserList = components['schemas']['ScimUserListResponse'];
export type ScimGroupList = components['schemas']['ScimGroupListResponse'];

/** RFC 7644 §3.1 / §8.1. */
export const SCIM_MEDIA_TYPE = 'application/scim+json';

/** The tenant's SCIM endpoint; a tenant that does not exist is 404 (the platform admin may name any). */
export async function scimEndpoint(context: ApiContext, tenantId: string): Promise<ScimEndpoint> {
  const { services } = context;
  if ((await services.identity.tenants.get(tenantId)) === null) throw scimFailure(404, undefined, `Tenant ${tenantId} not found`);
  const base = `${services.config.publicUrl.replace(/\/+$/, '')}${serverUrl}/scim/v2/${encodeURIComponent(tenantId)}`;
  return { store: services.store, tenantId, baseUrl: base };
}

/** The tenant's SCIM Users, shown through the Vault's mapping (identity/scim/vault/user-resource.ts). */
export async function scimUsers(context: ApiContext, tenantId: string): Promise<ScimUsers> {
  const { identity } = context.services;
  return { ...(await scimEndpoint(context, tenantId)), users: identity.users, apiKeys: identity.apiKeys, mapping: vaultUserMapping };
}

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9). The spec declares them on the
 * single-resource GETs only; on the other operations they arrive as undeclared query parameters,
 * which the validator lets through, and are honoured the same way.
 */
export function selectionOf(query: unknown): AttributeSelection {
  return selectionFromQuery((query ?? {}) as Record<string, unknown>);
}

/** The request's If-Match (RFC 7644 §3.14); the spec does not declare the header, the validator lets it through. */
export function ifMatchOf(headers: unknown): string | undefined {
  return ifMatchHeader((headers ?? {}) as Record<string, unknown>);
}

export function auditScim(context: ApiContext, principal: ApiPrincipal, tenantId: string, action: string, target: string | null): Promise<void> {
  return context.services.identity.audit.record({
    tenantId,
    actor: principal.kind === 'api_key' ? { type: 'api_key', id: principal.credentialId } : { type: 'user', id: principal.userId ?? principal.subject },
    action,
    outcome: 'success',
    target,
    ip: context.ip,
    requestId: context.requestId,
    details: {},
  });
}
