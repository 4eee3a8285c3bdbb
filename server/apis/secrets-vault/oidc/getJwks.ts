/**
 * GET /api/oidc/{tenant_id}/.well-known/jwks: the tenant issuer's published keys (RFC 7517 §5),
 * from the signing keys' cached set. The EdDSA key is created here if it does not exist yet; an
 * RS256 key is created when a client asks for it (identity/vault/issuer-keys.ts).
 */
import { notFound } from '../../../http/errors.ts';
import { issuers } from '../../../issuers.ts';
import { publishIssuerKey } from '../../../identity/vault/issuer-keys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const getJwks: VaultHandlers<'getJwks'>['getJwks'] = async ({ params, context }) => {
  const { services } = context;
  const tenant = await services.identity.tenants.get(params.tenant_id);
  if (tenant === null) throw notFound('Tenant not found');
  await publishIssuerKey(services.identity.signingKeys, services.config.publicUrl, tenant._id, 'EdDSA');
  const jwks = await services.identity.signingKeys.jwks(issuers.vault(services.config.publicUrl, tenant._id));
  return { status: 200, body: jwks as never, headers: { 'Cache-Control': 'public, max-age=300' } };
};
