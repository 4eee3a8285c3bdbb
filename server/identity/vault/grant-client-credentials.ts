/**
 * `grant_type=client_credentials` (RFC 6749 §4.4):
 * - confidential clients only (§4.4: "MUST only be used by confidential clients");
 * - the token acts for the client itself: `sub` is the client id, no session, no ID token and no
 *   refresh token (§4.4.3);
 * - scope: the requested one, within what the client may be granted for itself, or all of that by
 *   default (client-scopes.ts): its `allowed_scopes` without the user-delegated scopes (OpenID
 *   scopes, `account`: there is no user here) and, outside the platform tenant, without platform
 *   scopes, whatever the record says.
 */
import type { ClientDoc } from '../../store/collections.ts';
import { issueAccessToken } from './access-tokens.ts';
import { clientGrantableScopes } from './client-scopes.ts';
import { invalidScope, unauthorizedClient } from './oauth-errors.ts';
import { parseScope } from './scopes.ts';
import type { GrantContext, TokenResponse } from './token-endpoint.ts';

export async function clientCredentialsGrant(ctx: GrantContext, client: ClientDoc): Promise<TokenResponse> {
  if (client.type !== 'confidential') throw unauthorizedClient('client_credentials is for confidential clients only');
  const grantable = clientGrantableScopes(ctx.tenantId, client.allowedScopes);
  let scope = grantable;
  if (ctx.form.scope !== undefined) {
    scope = parseScope(ctx.form.scope);
    if (scope.some((s) => !grantable.includes(s))) throw invalidScope('scope exceeds what this client may be granted');
  }
  const access = await issueAccessToken(ctx.services, {
    issuer: ctx.issuer,
    tenantId: ctx.tenantId,
    clientId: client.clientId,
    subject: client.clientId,
    scope,
    sessionId: null,
  });
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: Math.round((access.expiresAt.getTime() - access.issuedAt.getTime()) / 1000),
    ...(scope.length > 0 ? { scope: scope.join(' ') } : {}),
  };
}
