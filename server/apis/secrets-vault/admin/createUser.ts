/**
 * POST /api/users/{tenant_id}: a new user of the tenant (the path's tenant wins over the body's;
 * the server assigns `user_id`: vault-user-view.ts). A taken username (compared
 * case-insensitively) is 409.
 */
import { notFound } from '../../../http/errors.ts';
import { identityCall } from '../../../identity/vault/identity-errors.ts';
import { checkVaultUsername, toVaultUser, userInputFromVault } from '../../../identity/vault/vault-user-view.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const createUser: VaultHandlers<'createUser'>['createUser'] = async ({ params, body, principal, context }) => {
  checkVaultUsername(body.username);
  const { identity } = context.services;
  if ((await identity.tenants.get(params.tenant_id)) === null) throw notFound(`Tenant ${params.tenant_id} not found`);
  const user = await identityCall(() => identity.users.create(params.tenant_id, userInputFromVault(body)), ['username']);
  await auditAdmin(context, principal, { tenantId: params.tenant_id, action: 'user.create', target: user._id });
  return { status: 201, body: toVaultUser(user) };
};
