/**
 * GET /onauthenticated: the upstream provider's redirect (identity/directory/login-flow.ts `finishLogin`).
 * - An unknown, replayed or expired `state`, or one from another browser, is a 400: nothing names
 *   a redirect target that can be trusted.
 * - Anything that fails after that (the provider's `error`, a code that does not verify, an ID
 *   token from another issuer, a user the tenant refuses) goes back to the caller's redirect URL
 *   as the Infinite error `{code, error, uuid}` in the fragment, the uuid also in the log.
 * - On success the browser goes to the redirect URL with the session in the fragment (web), or to
 *   the done page (native), and gets the `directory_sso` cookie.
 */
import { randomUUID } from 'node:crypto';
import { finishLogin } from '../../identity/directory/login-flow.ts';
import { DirectoryRefusal } from '../../identity/directory/refusal.ts';
import { COOKIE_PATH, LOGIN_COOKIE, LOGIN_COOKIE_PATH, SSO_COOKIE } from './cookies.ts';
import { directoryCall, directoryDeps, refusalCode } from './directory-deps.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const onAuthenticated: DirectoryHandler<'onAuthenticated'> = async ({ query, cookies, context }) => {
  const deps = directoryDeps(context.services);
  const all = new URLSearchParams();
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (typeof v === 'string') all.set(k, v);
  }
  context.clearCookie(LOGIN_COOKIE, LOGIN_COOKIE_PATH);
  const step = await directoryCall(async () => {
      try {
        return await finishLogin(deps, { state: query.state, binding: cookies.directory_login, query: all, ip: context.ip, requestId: context.requestId });
      } catch (error) {
        if (error instanceof DirectoryRefusal && error.redirectTo) return { kind: 'refused' as const, error, to: error.redirectTo };
        throw error;
      }
    });
  if (step.kind === 'refused') {
    const uuid = randomUUID();
    const code = query.error === 'access_denied' ? 'E_AccessDenied' : refusalCode(step.error);
    context.log.info({ errorId: uuid, code, reason: step.error.message }, 'directory login refused after the upstream redirect');
    const fragment = new URLSearchParams({ code, error: 'true', uuid, ...(step.to.appData !== null ? { appdata: step.to.appData } : {}) });
    return { status: 302, headers: { Location: `${step.to.url.split('#')[0]}#${fragment}` } };
  }
  if (step.kind === 'done' && step.ssoCookie !== null) {
    context.setCookie(SSO_COOKIE, step.ssoCookie, { path: COOKIE_PATH, maxAgeSeconds: deps.settings.ssoSeconds });
  }
  return { status: 302, headers: { Location: step.location } };
};
