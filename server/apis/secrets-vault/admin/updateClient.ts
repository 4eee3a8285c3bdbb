/**
 * PUT /api/clients/{client_id}: replaces a client's settings. The path carries no tenant, so the
 * client is looked up only in the body's `tenant_id` after the tenant rule (admin-access.ts): a
 * key of another tenant that guesses a client id gets 403 (its own tenant named) or 404 (not
 * found there), never the other tenant's client. The secret cannot be read back; a non-null
 * `client_secret` replaces it (client-registry.ts). The whole `allowed_scopes` list is checked
 * against the caller again (client-scopes.ts), as updating a client can take it over. A switch to
 * RS256 ID tokens publishes the issuer's RS256 key before this answers (issuer-keys.ts).
 */
import { notFound } from '../../../http/errors.ts';
import { tenantToAdminister } from '../../../identity/vault/admin-access.ts';
import { allowedScopesOf, checkClientBody, clientPatchFromVault } from '../../../identity/vault/client-registry.ts';
import { checkClientScopes } from '../../../identity/vault/client-scopes.ts';
import { publishIssuerKey } from '../../../identity/vault/issuer-keys.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const updateClient: VaultHandlers<'updateClient'>['updateClient'] = async ({ params, body, principal, context }) => {
  const tenant = await tenantToAdminister(context.services, principal, body.tenant_id);
  checkClientBody(body, { checkClientId: false });
  checkClientScopes(principal, tenant._id, allowedScopesOf(body));
  const clients = context.services.identity.clients;
  const current = await clients.get(tenant._id, params.client_id);
  if (current === null) throw notFound(`Client ${params.client_id} not found`);
  const patch = clientPatchFromVault(current, body);
  const updated = await clients.update(tenant._id, params.client_id, patch);
  if (updated === null) throw notFound(`Client ${params.client_id} not found`);
  if (updated.signingAlg !== 'EdDSA') await publishIssuerKey(context.services.identity.signingKeys, context.services.config.publicUrl, tenant._id, updated.signingAlg);
  await auditAdmin(context, principal, {
    tenantId: tenant._id,
    action: 'client.update',
    target: params.client_id,
    details: { type: updated.type, secretChanged: patch.secret !== undefined },
  });
  return { status: 200, body: null };
};
