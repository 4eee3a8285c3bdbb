/** POST /api/auth/register/passkey: creates the user with the verified passkey and logs it in; 201 AuthResult (identity/vault/passkeys.ts). */
import { vaultRegisterWithPasskey } from '../../../identity/vault/passkeys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const registerWithPasskey: VaultHandlers<'registerWithPasskey'>['registerWithPasskey'] = async ({ query, body, context }) => {
  const result = await vaultRegisterWithPasskey(context.services, context, { authReqId: query.auth_req_id ?? null, email: body.email, name: body.name ?? null, body: body.credential });
  return { status: 201, body: result };
};
