/** POST /api/auth/passkey/register: saves a passkey for the user of an enrolment link (spending it) or of a fresh login (identity/vault/link-flows.ts). */
import { passkeyGrantRegister as register } from '../../../identity/vault/link-flows.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const passkeyGrantRegister: VaultHandlers<'passkeyGrantRegister'>['passkeyGrantRegister'] = async ({ body, context }) => {
  await register(context.services, context, { tenantId: body.tenant_id, enrolmentToken: body.enrolment_token, loginNonce: body.login_nonce, name: body.name, credential: body.credential });
  return { status: 200, body: null };
};
