/** GET /api/tenants/{tenant_id}/blocked-ips: the tenant's current IP blocks (identity/lockout/attempts.ts). */
import { listBlocks } from '../../../identity/lockout/attempts.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const blockedIps: VaultHandlers<'blockedIps'>['blockedIps'] = async ({ params, query, context }) => {
  const page = await listBlocks(context.services.store, params.tenant_id, 'ip', {
    page: query.page ?? 0,
    pageSize: query.page_size ?? 100,
    sortDirection: query.sort_direction ?? -1,
  });
  return {
    status: 200,
    body: {
      data: page.items.map((d) => ({
        ip: d.subject,
        tenant_id: d.tenantId,
        blocked_at: (d.blockedAt ?? d.updatedAt).toISOString(),
        block_time_seconds: d.blockSeconds,
      })),
      has_next: page.hasNext,
      total_count: page.total,
    },
  };
};
