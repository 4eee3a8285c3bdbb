/**
 * GET /oidc/{providerId}/callback: the provider's redirect (identity/loginid/oidc-login.ts
 * `finishOidcLogin`). The sign-in is found by its `state`, not by the host, so the application is
 * the one that started it. Refusals are `{msg, msgCode}`: 400 for an unknown, replayed, foreign or
 * another browser's state and an unregistered redirectUri; 502 when the provider's answer does
 * not verify (an ID token of another issuer, a wrong nonce); 403 for a user the application
 * refuses (deactivated). On success the browser goes to the registered redirectUri with the
 * access token in the fragment.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { finishOidcLogin, OidcRefusal } from '../../../identity/loginid/oidc-login.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { OIDC_COOKIE, OIDC_COOKIE_PATH, oidcCall, oidcDeps } from './oidc-call.ts';

export const oidcCallback: Handlers<ApiPrincipal, ApiContext>['oidcCallback'] = async ({ params, query, cookies, context }) => {
  const all = new URLSearchParams();
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (typeof v === 'string') all.set(k, v);
  }
  const done = await oidcCall(async () => {
    try {
      return await finishOidcLogin(oidcDeps(context), {
        providerId: params.providerId, state: query.state, binding: cookies.passkeys_oidc_login, query: all, ip: context.ip, requestId: context.requestId,
      });
    } catch (error) {
      // A state that found no sign-in of this browser used nothing: the browser keeps its binding
      // for its own callback (a forged callback sent to it does not end its sign-in).
      if (!(error instanceof OidcRefusal && error.reason === 'state')) context.clearCookie(OIDC_COOKIE, OIDC_COOKIE_PATH);
      throw error;
    }
  });
  context.clearCookie(OIDC_COOKIE, OIDC_COOKIE_PATH);
  return { status: 302, headers: { Location: done.location } };
};
