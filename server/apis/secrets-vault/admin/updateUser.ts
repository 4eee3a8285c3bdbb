/**
 * PUT /api/users/{tenant_id}/{user_id}: replaces the user's profile fields (vault-user-view.ts);
 * ids come from the path, `created_at` is kept, `updated_at` is the server's. A username taken by
 * another user of the tenant is 409.
 */
import { notFound } from '../../../http/errors.ts';
import { identityCall } from '../../../identity/vault/identity-errors.ts';
import { checkVaultUsername, toVaultUser, userPatchFromVault } from '../../../identity/vault/vault-user-view.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const updateUser: VaultHandlers<'updateUser'>['updateUser'] = async ({ params, body, principal, context }) => {
  const users = context.services.identity.users;
  const current = await users.get(params.tenant_id, params.user_id);
  if (current === null) throw notFound('User not found');
  // A username given by another API (SCIM) may stay as it is; a new one follows the Vault's rule.
  if (body.username !== current.username) checkVaultUsername(body.username);
  const updated = await identityCall(() => users.update(params.tenant_id, params.user_id, userPatchFromVault(body)), ['username']);
  if (updated === null) throw notFound('User not found');
  await auditAdmin(context, principal, { tenantId: params.tenant_id, action: 'user.update', target: params.user_id });
  return { status: 200, body: toVaultUser(updated) };
};
