/**
 * PUT /api/users/{tenant_id}/{user_id}/email: the user's new address, confirmed by a fresh zkimg-1
 * proof of that user (email-change.ts has the proof and address rules). Allowed to the user itself
 * through a credential with `account` (the address receives reset codes, so a relying party's
 * token may not move it: account-scope.ts) and to credentials with `users:write` in the tenant,
 * who still need the user's proof. scopes.ts requires no scope, as either path may apply.
 */
import { forbidden, notFound } from '../../../http/errors.ts';
import { hasScope } from '../../../http/principal.ts';
import { mayManageOwnAccount } from '../../../identity/vault/account-scope.ts';
import { userIdOf } from '../../../identity/vault/admin-access.ts';
import { changeEmail, normaliseEmail, verifyEmailChangeProof } from '../../../identity/vault/email-change.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const updateEmail: VaultHandlers<'updateEmail'>['updateEmail'] = async ({ params, body, principal, context }) => {
  const self = userIdOf(principal) === params.user_id && principal.tenantId === params.tenant_id && mayManageOwnAccount(principal);
  if (!self && !hasScope(principal, 'users:write')) throw forbidden('Only the user (with the account scope), or a credential with users:write, may change this address');
  const email = normaliseEmail(body.email);
  const { identity } = context.services;
  const [tenant, user] = await Promise.all([identity.tenants.get(params.tenant_id), identity.users.get(params.tenant_id, params.user_id)]);
  if (tenant === null || user === null) throw notFound('User not found');
  await verifyEmailChangeProof(context.services, {
    tenant,
    user,
    challengeId: body.challenge_id,
    challengeData: body.challenge_data,
    ip: context.ip,
    requestId: context.requestId,
  });
  await changeEmail(context.services, tenant, user, email);
  await auditAdmin(context, principal, { tenantId: tenant._id, action: 'user.email_change', target: user._id, details: { self } });
  return { status: 200, body: null };
};
