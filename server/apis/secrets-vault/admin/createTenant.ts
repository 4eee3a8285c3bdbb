/**
 * POST /api/tenants: a new tenant with its Vault login policy (platform scope `tenants:admin`, held
 * by a credential of the platform tenant: the router enforces both, from scopes.ts and index.ts). Every field but `tenant_id` defaults as in the spec;
 * the defaults are written out, so later changes of the spec's defaults leave this tenant alone.
 */
import { checkBlockConfig, settingsForCreate } from '../../../identity/vault/tenant-settings.ts';
import { identityCall } from '../../../identity/vault/identity-errors.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const createTenant: VaultHandlers<'createTenant'>['createTenant'] = async ({ body, principal, context }) => {
  checkBlockConfig(body.block_config, ['block_config']);
  const settings = settingsForCreate(body);
  await identityCall(
    () => context.services.identity.tenants.create({ id: body.tenant_id, name: body.display_name || body.tenant_id, settings: { vault: settings } }),
    ['tenant_id'],
  );
  await auditAdmin(context, principal, { tenantId: body.tenant_id, action: 'tenant.create', target: body.tenant_id });
  return { status: 201, body: null };
};
