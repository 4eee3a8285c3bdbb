/** DELETE /api/passkeys/{key_id}: deletes one of the caller's own passkeys; anyone else's is 404. */
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import { deleteVaultPasskey } from '../../../identity/vault/passkeys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const deletePasskey: VaultHandlers<'deletePasskey'>['deletePasskey'] = async ({ principal, params, context }) => {
  await deleteVaultPasskey(context.services, context, { tenantId: principal.tenantId, userId: requireUserId(principal), id: params.key_id });
  return { status: 200, body: null };
};
