/**
 * RP-Initiated Logout (OpenID Connect RP-Initiated Logout 1.0 §2-3), for GET and POST alike:
 * - without `id_token_hint` nothing identifies a session or a client: no session ends and a
 *   `post_logout_redirect_uri` cannot be checked, so it is refused (400, no redirect);
 * - an invalid hint is refused (400); a `client_id` sent with it must equal the hint's audience;
 * - `post_logout_redirect_uri` must equal one the hint's client registered, else 400 and no
 *   redirect (§3: the OP must not redirect to an unregistered URI);
 * - the hint's session ends (its refresh tokens are revoked) and the logout is audited;
 * - the answer is a redirect to the registered URI with `state`, or none (200 `null`).
 */
import { badRequest } from '../../http/errors.ts';
import type { GatewayServices } from '../../services.ts';
import { withQuery } from './authorize-checks.ts';
import { verifyIdTokenHint } from './id-token-hint.ts';
import { endSession } from '../sessions.ts';

export interface LogoutInput {
  idTokenHint?: string;
  postLogoutRedirectUri?: string;
  state?: string;
  clientId?: string;
  ip: string;
}

/** Ends the hinted session; returns where to redirect, or null for the plain `null` answer. */
export async function rpInitiatedLogout(services: GatewayServices, input: LogoutInput): Promise<string | null> {
  if (!input.idTokenHint) {
    if (input.postLogoutRedirectUri !== undefined) throw badRequest('post_logout_redirect_uri requires an id_token_hint');
    return null;
  }
  const hint = await verifyIdTokenHint(services, input.idTokenHint);
  if (hint === null) throw badRequest('id_token_hint is not a valid ID token of this provider');
  if (input.clientId !== undefined && input.clientId !== hint.clientId) throw badRequest('client_id does not match the id_token_hint');

  let redirect: string | null = null;
  if (input.postLogoutRedirectUri !== undefined) {
    const client = await services.identity.clients.get(hint.tenantId, hint.clientId);
    if (client === null || !client.postLogoutRedirectUris.includes(input.postLogoutRedirectUri)) {
      throw badRequest('post_logout_redirect_uri is not registered for this client');
    }
    redirect = withQuery(input.postLogoutRedirectUri, { state: input.state });
  }

  const ended = hint.sessionId !== null && (await endSession(services.store, hint.tenantId, hint.sessionId, 'logout'));
  await services.identity.audit.record({
    tenantId: hint.tenantId,
    actor: { type: 'user', id: hint.userId },
    action: 'oidc.logout',
    outcome: 'success',
    target: hint.sessionId,
    ip: input.ip,
    details: { clientId: hint.clientId, sessionEnded: ended },
  });
  return redirect;
}
