/**
 * GET /registerfrontenduserandredirecturl?redirecturl: makes the session's user a frontend user
 * and registers `redirecturl` as a final redirect for that user's later logins (redirects.ts).
 * Only http(s) URLs without a fragment are taken (the session travels in the fragment).
 */
import { badRequest } from '../../http/errors.ts';
import { registerRedirect } from '../../identity/directory/redirects.ts';
import { directoryDeps, sessionOf } from './directory-deps.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const registerFrontendUserAndRedirectUrl: DirectoryHandler<'registerFrontendUserAndRedirectUrl'> = async ({ query, principal, context }) => {
  let url: URL;
  try {
    url = new URL(query.redirecturl);
  } catch {
    throw badRequest('redirecturl must be an absolute URL', { code: 'E_InvalidParameter' });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '' || query.redirecturl.length > 2000) {
    throw badRequest('redirecturl must be an http(s) URL without a fragment', { code: 'E_InvalidParameter' });
  }
  const session = await sessionOf(principal, context);
  await registerRedirect(directoryDeps(context.services), session.tenantId, session.userId, query.redirecturl);
  await context.services.identity.audit.record({
    tenantId: session.tenantId, actor: { type: 'user', id: session.userId }, action: 'directory.redirect.register', outcome: 'success',
    target: query.redirecturl, ip: context.ip, requestId: context.requestId,
  });
  return { status: 200, body: {} };
};
