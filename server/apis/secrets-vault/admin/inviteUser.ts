/**
 * POST /api/users/{tenant_id}/{user_id}/invitation: e-mails the user a new enrolment link through
 * the outbox (identity/vault/account-links.ts); earlier links stop working. 422 when the user has
 * no e-mail address.
 */
import { notFound, validationError } from '../../../http/errors.ts';
import { sendInvitation } from '../../../identity/vault/account-links.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const inviteUser: VaultHandlers<'inviteUser'>['inviteUser'] = async ({ params, principal, context }) => {
  const { identity } = context.services;
  const tenant = await identity.tenants.get(params.tenant_id);
  const user = tenant === null ? null : await identity.users.get(tenant._id, params.user_id);
  if (tenant === null || user === null) throw notFound('User not found');
  const sent = await sendInvitation(context.services, tenant, user);
  if (sent === null) throw validationError([{ location: 'path', path: ['user_id'], message: 'the user has no e-mail address to send the link to', type: 'value_error' }]);
  await auditAdmin(context, principal, { tenantId: tenant._id, action: 'user.invite', target: user._id });
  return { status: 200, body: { user_id: user._id, email: sent.email, expires_at: sent.expiresAt.toISOString() } };
};
