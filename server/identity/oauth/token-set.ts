/**
 * The tokens a user grant (code exchange or refresh) answers with:
 * - the session must still be open and the user must exist and be enabled (else `invalid_grant`);
 * - the scope is the grant's, less what the client may no longer be granted (the profile's
 *   `ScopePolicy.userGrantable`): a scope removed from its `allowed_scopes` since, or one the API's
 *   rule no longer lets a client of the tenant hold (RFC 6749 §3.3 lets the server issue less than
 *   requested; the answer's `scope` says what was granted);
 * - an access token always; an ID token when `openid` was granted; a refresh token when the
 *   client may use the refresh_token grant: the first of a new family (code exchange, MFA flow),
 *   or the successor the refresh grant's rotation already stored (refresh-tokens.ts), whose family
 *   is narrowed when less than it grants was issued;
 * - the issue (time, address, user agent) is recorded once, on the document the issue writes
 *   anyway: the refresh-token family it starts or rotated, else the session (`recordTokenIssue`).
 *   The session view reads both (sessions.ts `listUserSessions`).
 */
import type { ClientDoc } from '../../store/collections.ts';
import { amrOfMethod } from '../amr.ts';
import { findActiveSessionWithUser, recordTokenIssue } from '../sessions.ts';
import { issueAccessToken } from './access-tokens.ts';
import { invalidGrant } from './errors.ts';
import type { GrantContext, TokenSet } from './grant.ts';
import { issueIdToken } from './id-token.ts';
import { narrowRefreshFamily, startRefreshFamily } from './refresh-tokens.ts';

export interface UserGrant {
  userId: string;
  sessionId: string;
  scope: string[];
  authTime: Date;
  nonce: string | null;
  /** the answer's refresh token: the first of a new family, or the successor a rotation stored (refresh-tokens.ts `useRefreshToken`) */
  refresh: { newFamily: string } | { rotated: { token: string; ref: string; scope: readonly string[] } };
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
  // The ID token (it hashes the access token) and the refresh token with the issue's record are
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
    refreshTokenOf(ctx, client, grant, { userId: user._id, sessionId: session._id, expiresAt: session.expiresAt }, scope),
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

/**
 * The answer's refresh token, with the issue recorded on its family; without one (a client not
 * allowed the refresh_token grant), the issue is recorded on the session.
 */
async function refreshTokenOf(
  ctx: GrantContext,
  client: ClientDoc,
  grant: UserGrant,
  session: { userId: string; sessionId: string; expiresAt: Date },
  scope: string[],
): Promise<string | undefined> {
  const { store } = ctx.services;
  const issue = { ip: ctx.ip, userAgent: ctx.userAgent };
  if ('rotated' in grant.refresh) {
    const { token, ref, scope: granted } = grant.refresh.rotated;
    await narrowRefreshFamily(store, ref, granted.filter((s) => !scope.includes(s)));
    return token;
  }
  if (!client.grantTypes.includes('refresh_token')) {
    await recordTokenIssue(store, session.sessionId, issue.ip, issue.userAgent);
    return undefined;
  }
  const { token } = await startRefreshFamily(
    store,
    { tenantId: ctx.tenantId, clientId: client.clientId, userId: session.userId, sessionId: session.sessionId, familyId: grant.refresh.newFamily, issuer: ctx.profile.issuer, scope, authTime: grant.authTime },
    session.expiresAt,
    issue,
  );
  return token;
}
