/**
 * What every SCIM handler of the Vault shares: the tenant's SCIM endpoint (its base URL for
 * `meta.location` is `{PUBLIC_URL}/api/scim/v2/{tenant_id}`) and its Users through the Vault's
 * mapping; the request helpers every API's SCIM shares are in server/apis/scim-http.ts.
 */
import { serverUrl } from '../../../../generated/secrets-vault/operations.ts';
import type { components } from '../../../../generated/secrets-vault/schema.ts';
import type { ScimEndpoint } from '../../../identity/scim/endpoint.ts';
import { scimFailure } from '../../../identity/scim/errors.ts';
import type { ScimUsers } from '../../../identity/scim/users.ts';
import { vaultUserMapping } from '../../../identity/scim/user-resource.ts';
import type { ApiContext } from '../../types.ts';

export type ScimUser = components['schemas']['ScimUser'];
export type ScimGroup = components['schemas']['ScimGroup'];
export type ScimUserList = components['schemas']['ScimUserListResponse'];
export type ScimGroupList = components['schemas']['ScimGroupListResponse'];

export { SCIM_MEDIA_TYPE, auditScim, ifMatchOf, listQueryOf, selectionOf } from '../../scim-http.ts';

/** The tenant's SCIM endpoint; a tenant that does not exist is 404 (the platform admin may name any). */
export async function scimEndpoint(context: ApiContext, tenantId: string): Promise<ScimEndpoint> {
  const { services } = context;
  if ((await services.identity.tenants.get(tenantId)) === null) throw scimFailure(404, undefined, `Tenant ${tenantId} not found`);
  const base = `${services.config.publicUrl.replace(/\/+$/, '')}${serverUrl}/scim/v2/${encodeURIComponent(tenantId)}`;
  return { store: services.store, tenantId, baseUrl: base };
}

/** The tenant's SCIM Users, shown through the Vault's mapping (identity/scim/user-resource.ts). */
export async function scimUsers(context: ApiContext, tenantId: string): Promise<ScimUsers> {
  const { identity } = context.services;
  return { ...(await scimEndpoint(context, tenantId)), users: identity.users, apiKeys: identity.apiKeys, mapping: vaultUserMapping };
}
