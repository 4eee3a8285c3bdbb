/** GET /api/auth/client-tenant: public views of a client and of its tenant's login policy. */
import { toPublicClient, toPublicTenant } from '../../../identity/vault/login-ui-views.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { clientAndTenant } from './getClient.ts';

export const getClientTenant: VaultHandlers<'getClientTenant'>['getClientTenant'] = async ({ query, context }) => {
  const { tenant, client } = await clientAndTenant(context.services, String(query.tenant_id), query.client_id);
  return { status: 200, body: { client: toPublicClient(client, tenant), tenant: toPublicTenant(tenant) } };
};
