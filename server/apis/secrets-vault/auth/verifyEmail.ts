/** POST /api/auth/email/verify: confirms the address a verification link was sent to (identity/vault/link-flows.ts). */
import { verifyEmailWithLink } from '../../../identity/vault/link-flows.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const verifyEmail: VaultHandlers<'verifyEmail'>['verifyEmail'] = async ({ body, context }) => {
  await verifyEmailWithLink(context.services, context, { tenantId: body.tenant_id, token: body.token });
  return { status: 200, body: null };
};
