/**
 * Login sessions, for every API of the gateway: one place that opens, finds, lists and ends them.
 *
 * - `createSession` opens a session after a user proved who they are (any method: zkimg-1, passkey,
 *   an upstream provider ...). Its absolute lifetime bounds every refresh token issued in it.
 * - A session issues tokens only while it has not ended and has not reached `expiresAt`
 *   (`findActiveSession`); `reauthenticate` records a new proof (the ID token's `auth_time`).
 * - Ending a session (logout, refresh-token reuse, code replay) revokes its refresh-token families
 *   (and tokens stored one per document by earlier versions) with one `updateMany`; access tokens
 *   name their session (`sid`) and the bearer scheme refuses a token whose session has ended
 *   (security/bearer-jwt.ts), so they stop at once, not at their `exp`.
 * - `endUserSessions` cuts a user off (disabling, deletion, a password reset): every open session
 *   of the user ends (Directory sessions and SSO grants included) and every refresh token of the
 *   user is revoked, in one `updateMany` each. A
 *   login racing with the cut cannot yield a token: every token issue reads the user and refuses a
 *   disabled or missing one (oauth/token-set.ts). API keys are not revoked by disabling:
 *   authentication refuses a key whose owner is disabled or gone (api-keys.ts); deletion revokes
 *   them (user-removal.ts). users.ts applies this whenever an update disables a user.
 * - Each token issue is recorded (time, address, user agent): on the refresh-token family it starts
 *   or rotates, in that same write (oauth/refresh-tokens.ts), else on the session
 *   (`recordTokenIssue`). `listUserSessions` answers each session with the latest of both.
 * All state changes are single-document guarded updates or one `updateMany`; no transactions.
 */
import { randomUUID } from 'node:crypto';
import type { SessionDoc, Store, UserDoc } from '../store/collections.ts';
import { amrOfMethod } from './amr.ts';

/** Absolute session lifetime: refresh tokens never outlive their session. */
export const SESSION_TTL_SECONDS = 30 * 86_400;

export type LoginMethod = SessionDoc['method'];

export interface NewSession {
  tenantId: string;
  userId: string;
  method: LoginMethod;
  /** RFC 8176 values of the proof (identity/amr.ts); by default what `method` alone says */
  amr?: readonly string[];
  ip: string;
  userAgent: string;
  /** Absolute lifetime; `SESSION_TTL_SECONDS` by default. */
  ttlSeconds?: number;
}

export async function createSession(store: Store, input: NewSession, now = new Date()): Promise<SessionDoc> {
  const session: SessionDoc = {
    _id: randomUUID(),
    tenantId: input.tenantId,
    userId: input.userId,
    method: input.method,
    amr: [...(input.amr ?? amrOfMethod(input.method))],
    ip: input.ip || null,
    userAgent: input.userAgent || null,
    createdAt: now,
    authTime: now,
    lastSeenAt: now,
    lastSeenIp: input.ip || null,
    lastSeenUserAgent: input.userAgent || null,
    tokenIssuedAt: null,
    tokenIssueIp: null,
    tokenIssueUserAgent: null,
    expiresAt: new Date(now.getTime() + (input.ttlSeconds ?? SESSION_TTL_SECONDS) * 1000),
    endedAt: null,
  };
  await store.sessions.insertOne(session);
  return session;
}

export function findActiveSession(store: Store, tenantId: string, sessionId: string, now = new Date()): Promise<SessionDoc | null> {
  return store.sessions.findOne({ _id: sessionId, tenantId, endedAt: null, expiresAt: { $gt: now } });
}

/**
 * The open session and its user's record in one command (a `$lookup` by primary key): what a
 * bearer token bound to the session needs on every request. The user is null when gone or of
 * another tenant.
 */
export async function findActiveSessionWithUser(store: Store, tenantId: string, sessionId: string, now = new Date()): Promise<{ session: SessionDoc; user: UserDoc | null } | null> {
  const [found] = await store.sessions
    .aggregate<SessionDoc & { users: UserDoc[] }>([
      { $match: { _id: sessionId, tenantId, endedAt: null, expiresAt: { $gt: now } } },
      { $lookup: { from: store.users.collectionName, localField: 'userId', foreignField: '_id', as: 'users' } },
    ])
    .toArray();
  if (found === undefined) return null;
  const { users, ...session } = found;
  return { session, user: users.find((u) => u.tenantId === tenantId) ?? null };
}

/**
 * The user's open sessions (not ended, not expired), newest first, at most `limit`, and how many
 * there are; each with its latest token issue and access, whether recorded on the session or on
 * one of its refresh-token families (one more read, by the families' `session` index).
 */
export async function listUserSessions(
  store: Store,
  tenantId: string,
  userId: string,
  options: { limit: number },
  now = new Date(),
): Promise<{ sessions: SessionDoc[]; total: number }> {
  const filter = { tenantId, userId, endedAt: null, expiresAt: { $gt: now } };
  const [sessions, total] = await Promise.all([
    store.sessions.find(filter).sort({ createdAt: -1, _id: -1 }).limit(options.limit).toArray(),
    store.sessions.countDocuments(filter),
  ]);
  return { sessions: await withFamilyIssues(store, tenantId, sessions), total };
}

async function withFamilyIssues(store: Store, tenantId: string, sessions: SessionDoc[]): Promise<SessionDoc[]> {
  if (sessions.length === 0) return sessions;
  type Issue = { sessionId: string; issuedAt: Date; issueIp: string | null; issueUserAgent: string | null };
  const issues = await store.refreshTokens
    .find<Issue>(
      { tenantId, sessionId: { $in: sessions.map((s) => s._id) }, issuedAt: { $exists: true } },
      { projection: { _id: 0, sessionId: 1, issuedAt: 1, issueIp: 1, issueUserAgent: 1 } },
    )
    .toArray();
  const latest = new Map<string, Issue>();
  for (const f of issues) {
    const seen = latest.get(f.sessionId);
    if (seen === undefined || f.issuedAt > seen.issuedAt) latest.set(f.sessionId, f);
  }
  return sessions.map((s) => {
    const f = latest.get(s._id);
    if (f === undefined) return s;
    const issue = s.tokenIssuedAt !== null && s.tokenIssuedAt >= f.issuedAt ? null : { tokenIssuedAt: f.issuedAt, tokenIssueIp: f.issueIp, tokenIssueUserAgent: f.issueUserAgent };
    const seen = s.lastSeenAt >= f.issuedAt ? null : { lastSeenAt: f.issuedAt, lastSeenIp: f.issueIp, lastSeenUserAgent: f.issueUserAgent };
    return { ...s, ...issue, ...seen };
  });
}

/**
 * A new proof of the user in an open session (a step-up): `authTime` moves and the proof's `amr`
 * values join the session's, with `mfa` (a second, independent proof); null when the session is
 * not open. One guarded update (`$addToSet`), so concurrent step-ups each add their values.
 */
export function reauthenticate(store: Store, tenantId: string, sessionId: string, amr: readonly string[], now = new Date()): Promise<SessionDoc | null> {
  return store.sessions.findOneAndUpdate(
    { _id: sessionId, tenantId, endedAt: null, expiresAt: { $gt: now } },
    { $set: { authTime: now, lastSeenAt: now }, $addToSet: { amr: { $each: [...amr, 'mfa'] } } },
    { returnDocument: 'after' },
  );
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

/** Ends the session (idempotent) and revokes every refresh-token family issued in it; true when it was open. */
export async function endSession(store: Store, tenantId: string, sessionId: string, reason: string, now = new Date()): Promise<boolean> {
  const ended = await store.sessions.updateOne({ _id: sessionId, tenantId, endedAt: null }, { $set: { endedAt: now } });
  await store.refreshTokens.updateMany({ sessionId, tenantId, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } });
  return ended.modifiedCount === 1;
}

/** Ends every open session of the user and revokes every refresh token of the user. */
export async function endUserSessions(store: Store, tenantId: string, userId: string, reason: string, now = new Date()): Promise<void> {
  await store.sessions.updateMany({ tenantId, userId, endedAt: null }, { $set: { endedAt: now } });
  await store.refreshTokens.updateMany({ tenantId, userId, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } });
  // Directory sessions and SSO grants (identity/directory/) end with them.
  await store.directorySessions.updateMany({ tenantId, userId, closedAt: null }, { $set: { closedAt: now } });
  await store.directorySso.updateMany({ tenantId, userId, revokedAt: null }, { $set: { revokedAt: now } });
}
