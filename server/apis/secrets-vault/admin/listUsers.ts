/**
 * GET /api/users/{tenant_id}: the tenant's users, `username` / `email` as case-insensitive literal
 * substrings (regex metacharacters escaped), sorted by `sort_by` / `sort_direction`, paged by
 * `offset` / `limit` (1..500, the spec's bounds, checked by the validator). `has_next` is whether
 * users remain after this page; an offset past the end gives an empty page.
 */
import { toVaultUser, userListFilter, userListSort } from '../../../identity/vault/vault-user-view.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const listUsers: VaultHandlers<'listUsers'>['listUsers'] = async ({ params, query, context }) => {
  const offset = query.offset ?? 0;
  const limit = query.limit ?? 10;
  const { items, total } = await context.services.identity.users.list(params.tenant_id, {
    filter: userListFilter(query),
    sort: userListSort(query.sort_by, query.sort_direction),
    skip: offset,
    limit,
  });
  return { status: 200, body: { data: items.map(toVaultUser), has_next: offset + items.length < total, total_count: total } };
};
