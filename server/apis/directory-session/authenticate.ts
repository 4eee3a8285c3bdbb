/**
 * GET /authenticate: starts a web or native login (identity/directory/login-flow.ts). The browser
 * goes to the tenant's upstream provider, carrying a fresh browser-binding cookie; with a live SSO
 * grant (the `directory_sso` cookie) the session opens at once and the browser goes straight to
 * the redirect URL (web) or the done page (native).
 */
import { LOGIN_TTL_SECONDS } from '../../identity/directory/logins.ts';
import { startLogin } from '../../identity/directory/login-flow.ts';
import { COOKIE_PATH, LOGIN_COOKIE, LOGIN_COOKIE_PATH, SSO_COOKIE } from './cookies.ts';
import { directoryCall, directoryDeps } from './directory-deps.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const authenticate: DirectoryHandler<'authenticate'> = async ({ query, cookies, context }) => {
  const deps = directoryDeps(context.services);
  const step = await directoryCall(() =>
    startLogin(deps, {
      tenantId: query.tenant ?? 'default',
      claims: query.claims,
      appClaims: [...new Set(query.appclaims ?? [])],
      appData: query.appdata ?? null,
      redirectUrl: query.redirecturl,
      needExtendedBearer: query.needextendedbearer ?? false,
      nativeToken: query.nativetoken ?? null,
      ssoCookie: cookies.directory_sso,
      ip: context.ip,
      requestId: context.requestId,
    }),
  );
  if (step.kind === 'upstream') {
    context.setCookie(LOGIN_COOKIE, step.binding, { path: LOGIN_COOKIE_PATH, maxAgeSeconds: LOGIN_TTL_SECONDS });
  } else if (step.ssoCookie !== null) {
    context.setCookie(SSO_COOKIE, step.ssoCookie, { path: COOKIE_PATH, maxAgeSeconds: deps.settings.ssoSeconds });
  }
  return { status: 302, headers: { Location: step.location } };
};
