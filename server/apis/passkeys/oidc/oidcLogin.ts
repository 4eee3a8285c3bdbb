/**
 * GET /oidc/{providerId}/login: the application the request's host names (else the default one)
 * sends the browser to its provider (identity/loginid/oidc-login.ts), with a fresh browser-binding
 * cookie. The provider returns to the same base URL, so the cookie comes back: the application's
 * own host when the request came on it, else PUBLIC_URL.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { appSettingsOf } from '../../../identity/loginid/apps.ts';
import { OIDC_LOGIN_TTL_SECONDS, startOidcLogin } from '../../../identity/loginid/oidc-login.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfRequest } from '../app-context.ts';
import { OIDC_COOKIE, OIDC_COOKIE_PATH, oidcCall, oidcDeps } from './oidc-call.ts';

export const oidcLogin: Handlers<ApiPrincipal, ApiContext>['oidcLogin'] = async ({ params, query, context }) => {
  const { publicUrl } = context.services.config;
  const app = await appOfRequest(context);
  const ownHost = appSettingsOf(app, publicUrl).hosts.includes(context.host);
  const baseUrl = ownHost ? `${new URL(publicUrl).protocol}//${context.host}` : publicUrl;
  const started = await oidcCall(() =>
    startOidcLogin(oidcDeps(context), { tenantId: app._id, providerId: params.providerId, redirectUri: query.redirectUri, baseUrl }),
  );
  context.setCookie(OIDC_COOKIE, started.binding, { path: OIDC_COOKIE_PATH, maxAgeSeconds: OIDC_LOGIN_TTL_SECONDS });
  return { status: 302, headers: { Location: started.location } };
};
