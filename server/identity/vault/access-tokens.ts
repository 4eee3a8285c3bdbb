/**
 * Vault access tokens (VAULT.md conventions; RFC 9068 JWT profile): always EdDSA, since the
 * gateway verifies them itself on every request; `typ` `at+jwt`; `iss` the tenant's issuer;
 * `aud` the Vault API and the client; claims `sub` (user, or the client for client_credentials),
 * `tid`, `scope`, `client_id`, `sid` (absent for client_credentials) and `jti`.
 */
import type { GatewayServices } from '../../services.ts';
import { audiences } from '../../issuers.ts';
import type { IssuedToken } from '../tokens.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 900;

export function issueAccessToken(
  services: Pick<GatewayServices, 'identity' | 'config'>,
  input: { issuer: string; tenantId: string; clientId: string; subject: string; scope: string[]; sessionId: string | null },
): Promise<IssuedToken> {
  return services.identity.tokens.issue({
    issuer: input.issuer,
    audience: [audiences.vaultApi(services.config.publicUrl), input.clientId],
    subject: input.subject,
    alg: 'EdDSA',
    typ: 'at+jwt',
    ttlSeconds: ACCESS_TOKEN_TTL_SECONDS,
    claims: {
      tid: input.tenantId,
      scope: input.scope.join(' '),
      client_id: input.clientId,
      ...(input.sessionId !== null ? { sid: input.sessionId } : {}),
    },
  });
}
