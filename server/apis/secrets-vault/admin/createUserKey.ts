/**
 * POST /api/keys: a new API key in the body's `tenant_id` (own tenant, or any with `tenants:admin`),
 * owned by the calling user when the credential has one in that tenant (which needs `account`;
 * a tenant-level key needs `keys:write`), with scopes never beyond the caller's
 * (api-key-admin.ts). The value is in this answer only.
 */
import { tenantToAdminister } from '../../../identity/vault/admin-access.ts';
import { ownerForNewKey, scopesForNewKey, toApiKeyCreated } from '../../../identity/vault/api-key-admin.ts';
import { identityCall } from '../../../identity/vault/identity-errors.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const MAX_KEY_NAME = 128;

export const createUserKey: VaultHandlers<'createUserKey'>['createUserKey'] = async ({ body, principal, context }) => {
  const tenant = await tenantToAdminister(context.services, principal, body.tenant_id);
  const ownerId = ownerForNewKey(principal, tenant._id);
  const scopes = scopesForNewKey(principal, tenant._id, body.scopes);
  const { identity } = context.services;
  const { key, value } = await identityCall(() => identity.apiKeys.create({ tenantId: tenant._id, ownerId, name: body.name.slice(0, MAX_KEY_NAME), scopes }));
  await auditAdmin(context, principal, { tenantId: tenant._id, action: 'api_key.create', target: key._id, details: { scopes, ownerId } });
  return { status: 201, body: toApiKeyCreated(key, value, new Date()) };
};
