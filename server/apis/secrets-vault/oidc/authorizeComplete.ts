/**
 * GET /api/oidc/{tenant_id}/authorize/complete?auth_req_id&nonce (specs/secrets-vault.yaml):
 * - the login nonce must be this auth request's, unused, unexpired, and stepped up when the login
 *   needed it (identity/vault/login-continuation.ts); it is spent here;
 * - the auth request must still be pending: completing it is one guarded update, so it yields at
 *   most one code;
 * - the code (60 s, single use, hashed at rest) is bound to the client, redirect_uri, PKCE
 *   challenge, nonce, scope, user and session; the browser goes to
 *   `redirect_uri?code&state&iss` (RFC 6749 §4.1.2, RFC 9207).
 * Any failure is a 400 without redirect: the request cannot be trusted to name a redirect target.
 */
import { badRequest } from '../../../http/errors.ts';
import { issuers } from '../../../issuers.ts';
import { completeAuthRequest, findPendingAuthRequest } from '../../../identity/vault/auth-requests.ts';
import { issueAuthorizationCode } from '../../../identity/oauth/authorization-codes.ts';
import { withQuery } from '../../../identity/vault/authorize-checks.ts';
import { redeemLoginNonce } from '../../../identity/vault/login-continuation.ts';
import { findActiveSession } from '../../../identity/sessions.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const authorizeComplete: VaultHandlers<'authorizeComplete'>['authorizeComplete'] = async ({ params, query, context }) => {
  const { services } = context;
  const tenantId = params.tenant_id;
  const pending = await findPendingAuthRequest(services.store, tenantId, query.auth_req_id);
  if (pending === null) throw badRequest('Unknown, expired or completed auth request');
  const redeemed = await redeemLoginNonce(services, { tenantId, authReqId: query.auth_req_id, nonce: query.nonce });
  if (!redeemed.ok) {
    await services.identity.audit.record({
      tenantId,
      actor: { type: 'anonymous' },
      action: 'oidc.authorize_complete',
      outcome: 'failure',
      target: query.auth_req_id,
      ip: context.ip,
      requestId: context.requestId,
      details: { reason: redeemed.reason },
    });
    throw badRequest(redeemed.reason === 'step_up_required' ? 'This login must be verified first' : 'Invalid or used nonce');
  }
  const { login } = redeemed;
  const session = await findActiveSession(services.store, tenantId, login.sessionId);
  if (session === null) throw badRequest('The login session has ended');
  const request = await completeAuthRequest(services.store, tenantId, query.auth_req_id);
  if (request === null) throw badRequest('Unknown, expired or completed auth request');

  const code = await issueAuthorizationCode(services.store, {
    tenantId,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    nonce: request.nonce,
    scope: request.scope,
    userId: login.userId,
    sessionId: login.sessionId,
    authTime: session.authTime,
  });
  const location = withQuery(request.redirectUri, {
    code,
    state: request.state ?? undefined,
    iss: issuers.vault(services.config.publicUrl, tenantId),
  });
  return { status: 302, headers: { Location: location } };
};
