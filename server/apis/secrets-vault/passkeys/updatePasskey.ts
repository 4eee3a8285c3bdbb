/** PUT /api/passkeys/{key_id}: renames one of the caller's own passkeys; anyone else's is 404. */
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import { renameVaultPasskey } from '../../../identity/vault/passkeys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const updatePasskey: VaultHandlers<'updatePasskey'>['updatePasskey'] = async ({ principal, params, body, context }) => {
  await renameVaultPasskey(context.services, context, { tenantId: principal.tenantId, userId: requireUserId(principal), id: params.key_id, name: body.name });
  return { status: 200, body: null };
};
