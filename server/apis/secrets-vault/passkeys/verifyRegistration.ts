/** POST /api/passkeys/register/verify: verifies the attestation and stores the caller's new passkey (identity/vault/passkeys.ts). */
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import { vaultVerifyRegistration } from '../../../identity/vault/passkeys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const verifyRegistration: VaultHandlers<'verifyRegistration'>['verifyRegistration'] = async ({ principal, body, context }) => {
  await vaultVerifyRegistration(context.services, context, { tenantId: principal.tenantId, userId: requireUserId(principal), body });
  return { status: 200, body: null };
};
