/** POST /api/auth/password/reset-request: e-mails a one-time reset code when username and e-mail match; always `null`. */
import { requestPasswordReset } from '../../../identity/vault/enrolment.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const requestResetPassword: VaultHandlers<'requestResetPassword'>['requestResetPassword'] = async ({ query, body, context }) => {
  await requestPasswordReset(context.services, context, { tenantId: query.tenant_id, clientId: query.client_id, username: body.username, email: body.email });
  return { status: 200, body: null };
};
