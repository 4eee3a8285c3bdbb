/**
 * What every SCIM handler of the Passkeys API shares: the calling application's SCIM endpoint. An
 * application is a tenant, named by the API key that authenticated the request (the router has
 * checked its `profile:read` / `profile:write` scope), so no route can reach another
 * application's users or groups. Resources live at `{PUBLIC_URL}/fido2/v2/scim/Users/{id}`.
 */
import { serverUrl } from '../../../../generated/passkeys/operations.ts';
import type { components } from '../../../../generated/passkeys/schema.ts';
import type { ScimEndpoint } from '../../../identity/scim/endpoint.ts';
import { passkeysUserMapping } from '../../../identity/scim/passkeys/user-resource.ts';
import type { ScimUsers } from '../../../identity/scim/users.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

export type ScimUser = components['schemas']['ScimUser'];
export type ScimGroup = components['schemas']['ScimGroup'];
export type ScimUserList = components['schemas']['ScimUserListResponse'];
export type ScimGroupList = components['schemas']['ScimGroupListResponse'];

export function scimBaseUrl(context: ApiContext): string {
  return `${context.services.config.publicUrl.replace(/\/+$/, '')}${serverUrl}/scim`;
}

export function appEndpoint(context: ApiContext, principal: ApiPrincipal): ScimEndpoint {
  return { store: context.services.store, tenantId: principal.tenantId, baseUrl: scimBaseUrl(context) };
}

export function appUsers(context: ApiContext, principal: ApiPrincipal): ScimUsers {
  const { identity } = context.services;
  return { ...appEndpoint(context, principal), users: identity.users, apiKeys: identity.apiKeys, mapping: passkeysUserMapping };
}
