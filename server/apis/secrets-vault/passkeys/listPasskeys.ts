/** GET /api/passkeys: the caller's own passkeys (never their keys or credential ids). */
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import { listVaultPasskeys } from '../../../identity/vault/passkeys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const listPasskeys: VaultHandlers<'listPasskeys'>['listPasskeys'] = async ({ principal, context }) => {
  const passkeys = await listVaultPasskeys(context.services, { tenantId: principal.tenantId, userId: requireUserId(principal) });
  return { status: 200, body: { passkeys } };
};
