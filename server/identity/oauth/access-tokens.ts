/**
 * Access tokens (RFC 9068, JWT profile for OAuth 2.0 access tokens), for every API's token
 * profile (grant.ts `TokenProfile`): EdDSA, since the gateway verifies them itself on every
 * request, unless the profile names its algorithm (an issuer whose JWKS has ES256 keys only); `typ` `at+jwt`; `iss` the profile's issuer; `aud` the profile's API and the
 * client; claims `sub` (user, or the client for client_credentials), `tid`, `scope`, `client_id`,
 * `sid` (absent for client_credentials) and `jti`.
 */
import type { IssuedToken } from '../tokens.ts';
import type { GrantServices, TokenProfile } from './grant.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 900;

export function issueAccessToken(
  services: Pick<GrantServices, 'identity'>,
  profile: Pick<TokenProfile, 'issuer' | 'audience' | 'accessTokenTtlSeconds' | 'signingAlg'>,
  input: { tenantId: string; clientId: string; subject: string; scope: string[]; sessionId: string | null },
): Promise<IssuedToken> {
  return services.identity.tokens.issue({
    issuer: profile.issuer,
    audience: [profile.audience, input.clientId],
    subject: input.subject,
    alg: profile.signingAlg ?? 'EdDSA',
    typ: 'at+jwt',
    ttlSeconds: profile.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS,
    claims: {
      tid: input.tenantId,
      scope: input.scope.join(' '),
      client_id: input.clientId,
      ...(input.sessionId !== null ? { sid: input.sessionId } : {}),
    },
  });
}
