/** GET /api/tenants/{tenant_id}/blocked-users: the tenant's currently blocked accounts (identity/lockout/attempts.ts). */
import { listBlocks } from '../../../identity/lockout/attempts.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const blockUsers: VaultHandlers<'blockUsers'>['blockUsers'] = async ({ params, query, context }) => {
  const page = await listBlocks(context.services.store, params.tenant_id, 'user', {
    page: query.page ?? 0,
    pageSize: query.page_size ?? 100,
    sortDirection: query.sort_direction ?? -1,
  });
  const ids = page.items.map((d) => d.userId).filter((id): id is string => typeof id === 'string');
  const users = await context.services.store.users.find({ tenantId: params.tenant_id, _id: { $in: ids } }).toArray();
  const byId = new Map(users.map((u) => [u._id, u]));
  return {
    status: 200,
    body: {
      data: page.items.map((d) => {
        const user = byId.get(d.userId as string);
        return {
          user_id: d.userId as string,
          username: user?.username ?? d.subject,
          ...(user?.email ? { email: user.email } : {}),
          tenant_id: d.tenantId,
          blocked_at: (d.blockedAt ?? d.updatedAt).toISOString(),
          block_time_seconds: d.blockSeconds,
        };
      }),
      has_next: page.hasNext,
      total_count: page.total,
    },
  };
};
