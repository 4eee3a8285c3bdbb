/** POST /api/passkeys/auth/verify: verifies a passkey assertion and continues the login like Authenticate (identity/vault/passkeys.ts). */
import { vaultVerifyAuth } from '../../../identity/vault/passkeys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const verifyAuth: VaultHandlers<'verifyAuth'>['verifyAuth'] = async ({ query, body, context }) => {
  const result = await vaultVerifyAuth(context.services, context, { authReqId: query.auth_req_id ?? null, body });
  return { status: 200, body: result };
};
