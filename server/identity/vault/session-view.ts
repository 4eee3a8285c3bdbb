/**
 * A login session (collection `sessions`, written by login-continuation.ts) as the spec's
 * SessionInfo: where it was created, when tokens were last issued in it, and when and from where
 * it was last used, each with its user agent parsed (access-info.ts).
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import type { SessionDoc } from '../../store/collections.ts';
import { accessInfo } from './access-info.ts';

export type SessionInfo = components['schemas']['SessionInfo'];

/**
 * `current` is not in the spec's SessionInfo (which allows extra members): it marks the session the
 * request's access token belongs to (its `sid`), so a UI can say "this device".
 */
export function toSessionInfo(doc: SessionDoc, currentSessionId: string | null): SessionInfo & { current: boolean } {
  return {
    session_id: doc._id,
    user_id: doc.userId,
    tenant_id: doc.tenantId,
    created: accessInfo(doc.createdAt, doc.ip, doc.userAgent),
    expires_at: doc.expiresAt.toISOString(),
    ...(doc.tokenIssuedAt ? { token_issue: accessInfo(doc.tokenIssuedAt, doc.tokenIssueIp, doc.tokenIssueUserAgent) } : {}),
    last_access: accessInfo(doc.lastSeenAt, doc.lastSeenIp ?? doc.ip, doc.lastSeenUserAgent ?? doc.userAgent),
    current: doc._id === currentSessionId,
  };
}
