/**
 * GET /api/me/sessions: the calling user's open sessions (not ended, not expired), newest first.
 * With an access token, the session of its `sid` is flagged `current`. A credential without a user
 * gets 404, as /me.
 */
import { listUserSessions } from '../../../identity/sessions.ts';
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import { toSessionInfo } from '../../../identity/vault/session-view.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const MAX_SESSIONS_LISTED = 200;

export const listMySessions: VaultHandlers<'listMySessions'>['listMySessions'] = async ({ principal, context }) => {
  const userId = requireUserId(principal);
  const { sessions, total } = await listUserSessions(context.services.store, principal.tenantId, userId, { limit: MAX_SESSIONS_LISTED });
  const sid = principal.kind === 'access_token' && typeof principal.claims?.sid === 'string' ? principal.claims.sid : null;
  return { status: 200, body: { sessions: sessions.map((d) => toSessionInfo(d, sid)), total } };
};
