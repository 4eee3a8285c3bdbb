/** GET /api/tenants/{tenant_id}: one tenant's Vault settings (the router keeps callers to their own tenant). */
import { notFound } from '../../../http/errors.ts';
import { toVaultTenant } from '../../../identity/vault/tenant-settings.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const readTenant: VaultHandlers<'readTenant'>['readTenant'] = async ({ params, context }) => {
  const tenant = await context.services.identity.tenants.get(params.tenant_id);
  if (tenant === null) throw notFound(`Tenant ${params.tenant_id} not found`);
  return { status: 200, body: toVaultTenant(tenant) };
};
