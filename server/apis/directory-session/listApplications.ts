/** GET /applications: the tenant's applications that the session's claim grants (identity/directory/applications.ts). */
import { applicationsForClaim } from '../../identity/directory/applications.ts';
import { directoryDeps, sessionOf } from './directory-deps.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const listApplications: DirectoryHandler<'listApplications'> = async ({ principal, context }) => {
  const session = await sessionOf(principal, context);
  const apps = await applicationsForClaim(directoryDeps(context.services), session.tenantId, session.claims);
  return {
    status: 200,
    body: apps.map((a) => ({
      id: a.appId,
      name: a.name,
      ...(a.url !== null ? { url: a.url } : {}),
      // the app claims of this session this application may use
      appclaims: session.appClaims.filter((c) => a.scopes.includes(c)),
    })),
  };
};
