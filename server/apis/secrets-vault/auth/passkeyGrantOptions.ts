/** POST /api/auth/passkey/options: registration options for the user of an enrolment link or of a fresh login (identity/vault/link-flows.ts). */
import { passkeyGrantOptions as options } from '../../../identity/vault/link-flows.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const passkeyGrantOptions: VaultHandlers<'passkeyGrantOptions'>['passkeyGrantOptions'] = async ({ body, context }) => {
  const result = await options(context.services, { tenantId: body.tenant_id, enrolmentToken: body.enrolment_token, loginNonce: body.login_nonce });
  return { status: 200, body: result };
};
