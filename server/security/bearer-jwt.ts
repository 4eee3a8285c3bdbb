/**
 * Bearer JWTs the gateway issued itself, verified by the identity core's token service (so through
 * the crypto core): only EdDSA/ES256, a known `kid` of the expected issuer, `exp`/`nbf`/`iss`/`aud`.
 * The claims that make a principal are the same for every API: `tid` (tenant), `sub` (user),
 * `scope` (space-separated), `jti`.
 */
import type { Request } from 'express';
import { unauthorized } from '../http/errors.ts';
import type { Principal, PrincipalKind } from '../http/principal.ts';
import type { SchemeAuthenticator } from '../http/mount-api.ts';
import type { GatewayServices } from '../services.ts';
import { TokenError } from '../identity/tokens.ts';
import { authorizationValue } from './credentials.ts';
import type { UserDoc } from '../store/collections.ts';

export interface BearerJwtOptions {
  scheme: string;
  kind: PrincipalKind;
  /** where the token travels: `Authorization: Bearer` or a header of its own (x-infinite-bearer) */
  header?: string;
  /** the issuer to verify against; may depend on the token's unverified `iss` (per-tenant issuers) */
  issuer: (services: GatewayServices, claimedIssuer: string | undefined) => string | null;
  audience: (services: GatewayServices) => string | string[];
  typ?: string;
  /**
   * A token bound to a login session (`sid`) dies with the session (logout, refresh-token reuse,
   * password reset), not only at its `exp`: false refuses it. An API that reads the session's user
   * with it answers `{ user }`: the principal carries that record (when it is the token's `sub`),
   * so handlers need not read it again.
   */
  sessionActive?: (services: GatewayServices, tenantId: string, sid: string) => Promise<boolean | { user: UserDoc | null }>;
}

function readToken(req: Request, header: string | undefined): string | null {
  if (!header) return authorizationValue(req, 'Bearer');
  const value = req.get(header);
  if (value === undefined) return null;
  const token = value.replace(/^Bearer\s+/i, '').trim();
  if (!token) throw unauthorized('Empty bearer token');
  return token;
}

/** The `iss` a token claims, read without trusting it: only to choose which key set to verify with. */
function claimedIssuer(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const iss = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

export function bearerJwt(options: BearerJwtOptions): SchemeAuthenticator<GatewayServices> {
  return async (req, services) => {
    const token = readToken(req, options.header);
    if (token === null) return null;
    const issuer = options.issuer(services, claimedIssuer(token));
    if (!issuer) throw unauthorized('Invalid token: unexpected issuer');
    try {
      const verified = await services.identity.tokens.verify(token, {
        issuer,
        audience: options.audience(services),
        algorithms: ['EdDSA', 'ES256'],
        requireClaims: ['sub', 'tid'],
        ...(options.typ ? { typ: options.typ } : {}),
      });
      const claims = verified.payload;
      const session = options.sessionActive && typeof claims.sid === 'string' ? await options.sessionActive(services, String(claims.tid), claims.sid) : true;
      if (session === false) throw unauthorized('Invalid token: its session has ended');
      const user = typeof session === 'object' && session.user !== null && session.user._id === String(claims.sub) ? session.user : undefined;
      const principal: Principal = {
        scheme: options.scheme,
        kind: options.kind,
        tenantId: String(claims.tid),
        userId: String(claims.sub),
        subject: String(claims.sub),
        scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
        credentialId: typeof claims.jti === 'string' ? claims.jti : '',
        claims,
        ...(user ? { user } : {}),
      };
      return principal;
    } catch (e) {
      if (e instanceof TokenError) throw unauthorized(`Invalid token: ${e.reason.replace(/_/g, ' ')}`);
      throw e;
    }
  };
}
