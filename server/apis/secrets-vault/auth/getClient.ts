/** GET /api/auth/client: a client's public view for the login page (identity/vault/login-ui-views.ts). */
import { notFound } from '../../../http/errors.ts';
import { toPublicClient } from '../../../identity/vault/login-ui-views.ts';
import type { VaultHandlers } from '../handler-types.ts';
import type { GatewayServices } from '../../../services.ts';

/** The tenant and its client, or one 404 for either (the login page only needs to know it failed). */
export async function clientAndTenant(services: GatewayServices, tenantId: string, clientId: string) {
  const tenant = await services.identity.tenants.get(tenantId);
  const client = tenant === null ? null : await services.identity.clients.get(tenant._id, clientId);
  if (tenant === null || client === null) throw notFound(`Client ${clientId} not found in tenant ${tenantId}`);
  return { tenant, client };
}

export const getClient: VaultHandlers<'getClient'>['getClient'] = async ({ query, context }) => {
  const { tenant, client } = await clientAndTenant(context.services, String(query.tenant_id), query.client_id);
  return { status: 200, body: toPublicClient(client, tenant) };
};
