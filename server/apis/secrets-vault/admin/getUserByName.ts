/** GET /api/users/{tenant_id}/by-username/{username}: exact username, compared case-insensitively (users.ts). */
import { notFound } from '../../../http/errors.ts';
import { toVaultUser } from '../../../identity/vault/vault-user-view.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const getUserByName: VaultHandlers<'getUserByName'>['getUserByName'] = async ({ params, context }) => {
  const user = await context.services.identity.users.getByUsername(params.tenant_id, params.username);
  if (user === null) throw notFound('User not found');
  return { status: 200, body: toVaultUser(user) };
};
