/**
 * DELETE /api/me/sessions/{session_id}: ends one of the caller's own open sessions and revokes
 * its refresh tokens (identity/sessions.ts). Another user's session, or another tenant's, reads as
 * absent (404).
 */
import { notFound } from '../../../http/errors.ts';
import { endSession, findActiveSession } from '../../../identity/sessions.ts';
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const endMySession: VaultHandlers<'endMySession'>['endMySession'] = async ({ principal, params, context }) => {
  const userId = requireUserId(principal);
  const { store } = context.services;
  const session = await findActiveSession(store, principal.tenantId, params.session_id);
  if (session === null || session.userId !== userId) throw notFound('Session not found');
  await endSession(store, principal.tenantId, session._id, 'ended_by_user');
  await auditAdmin(context, principal, { tenantId: principal.tenantId, action: 'session.end', target: session._id });
  return { status: 200, body: null };
};
