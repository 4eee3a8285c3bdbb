/** GET|POST /heartbeat: moves `heartbeat_before` forward and answers the session with renewed bearers. */
import { unauthorized } from '../../http/errors.ts';
import { heartbeatSession, sessionView } from '../../identity/directory/sessions.ts';
import { directoryDeps, sessionOf } from './directory-deps.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const heartbeat: DirectoryHandler<'heartbeat'> = async ({ principal, context }) => {
  const deps = directoryDeps(context.services);
  const session = await sessionOf(principal, context);
  const renewed = await heartbeatSession(deps, session.tenantId, session._id);
  if (renewed === null) throw unauthorized('The directory session is closed or expired');
  return { status: 200, body: await sessionView(deps, renewed) };
};

export const heartbeatPost: DirectoryHandler<'heartbeatPost'> = heartbeat;
