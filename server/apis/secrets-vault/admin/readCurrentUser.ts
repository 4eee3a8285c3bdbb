/**
 * GET /api/me: the user behind the credential (an API key's owner or an access token's `sub`), in
 * the credential's tenant. A tenant-level key, or a client_credentials token, has no user: 404
 * with a detail that says so.
 */
import { notFound } from '../../../http/errors.ts';
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import { toVaultUser } from '../../../identity/vault/vault-user-view.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const readCurrentUser: VaultHandlers<'readCurrentUser'>['readCurrentUser'] = async ({ principal, context }) => {
  const userId = requireUserId(principal);
  // an API key's owner was read with the key, in the same tenant
  const user = principal.user?._id === userId && principal.user.tenantId === principal.tenantId ? principal.user : await context.services.identity.users.get(principal.tenantId, userId);
  if (user === null) throw notFound('The user of this credential does not exist (any more)');
  return { status: 200, body: toVaultUser(user) };
};
