/**
 * GET /api/oidc/{tenant_id}/.well-known/jwks: the tenant issuer's published keys (RFC 7517 §5).
 * The EdDSA key signs every access token, and an RS256 key is needed as soon as one of the
 * tenant's clients asks for RS256 ID tokens: both are created here if they do not exist yet, so
 * a relying party that fetches the set before its first token already finds the key.
 */
import { notFound } from '../../../http/errors.ts';
import { issuers } from '../../../issuers.ts';
import type { SigningAlg } from '../../../store/collections.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const getJwks: VaultHandlers<'getJwks'>['getJwks'] = async ({ params, context }) => {
  const { services } = context;
  const tenant = await services.identity.tenants.get(params.tenant_id);
  if (tenant === null) throw notFound('Tenant not found');
  const issuer = issuers.vault(services.config.publicUrl, tenant._id);
  const algs: SigningAlg[] = ['EdDSA'];
  if ((await services.store.clients.countDocuments({ tenantId: tenant._id, signingAlg: 'RS256' }, { limit: 1 })) > 0) algs.push('RS256');
  for (const alg of algs) {
    const active = await services.identity.signingKeys.activeKey(issuer, alg);
    // findKey reloads the cached set on a miss, so a key created just now is published at once.
    await services.identity.signingKeys.findKey(issuer, active.kid);
  }
  const jwks = await services.identity.signingKeys.jwks(issuer);
  return { status: 200, body: jwks as never, headers: { 'Cache-Control': 'public, max-age=300' } };
};
