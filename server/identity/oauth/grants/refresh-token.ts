/**
 * `grant_type=refresh_token` (RFC 6749 §6; rotation and reuse detection per RFC 9700 §4.14.2):
 * - the client must still be allowed the refresh_token grant;
 * - the token must be the authenticated client's, of this endpoint's issuer (another API's token
 *   for the same tenant and client id is invalid here), its family's current one, unexpired and
 *   not revoked; using it rotates the family (refresh-tokens.ts);
 * - presenting an earlier token of the family is reuse: the family is revoked, the session ends,
 *   the event is audited and the request refused;
 * - `scope`, when sent, may only narrow the original grant (§6);
 * - the answer carries a new refresh token of the same family, a new access token and, with
 *   `openid`, a new ID token without `nonce` (OpenID Connect Core §12.2).
 */
import type { ClientDoc } from '../../../store/collections.ts';
import { invalidGrant, invalidRequest, invalidScope, unauthorizedClient } from '../errors.ts';
import type { Grant, GrantContext, TokenSet } from '../grant.ts';
import { useRefreshToken } from '../refresh-tokens.ts';
import { parseScope } from '../scopes.ts';
import { issueTokenSet } from '../token-set.ts';

export const refreshTokenGrant: Grant = {
  type: 'refresh_token',
  parameters: ['refresh_token'],
  confidentialOnly: false,
  handle,
};

async function handle(ctx: GrantContext, client: ClientDoc): Promise<TokenSet> {
  const { services, tenantId, form } = ctx;
  if (!form.refresh_token) throw invalidRequest('refresh_token is required');
  if (!client.grantTypes.includes('refresh_token')) throw unauthorizedClient('this client may not use the refresh_token grant');
  const use = await useRefreshToken(services.store, tenantId, client.clientId, ctx.profile.issuer, form.refresh_token, { ip: ctx.ip, userAgent: ctx.userAgent }, undefined, {
    redeemsUnbound: ctx.profile.redeemsUnboundRefreshTokens === true,
  });
  if (use.outcome === 'reused') {
    await services.identity.audit.record({
      tenantId,
      actor: { type: 'client', id: client.clientId },
      action: 'oauth.refresh_reuse',
      outcome: 'denied',
      target: use.grant.userId,
      ip: ctx.ip,
      details: { familyId: use.grant.familyId, sessionId: use.grant.sessionId },
    });
    throw invalidGrant('refresh token already used; its grant is revoked');
  }
  if (use.outcome === 'invalid') throw invalidGrant('invalid refresh token');
  const { grant } = use;
  let scope = grant.scope;
  if (form.scope !== undefined) {
    const requested = parseScope(form.scope);
    if (requested.some((s) => !grant.scope.includes(s))) throw invalidScope('scope exceeds the original grant');
    scope = requested;
  }
  return issueTokenSet(ctx, client, {
    userId: grant.userId,
    sessionId: grant.sessionId,
    scope,
    authTime: grant.authTime,
    nonce: null,
    refresh: { rotated: { token: use.token, ref: use.ref, scope: grant.scope } },
  });
}
