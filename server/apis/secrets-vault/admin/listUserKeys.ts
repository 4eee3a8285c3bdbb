/**
 * GET /api/keys/tenant?tenant_id=: every key of the tenant (`keys:read`), with the owners'
 * usernames. The tenant is a query parameter, so the tenant rule is applied here (admin-access.ts).
 */
import { tenantToAdminister } from '../../../identity/vault/admin-access.ts';
import { toApiKeyInfo } from '../../../identity/vault/api-key-admin.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const listUserKeys: VaultHandlers<'listUserKeys'>['listUserKeys'] = async ({ query, principal, context }) => {
  const tenant = await tenantToAdminister(context.services, principal, query.tenant_id);
  const { identity } = context.services;
  const keys = await identity.apiKeys.list(tenant._id, { includeRevoked: true });
  const ownerIds = [...new Set(keys.map((k) => k.ownerId).filter((id): id is string => id !== null))];
  const owners = ownerIds.length === 0 ? [] : await context.services.store.users.find({ tenantId: tenant._id, _id: { $in: ownerIds } }).project<{ _id: string; username: string }>({ username: 1 }).toArray();
  const names = new Map(owners.map((u) => [u._id, u.username]));
  const now = new Date();
  return { status: 200, body: { api_keys: keys.map((k) => toApiKeyInfo(k, k.ownerId ? (names.get(k.ownerId) ?? '') : '', now)) } };
};
