/**
 * PUT /api/tenants/{tenant_id}: replaces the tenant's Vault settings (tenant-settings.ts says which
 * fields are kept). `display_name` also renames the tenant record.
 */
import { notFound } from '../../../http/errors.ts';
import { checkBlockConfig, settingsForUpdate } from '../../../identity/vault/tenant-settings.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const updateTenant: VaultHandlers<'updateTenant'>['updateTenant'] = async ({ params, body, principal, context }) => {
  checkBlockConfig(body.block_config, ['block_config']);
  const tenants = context.services.identity.tenants;
  const current = await tenants.get(params.tenant_id);
  if (current === null) throw notFound(`Tenant ${params.tenant_id} not found`);
  const settings = settingsForUpdate(current, body);
  const updated = await tenants.update(params.tenant_id, { name: body.display_name || current._id, settings: { vault: settings } });
  if (updated === null) throw notFound(`Tenant ${params.tenant_id} not found`);
  await auditAdmin(context, principal, { tenantId: params.tenant_id, action: 'tenant.update', target: params.tenant_id });
  return { status: 200, body: null };
};
