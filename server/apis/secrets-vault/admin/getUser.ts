/** GET /api/users/{tenant_id}/{user_id}: the tenant's user; another tenant's id is simply not found. */
import { notFound } from '../../../http/errors.ts';
import { toVaultUser } from '../../../identity/vault/vault-user-view.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const getUser: VaultHandlers<'getUser'>['getUser'] = async ({ params, context }) => {
  const user = await context.services.identity.users.get(params.tenant_id, params.user_id);
  if (user === null) throw notFound('User not found');
  return { status: 200, body: toVaultUser(user) };
};
