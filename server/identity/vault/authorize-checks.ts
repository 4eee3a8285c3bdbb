/**
 * The checks of the authorization endpoint (OpenID Connect Core §3.1.2.1-2, RFC 6749 §4.1.1,
 * RFC 7636 §4.3), in the order that decides how an error is answered:
 * - the client must exist in the tenant and `redirect_uri` must EQUAL one it registered (simple
 *   string comparison, RFC 9700 §4.1.3); until both hold, errors are answered here (400), never
 *   redirected (RFC 6749 §4.1.2.1), so the endpoint cannot be used as an open redirector;
 * - after that, errors go back to the client's redirect_uri (`redirectableError`):
 *   `response_type` must be `code`; the client must be allowed the authorization_code grant;
 *   `scope` must include `openid` and stay within what the client may be granted for a user
 *   (its `allowed_scopes`, less platform scopes outside the platform tenant: client-scopes.ts); PKCE
 *   `code_challenge_method` must be `S256` (`plain` refused) with a well-formed challenge, and is
 *   required for public clients; `prompt=none` cannot be honoured (no browser session is kept
 *   here), so it answers `login_required` (Core §3.1.2.6).
 */
import { badRequest } from '../../http/errors.ts';
import type { GatewayServices } from '../../services.ts';
import type { ClientDoc } from '../../store/collections.ts';
import { userGrantableScopes } from './client-scopes.ts';
import { isValidCodeChallenge } from '../oauth/pkce.ts';
import { isScopeToken, parseScope } from '../oauth/scopes.ts';

export interface AuthorizeQuery {
  response_type: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  state?: string;
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  prompt?: string;
}

/** An error that is reported to the client by redirecting to its redirect_uri. */
export class RedirectableAuthorizeError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const redirectable = (error: string, description: string) => new RedirectableAuthorizeError(error, description);

export interface CheckedAuthorizeRequest {
  client: ClientDoc;
  redirectUri: string;
  scope: string[];
  codeChallenge: string | null;
}

/** Throws a 400 GatewayError (client or redirect_uri) or a RedirectableAuthorizeError. */
export async function checkAuthorizeRequest(services: Pick<GatewayServices, 'identity'>, tenantId: string, query: AuthorizeQuery): Promise<CheckedAuthorizeRequest> {
  const client = await services.identity.clients.get(tenantId, query.client_id);
  if (client === null) throw badRequest('Unknown client_id for this tenant');
  if (!client.redirectUris.includes(query.redirect_uri)) throw badRequest('redirect_uri is not registered for this client');

  if (query.response_type !== 'code') throw redirectable('unsupported_response_type', 'only response_type=code is supported');
  if (!client.grantTypes.includes('authorization_code')) throw redirectable('unauthorized_client', 'this client may not use the authorization code flow');

  const scope = parseScope(query.scope);
  if (scope.some((s) => !isScopeToken(s))) throw redirectable('invalid_scope', 'malformed scope');
  if (!scope.includes('openid')) throw redirectable('invalid_scope', 'scope must include openid');
  const grantable = userGrantableScopes(tenantId, client.allowedScopes);
  const refused = scope.filter((s) => !grantable.includes(s));
  if (refused.length > 0) throw redirectable('invalid_scope', `scope not allowed for this client: ${refused.join(' ')}`);

  const challenge = query.code_challenge ?? null;
  const method = query.code_challenge_method;
  if (method !== undefined && method !== 'S256') throw redirectable('invalid_request', 'code_challenge_method must be S256');
  if (challenge === null && method !== undefined) throw redirectable('invalid_request', 'code_challenge_method without code_challenge');
  if (challenge !== null && !isValidCodeChallenge(challenge)) throw redirectable('invalid_request', 'code_challenge must be 43 base64url characters');
  // RFC 7636 §4.3: a challenge without a method means `plain`, which is not supported.
  if (challenge !== null && method === undefined) throw redirectable('invalid_request', 'code_challenge_method must be S256');
  if (challenge === null && client.type === 'public') throw redirectable('invalid_request', 'PKCE (S256) is required for public clients');

  if (query.prompt !== undefined && query.prompt.split(' ').includes('none')) throw redirectable('login_required', 'the user must log in');

  return { client, redirectUri: query.redirect_uri, scope, codeChallenge: challenge };
}

/** `redirect_uri` with the given parameters added to its query (RFC 6749 §4.1.2: keep existing ones). */
export function withQuery(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.toString();
}
