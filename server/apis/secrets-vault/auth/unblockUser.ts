/** DELETE /api/tenants/{tenant_id}/blocked-users/{user_id}: lifts a user's block in the tenant (identity/lockout/unblock.ts). */
import { unblockUser as liftUserBlock } from '../../../identity/lockout/unblock.ts';
import { auditAdmin } from '../admin/audit.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const unblockUser: VaultHandlers<'unblockUser'>['unblockUser'] = async ({ params, principal, context }) => {
  await liftUserBlock(context.services.store, params.tenant_id, params.user_id);
  await auditAdmin(context, principal, { tenantId: params.tenant_id, action: 'lockout.user_unblocked', target: params.user_id });
  return { status: 204 };
};
