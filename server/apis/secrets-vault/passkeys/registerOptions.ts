/** POST /api/passkeys/register/options: WebAuthn creation options for the bearer's user (identity/vault/passkeys.ts). */
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import { vaultRegistrationOptions } from '../../../identity/vault/passkeys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const registerOptions: VaultHandlers<'registerOptions'>['registerOptions'] = async ({ principal, context }) => {
  const options = await vaultRegistrationOptions(context.services, { tenantId: principal.tenantId, userId: requireUserId(principal) });
  return { status: 200, body: options };
};
