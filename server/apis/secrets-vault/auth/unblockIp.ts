/** DELETE /api/tenants/{tenant_id}/blocked-ips/{ip}: lifts an address's block in the tenant (identity/lockout/unblock.ts). */
import { unblockIp as liftIpBlock } from '../../../identity/lockout/unblock.ts';
import { auditAdmin } from '../admin/audit.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const unblockIp: VaultHandlers<'unblockIp'>['unblockIp'] = async ({ params, principal, context }) => {
  await liftIpBlock(context.services.store, params.tenant_id, params.ip);
  await auditAdmin(context, principal, { tenantId: params.tenant_id, action: 'lockout.ip_unblocked', target: params.ip });
  return { status: 204 };
};
