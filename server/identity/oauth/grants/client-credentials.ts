/**
 * `grant_type=client_credentials` (RFC 6749 §4.4):
 * - confidential clients only (§4.4: "MUST only be used by confidential clients");
 * - the token acts for the client itself: `sub` is the client id, no session, no ID token and no
 *   refresh token (§4.4.3);
 * - scope: the requested one, within what the client may be granted for itself, or all of that by
 *   default: the API's scope policy says what (`ScopePolicy.clientGrantable`; the Vault's drops the
 *   user-delegated scopes, since there is no user here, and platform scopes outside the platform
 *   tenant, whatever the record says: vault/client-scopes.ts).
 */
import type { ClientDoc } from '../../../store/collections.ts';
import { issueAccessToken } from '../access-tokens.ts';
import { invalidScope, unauthorizedClient } from '../errors.ts';
import type { Grant, GrantContext, TokenSet } from '../grant.ts';
import { parseScope } from '../scopes.ts';

export const clientCredentialsGrant: Grant = {
  type: 'client_credentials',
  parameters: [],
  confidentialOnly: true,
  handle,
};

async function handle(ctx: GrantContext, client: ClientDoc): Promise<TokenSet> {
  if (client.type !== 'confidential') throw unauthorizedClient('client_credentials is for confidential clients only');
  const grantable = ctx.profile.scopes.clientGrantable(ctx.tenantId, client.allowedScopes);
  let scope = grantable;
  if (ctx.form.scope !== undefined) {
    scope = parseScope(ctx.form.scope);
    if (scope.some((s) => !grantable.includes(s))) throw invalidScope('scope exceeds what this client may be granted');
  }
  const access = await issueAccessToken(ctx.services, ctx.profile, {
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
