/**
 * GET /api/oidc/{tenant_id}/authorize: checks the request (identity/vault/authorize-checks.ts),
 * stores it as an auth request and sends the browser to the login page with `auth_req_id`.
 * A request that passed the checks is counted per address and tenant before it is stored
 * (auth-requests.ts limitAuthRequests): over the limit, 429 with Retry-After, nothing stored.
 * Errors about the client or its redirect_uri are answered here (400); every later error is
 * redirected to the client with `error`, `error_description`, `state` (RFC 6749 §4.1.2.1) and
 * `iss` (RFC 9207).
 */
import { issuers } from '../../../issuers.ts';
import { createAuthRequest, limitAuthRequests } from '../../../identity/vault/auth-requests.ts';
import { checkAuthorizeRequest, RedirectableAuthorizeError, withQuery } from '../../../identity/vault/authorize-checks.ts';
import type { GatewayServices } from '../../../services.ts';
import type { VaultHandlers } from '../handler-types.ts';

/** GATEWAY_LOGIN_URL, else the gateway's own login page for the tenant. */
export function loginPageUrl(services: GatewayServices, tenantId: string, authReqId: string): string {
  const configured = services.config.loginUrl;
  if (configured) return withQuery(configured, { auth_req_id: authReqId, tenant_id: tenantId });
  return withQuery(`${services.config.publicUrl}/api/oidc/${encodeURIComponent(tenantId)}/login`, { auth_req_id: authReqId });
}

export const authorize: VaultHandlers<'authorize'>['authorize'] = async ({ params, query, context }) => {
  const { services } = context;
  const tenantId = params.tenant_id;
  const issuer = issuers.vault(services.config.publicUrl, tenantId);
  try {
    const checked = await checkAuthorizeRequest(services, tenantId, query);
    // Counted once the request is one we would store, so the counters too are
    // only ever for real tenants and clients; over the limit nothing is stored.
    await limitAuthRequests(services, tenantId, context.ip);
    const request = await createAuthRequest(services.store, {
      tenantId,
      clientId: checked.client.clientId,
      redirectUri: checked.redirectUri,
      scope: checked.scope,
      state: query.state ?? null,
      nonce: query.nonce ?? null,
      codeChallenge: checked.codeChallenge,
      codeChallengeMethod: checked.codeChallenge === null ? null : 'S256',
    });
    return { status: 302, headers: { Location: loginPageUrl(services, tenantId, request._id) } };
  } catch (error) {
    if (!(error instanceof RedirectableAuthorizeError)) throw error;
    const location = withQuery(query.redirect_uri, { error: error.error, error_description: error.description, state: query.state, iss: issuer });
    return { status: 302, headers: { Location: location } };
  }
};
