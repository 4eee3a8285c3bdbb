/**
 * GET|POST /close?forceuserconsentonnextlogin: ends the session (its bearers stop at once). With
 * `forceuserconsentonnextlogin=true` every SSO grant of the user ends too and the cookie is
 * cleared, so the next login goes to the upstream provider with `prompt=login`.
 */
import { closeSession as close } from '../../identity/directory/sessions.ts';
import { revokeUserSso } from '../../identity/directory/sso.ts';
import { COOKIE_PATH, SSO_COOKIE } from './cookies.ts';
import { directoryDeps, sessionOf } from './directory-deps.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const closeSession: DirectoryHandler<'closeSession'> = async ({ query, principal, context }) => {
  const deps = directoryDeps(context.services);
  const session = await sessionOf(principal, context);
  await close(deps, session.tenantId, session._id);
  if (query.forceuserconsentonnextlogin) {
    await revokeUserSso(deps, session.tenantId, session.userId);
    context.clearCookie(SSO_COOKIE, COOKIE_PATH);
  }
  await context.services.identity.audit.record({
    tenantId: session.tenantId, actor: { type: 'user', id: session.userId }, action: 'directory.close', outcome: 'success',
    target: session._id, ip: context.ip, requestId: context.requestId, details: { forceUserConsent: query.forceuserconsentonnextlogin },
  });
  return { status: 200, body: {} };
};

export const closeSessionPost: DirectoryHandler<'closeSessionPost'> = closeSession;
