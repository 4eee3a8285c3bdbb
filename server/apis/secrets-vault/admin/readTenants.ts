/**
 * GET /api/tenants: the tenants the caller may administer. A platform admin (`tenants:admin`)
 * sees every tenant; any other credential with `tenants:read` sees only its own tenant, so one
 * tenant's key cannot enumerate the others.
 */
import { isPlatformAdmin } from '../../../identity/vault/admin-access.ts';
import { toVaultTenant } from '../../../identity/vault/tenant-settings.ts';
import type { TenantDoc } from '../../../store/collections.ts';
import type { VaultHandlers } from '../handler-types.ts';

const PAGE = 500;

export const readTenants: VaultHandlers<'readTenants'>['readTenants'] = async ({ principal, context }) => {
  const tenants = context.services.identity.tenants;
  let docs: TenantDoc[];
  if (isPlatformAdmin(principal)) {
    // The spec's list has no paging; read it page by page rather than in one unbounded query.
    docs = [];
    for (let skip = 0; ; skip += PAGE) {
      const { items } = await tenants.list({ skip, limit: PAGE });
      docs.push(...items);
      if (items.length < PAGE) break;
    }
  } else {
    const own = await tenants.get(principal.tenantId);
    docs = own ? [own] : [];
  }
  return { status: 200, body: { tenants: docs.map(toVaultTenant) } };
};
