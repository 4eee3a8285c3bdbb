/**
 * GET /.well-known/jwks.json: the ES256 keys of this API's issuer, from the core's rotating key set
 * (identity/signing-keys.ts: active and retired-but-published keys), with seed 003's members.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { components } from '../../../../generated/passkeys/schema.ts';
import { issuers } from '../../../issuers.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;
type Jwk = components['schemas']['Jwk'];

export const wellKnownJwks: H['wellKnownJwks'] = async ({ context }) => {
  const { signingKeys } = context.services.identity;
  const issuer = issuers.passkeys(context.services.config.publicUrl);
  // The first token of a fresh gateway has not made the key yet: make it, so the set is never empty.
  await signingKeys.activeKey(issuer, 'ES256');
  const { keys } = await signingKeys.jwks(issuer);
  const es256 = keys.filter((k) => k.alg === 'ES256' && k.kty === 'EC');
  return {
    status: 200,
    headers: { 'Cache-Control': 'public, max-age=300' },
    body: { keys: es256.map((k) => ({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', key_ops: ['verify'], kid: String(k.kid), x: String(k.x), y: String(k.y) }) as Jwk) },
  };
};
