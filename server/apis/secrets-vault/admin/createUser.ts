/**
 * POST /api/users/{tenant_id}: a new user of the tenant (the path's tenant wins over the body's;
 * the server assigns `user_id`: vault-user-view.ts). A taken username (compared
 * case-insensitively) is 409. A user with an e-mail address is sent an enrolment link through the
 * outbox (identity/vault/account-links.ts), to set an image and PIN or a passkey.
 */
import { notFound } from '../../../http/errors.ts';
import { identityCall } from '../../../identity/vault/identity-errors.ts';
import { checkVaultUsername, toVaultUser, userInputFromVault } from '../../../identity/vault/vault-user-view.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';
import { sendInvitation } from '../../../identity/vault/account-links.ts';

export const createUser: VaultHandlers<'createUser'>['createUser'] = async ({ params, body, principal, context }) => {
  checkVaultUsername(body.username);
  const { identity } = context.services;
  const tenant = await identity.tenants.get(params.tenant_id);
  if (tenant === null) throw notFound(`Tenant ${params.tenant_id} not found`);
  const user = await identityCall(() => identity.users.create(params.tenant_id, userInputFromVault(body)), ['username']);
  await auditAdmin(context, principal, { tenantId: params.tenant_id, action: 'user.create', target: user._id });
  await sendInvitation(context.services, tenant, user);
  return { status: 201, body: toVaultUser(user) };
};
