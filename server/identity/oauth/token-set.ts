/**
 * The tokens a user grant (code exchange or refresh) answers with:
 * - the session must still be open and the user must exist and be enabled (else `invalid_grant`);
 * - the scope is the grant's, less what the client may no longer be granted (the profile's
 *   `ScopePolicy.userGrantable`): a scope removed from its `allowed_scopes` since, or one the API's
 *   rule no longer lets a client of the tenant hold (RFC 6749 §3.3 lets the server issue less than
 *   requested; the answer's `scope` says what was granted);
 * - an access token always; an ID token when `openid` was granted; a refresh token of the
 *   grant's family when the client may use the refresh_token grant;
 * - the issue is recorded on the session (time, address, user agent).
 */
import type { ClientDoc } from '../../store/collections.ts';
import { amrOfMethod } from '../amr.ts';
import { findActiveSessionWithUser, recordTokenIssue } from '../sessions.ts';
import { issueAccessToken } from './access-tokens.ts';
import { invalidGrant } from './errors.ts';
import type { GrantContext, TokenSet } from './grant.ts';
import { issueIdToken } from './id-token.ts';
import { issueRefreshToken } from './refresh-tokens.ts';

export interface UserGrant {
  userId: string;
  sessionId: string;
  scope: string[];
  authTime: Date;
  nonce: string | null;
  familyId: string;
}

export async function issueTokenSet(ctx: GrantContext, client: ClientDoc, grant: UserGrant): Promise<TokenSet> {
  const { services, tenantId, profile } = ctx;
  const { issuer } = profile;
  // The session and its user in one command; the grant's user is the session's.
  const found = await findActiveSessionWithUser(services.store, tenantId, grant.sessionId);
  if (found === null) throw invalidGrant('the session of this grant has ended');
  const { session } = found;
  const user = found.user?._id === grant.userId ? found.user : await services.identity.users.get(tenantId, grant.userId);
  if (user === null || user.disabled) throw invalidGrant('the user of this grant is gone or disabled');

  const grantable = profile.scopes.userGrantable(tenantId, client.allowedScopes);
  const scope = grant.scope.filter((s) => grantable.includes(s));
  const access = await issueAccessToken(services, profile, {
    tenantId,
    clientId: client.clientId,
    subject: user._id,
    scope,
    sessionId: session._id,
  });
  // The ID token (it hashes the access token), the refresh token and the session record are
  // independent of one another: issued in parallel.
  const [idToken, refreshToken] = await Promise.all([
    scope.includes('openid')
      ? issueIdToken(services, {
          issuer,
          client,
          user,
          sessionId: session._id,
          amr: session.amr ?? amrOfMethod(session.method),
          authTime: grant.authTime,
          nonce: grant.nonce,
          accessToken: access.token,
          ...(profile.signingAlg ? { alg: profile.signingAlg } : {}),
        })
      : undefined,
    client.grantTypes.includes('refresh_token')
      ? issueRefreshToken(
          services.store,
          { tenantId, clientId: client.clientId, userId: user._id, sessionId: session._id, familyId: grant.familyId, issuer, scope, authTime: grant.authTime },
          session.expiresAt,
        )
      : undefined,
    recordTokenIssue(services.store, session._id, ctx.ip, ctx.userAgent),
  ]);
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: Math.round((access.expiresAt.getTime() - access.issuedAt.getTime()) / 1000),
    ...(idToken !== undefined ? { id_token: idToken } : {}),
    ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {}),
    scope: scope.join(' '),
  };
}
