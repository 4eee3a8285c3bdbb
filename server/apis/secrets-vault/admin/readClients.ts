/**
 * GET /api/clients?tenant_id=: the tenant's clients, paged by `skip` and `limit` (at most 500).
 * The tenant comes from the query, so the tenant rule is applied here (admin-access.ts). No
 * answer carries a secret or its hash.
 */
import { validationError } from '../../../http/errors.ts';
import { tenantToAdminister } from '../../../identity/vault/admin-access.ts';
import { toVaultClient } from '../../../identity/vault/client-registry.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const MAX_CLIENT_PAGE = 500;

export const readClients: VaultHandlers<'readClients'>['readClients'] = async ({ query, principal, context }) => {
  const skip = query.skip ?? 0;
  const limit = query.limit ?? 100;
  if (skip < 0) throw validationError([{ location: 'query', path: ['skip'], message: 'must be at least 0', type: 'greater_than_equal' }]);
  if (limit < 1 || limit > MAX_CLIENT_PAGE) {
    throw validationError([{ location: 'query', path: ['limit'], message: `must be between 1 and ${MAX_CLIENT_PAGE}`, type: 'value_error' }]);
  }
  const tenant = await tenantToAdminister(context.services, principal, query.tenant_id);
  const clients = await context.services.identity.clients.list(tenant._id, { skip, limit });
  return { status: 200, body: { clients: clients.map((c) => toVaultClient(c)) } };
};
