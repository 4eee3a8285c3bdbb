/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.5-4.6):
 * - `code` and `redirect_uri` are required; the code is spent on first presentation;
 * - a replayed code is refused AND what it issued is revoked: its refresh-token family and its
 *   session (RFC 6749 §4.1.2, §10.5); the event is audited;
 * - the code must have been issued to the authenticated client, for exactly this redirect_uri;
 * - PKCE: with a stored challenge the `code_verifier` must match it (S256); without one a
 *   verifier is refused (PKCE downgrade, RFC 9700 §2.1.1); public clients always had one;
 * - the user must still exist and be enabled, and the session must still be open.
 */
import type { ClientDoc } from '../../../store/collections.ts';
import { endSession } from '../../sessions.ts';
import { redeemAuthorizationCode } from '../authorization-codes.ts';
import { invalidGrant, invalidRequest } from '../errors.ts';
import type { Grant, GrantContext, TokenSet } from '../grant.ts';
import { verifyPkce } from '../pkce.ts';
import { revokeFamily } from '../refresh-tokens.ts';
import { issueTokenSet } from '../token-set.ts';

export const authorizationCodeGrant: Grant = {
  type: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier'],
  confidentialOnly: false,
  handle,
};

async function handle(ctx: GrantContext, client: ClientDoc): Promise<TokenSet> {
  const { services, tenantId, form } = ctx;
  if (!form.code) throw invalidRequest('code is required');
  if (!form.redirect_uri) throw invalidRequest('redirect_uri is required');
  if (!client.grantTypes.includes('authorization_code')) throw invalidGrant('this client may not use the authorization_code grant');

  const redemption = await redeemAuthorizationCode(services.store, tenantId, form.code);
  if (redemption.outcome === 'replayed') {
    const { code } = redemption;
    const revoked = await revokeFamily(services.store, tenantId, code._id, 'authorization_code_replay');
    await endSession(services.store, tenantId, code.sessionId, 'authorization_code_replay');
    await services.identity.audit.record({
      tenantId,
      actor: { type: 'client', id: client.clientId },
      action: 'oauth.code_replay',
      outcome: 'denied',
      target: code.userId,
      ip: ctx.ip,
      details: { codeClientId: code.clientId, sessionId: code.sessionId, revokedRefreshTokens: revoked },
    });
    throw invalidGrant('authorization code already used');
  }
  if (redemption.outcome !== 'redeemed') throw invalidGrant(redemption.outcome === 'expired' ? 'authorization code expired' : 'invalid authorization code');
  const { code } = redemption;
  if (code.clientId !== client.clientId) throw invalidGrant('authorization code was issued to another client');
  if (code.redirectUri !== form.redirect_uri) throw invalidGrant('redirect_uri does not match the authorization request');
  if (code.codeChallenge !== null) {
    if (!form.code_verifier) throw invalidGrant('code_verifier is required');
    if (!verifyPkce(form.code_verifier, code.codeChallenge)) throw invalidGrant('PKCE verification failed');
  } else if (form.code_verifier !== undefined || client.type === 'public') {
    throw invalidGrant('the authorization request had no code_challenge');
  }

  return issueTokenSet(ctx, client, {
    userId: code.userId,
    sessionId: code.sessionId,
    scope: code.scope,
    authTime: code.authTime,
    nonce: code.nonce,
    refresh: { newFamily: code._id },
  });
}
