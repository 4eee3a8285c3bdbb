/** POST /api/auth/register/passkey/options: registration options for a new user, created only when the passkey verifies (identity/vault/passkeys.ts). */
import { vaultNewUserRegistrationOptions } from '../../../identity/vault/passkeys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const registerPasskeyOptions: VaultHandlers<'registerPasskeyOptions'>['registerPasskeyOptions'] = async ({ query, body, context }) => {
  const options = await vaultNewUserRegistrationOptions(context.services, context, { authReqId: query.auth_req_id ?? null, username: body.username });
  return { status: 200, body: options };
};
