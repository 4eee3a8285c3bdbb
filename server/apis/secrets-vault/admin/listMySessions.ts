/**
 * GET /api/me/sessions: the calling user's open sessions (not ended, not expired), newest first.
 * With an access token, the session of its `sid` is flagged `current`. A credential without a user
 * gets 404, as /me.
 */
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import { toSessionInfo } from '../../../identity/vault/session-view.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const MAX_SESSIONS_LISTED = 200;

export const listMySessions: VaultHandlers<'listMySessions'>['listMySessions'] = async ({ principal, context }) => {
  const userId = requireUserId(principal);
  const filter = { tenantId: principal.tenantId, userId, endedAt: null, expiresAt: { $gt: new Date() } };
  const sessions = context.services.store.sessions;
  const [docs, total] = await Promise.all([
    sessions.find(filter).sort({ createdAt: -1, _id: -1 }).limit(MAX_SESSIONS_LISTED).toArray(),
    sessions.countDocuments(filter),
  ]);
  const sid = principal.kind === 'access_token' && typeof principal.claims?.sid === 'string' ? principal.claims.sid : null;
  return { status: 200, body: { sessions: docs.map((d) => toSessionInfo(d, sid)), total } };
};
