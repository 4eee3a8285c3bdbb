/**
 * POST /api/clients: registers a client in the body's `tenant_id` (the caller's own tenant, or any
 * with `tenants:admin`). A confidential client's secret is in this answer only; the record keeps
 * its hash (client-registry.ts has the rules). Its `allowed_scopes` are scopes the caller grants:
 * client-scopes.ts says which it may. A client with RS256 ID tokens has its issuer's RS256 key
 * published before this answers (issuer-keys.ts).
 */
import { tenantToAdminister } from '../../../identity/vault/admin-access.ts';
import { allowedScopesOf, checkClientBody, clientInputFromVault, toVaultClient } from '../../../identity/vault/client-registry.ts';
import { checkClientScopes } from '../../../identity/vault/client-scopes.ts';
import { identityCall } from '../../../identity/vault/identity-errors.ts';
import { publishIssuerKey } from '../../../identity/vault/issuer-keys.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const createClient: VaultHandlers<'createClient'>['createClient'] = async ({ body, principal, context }) => {
  const tenant = await tenantToAdminister(context.services, principal, body.tenant_id);
  checkClientBody(body, { checkClientId: true });
  checkClientScopes(principal, tenant._id, allowedScopesOf(body));
  const { client, secret } = await identityCall(() => context.services.identity.clients.create(tenant._id, clientInputFromVault(body)), ['client_id']);
  if (client.signingAlg !== 'EdDSA') await publishIssuerKey(context.services.identity.signingKeys, context.services.config.publicUrl, tenant._id, client.signingAlg);
  await auditAdmin(context, principal, { tenantId: tenant._id, action: 'client.create', target: client.clientId, details: { type: client.type } });
  return { status: 200, body: toVaultClient(client, secret) };
};
