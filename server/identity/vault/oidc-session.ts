/**
 * Sessions of the Vault's OpenID provider (created by login-continuation.ts).
 * - A session issues tokens only while it has not ended and has not reached `expiresAt`.
 * - Ending a session (logout, refresh-token reuse, code replay) revokes its refresh tokens with
 *   one `updateMany`, and access tokens naming it (`sid`) stop working at userinfo.
 * - Each token issue is recorded on the session (SessionInfo.token_issue, last_access).
 */
import type { SessionDoc, Store } from '../../store/collections.ts';

export function findActiveSession(store: Store, tenantId: string, sessionId: string, now = new Date()): Promise<SessionDoc | null> {
  return store.sessions.findOne({ _id: sessionId, tenantId, endedAt: null, expiresAt: { $gt: now } });
}

/** Ends the session (idempotent) and revokes every refresh token issued in it. */
export async function endSession(store: Store, tenantId: string, sessionId: string, reason: string, now = new Date()): Promise<boolean> {
  const ended = await store.sessions.updateOne({ _id: sessionId, tenantId, endedAt: null }, { $set: { endedAt: now } });
  await store.refreshTokens.updateMany({ sessionId, tenantId, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } });
  return ended.modifiedCount === 1;
}

export async function recordTokenIssue(store: Store, sessionId: string, ip: string, userAgent: string, now = new Date()): Promise<void> {
  await store.sessions.updateOne(
    { _id: sessionId },
    {
      $set: {
        tokenIssuedAt: now,
        tokenIssueIp: ip || null,
        tokenIssueUserAgent: userAgent || null,
        lastSeenAt: now,
        lastSeenIp: ip || null,
        lastSeenUserAgent: userAgent || null,
      },
    },
  );
}
