/**
 * Refresh tokens (RFC 6749 §6, §10.4; OAuth 2.0 Security BCP, RFC 9700 §4.14.2), one document per
 * family (store/collections.ts `RefreshFamilyDoc`):
 * - a token is `<family key>.<secret>`, two random values (128 and 256 bits); the store keeps only
 *   their SHA-256: the key's is the family document's `_id`, the current secret's is `current`;
 * - bound to the issuer (the API's token profile), client, user, session and scope. The issuer
 *   binding keeps one API's refresh token from being redeemed at another API's token endpoint for
 *   the same tenant and client id. A token expires `REFRESH_TOKEN_TTL_SECONDS` after its issue and
 *   never outlives the session (the family's `expiresAt` is the session's);
 * - rotated on every use: ONE guarded update of the family document matches the presented secret
 *   as the current one (with the binding, not revoked, not expired) and sets its successor's, so of
 *   two racing uses exactly one wins, and the rotation is also the successor's issue;
 * - presenting any other secret of the family (an earlier token, or the loser of a race) is reuse,
 *   the sign of a stolen token: the family is revoked and the session ends (which revokes the
 *   session's other families too). The key is random and appears only in the family's tokens, so
 *   only someone who holds one of them can present it: reuse is detected however many rotations
 *   ago the token was issued, with no list of spent secrets to keep. Another client's or another
 *   issuer's token is "invalid", never "reuse": a client cannot revoke someone else's family;
 * - a token stored one document per token by earlier versions (a single value, no key part) is
 *   still honoured: it rotates in its own document as before, and its successor starts a family
 *   document with the same `familyId`, under the issuer of the endpoint it was redeemed at; a second
 *   use of it is reuse as before.
 * Every lookup is by `_id`; every state change a single-document guarded update or one
 * `updateMany`; no transactions.
 */
import type { RefreshFamilyDoc, RefreshTokenDoc, Store } from '../../store/collections.ts';
import { hashSecret, randomSecret } from '../secrets/hash.ts';
import { endSession } from '../sessions.ts';

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

/** What a refresh token grants: the token set of a refresh is issued from it. */
export interface RefreshGrant {
  tenantId: string;
  clientId: string;
  userId: string;
  sessionId: string;
  familyId: string;
  scope: string[];
  authTime: Date;
}

/** Where and how a token was asked for: recorded with the issue. */
export interface TokenIssue {
  ip: string;
  userAgent: string;
}

export type RefreshUse =
  /** `token` is the successor, already stored; `ref` names the family document (`narrowRefreshFamily`). */
  | { outcome: 'rotated'; grant: RefreshGrant; token: string; ref: string }
  | { outcome: 'reused'; grant: RefreshGrant }
  | { outcome: 'invalid' };

const KEY_BYTES = 16;
const SECRET_BYTES = 32;

const isFamily = (doc: RefreshTokenDoc): doc is RefreshFamilyDoc => typeof doc.current === 'string';

const grantOf = (doc: RefreshGrant): RefreshGrant => ({
  tenantId: doc.tenantId,
  clientId: doc.clientId,
  userId: doc.userId,
  sessionId: doc.sessionId,
  familyId: doc.familyId,
  scope: doc.scope,
  authTime: doc.authTime,
});

const issueFields = (issue: TokenIssue, now: Date) => ({
  currentExpiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000),
  issuedAt: now,
  issueIp: issue.ip || null,
  issueUserAgent: issue.userAgent || null,
});

/** The key and secret of a token of the current layout; null for any other value. */
function splitToken(token: string): { key: string; secret: string } | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot === token.length - 1 || token.indexOf('.', dot + 1) !== -1) return null;
  return { key: token.slice(0, dot), secret: token.slice(dot + 1) };
}

/**
 * A new family and its first token, for a grant issued under `issuer` in a session ending at
 * `sessionExpiresAt`; the issue is recorded on the family.
 */
export async function startRefreshFamily(store: Store, input: RefreshGrant & { issuer: string }, sessionExpiresAt: Date, issue: TokenIssue, now = new Date()): Promise<{ token: string; ref: string }> {
  const key = randomSecret(KEY_BYTES);
  const secret = randomSecret(SECRET_BYTES);
  const family: RefreshFamilyDoc = {
    _id: hashSecret(key),
    ...grantOf(input),
    issuer: input.issuer,
    createdAt: now,
    expiresAt: sessionExpiresAt,
    current: hashSecret(secret),
    rotations: 0,
    ...issueFields(issue, now),
    revokedAt: null,
    revokedReason: null,
  };
  await store.refreshTokens.insertOne(family);
  return { token: `${key}.${secret}`, ref: family._id };
}

/**
 * Rotates the client's token of `issuer`, answering its successor; on reuse, revokes its family
 * and ends its session.
 */
export async function useRefreshToken(
  store: Store,
  tenantId: string,
  clientId: string,
  issuer: string,
  token: string,
  issue: TokenIssue,
  now = new Date(),
  options: { redeemsUnbound?: boolean } = {},
): Promise<RefreshUse> {
  const parts = splitToken(token);
  if (parts === null) return useStoredToken(store, tenantId, clientId, issuer, options.redeemsUnbound === true, token, issue, now);
  const ours = { _id: hashSecret(parts.key), tenantId, clientId, issuer };
  const presented = hashSecret(parts.secret);
  const secret = randomSecret(SECRET_BYTES);
  const rotated = await store.refreshTokens.findOneAndUpdate(
    { ...ours, current: presented, revokedAt: null, expiresAt: { $gt: now }, currentExpiresAt: { $gt: now } },
    { $set: { current: hashSecret(secret), ...issueFields(issue, now) }, $inc: { rotations: 1 } },
    { returnDocument: 'after' },
  );
  if (rotated !== null) return { outcome: 'rotated', grant: grantOf(rotated), token: `${parts.key}.${secret}`, ref: rotated._id };
  const family = await store.refreshTokens.findOne(ours);
  // Unknown, or the current token of a revoked or expired family: invalid, nothing to revoke.
  if (family === null || !isFamily(family) || family.current === presented) return { outcome: 'invalid' };
  return reused(store, family, now);
}

/** A token stored one document per token by an earlier version: rotated there, its successor starts a family document. */
async function useStoredToken(store: Store, tenantId: string, clientId: string, issuer: string, redeemsUnbound: boolean, token: string, issue: TokenIssue, now: Date): Promise<RefreshUse> {
  // A token stored without an issuer predates the binding and is the Vault's: `null` matches it at
  // the Vault's endpoint only (TokenProfile.redeemsUnboundRefreshTokens); elsewhere it is unknown,
  // neither redeemed nor taken for reuse.
  const ours = { _id: hashSecret(token), tenantId, clientId, issuer: redeemsUnbound ? { $in: [issuer, null] } : issuer, current: { $exists: false } };
  const spent = await store.refreshTokens.findOneAndUpdate(
    { ...ours, rotatedAt: null, revokedAt: null, expiresAt: { $gt: now } },
    { $set: { rotatedAt: now } },
    { returnDocument: 'after' },
  );
  if (spent !== null) {
    // The family keeps the stored token's end, which is never past its session's.
    const successor = await startRefreshFamily(store, { ...grantOf(spent), issuer }, spent.expiresAt, issue, now);
    return { outcome: 'rotated', grant: grantOf(spent), ...successor };
  }
  const existing = await store.refreshTokens.findOne(ours);
  if (existing === null || isFamily(existing) || existing.rotatedAt === null) return { outcome: 'invalid' };
  return reused(store, existing, now);
}

async function reused(store: Store, doc: RefreshTokenDoc, now: Date): Promise<RefreshUse> {
  await revokeFamily(store, doc.tenantId, doc.familyId, 'refresh_token_reuse', now);
  await endSession(store, doc.tenantId, doc.sessionId, 'refresh_token_reuse', now);
  return { outcome: 'reused', grant: grantOf(doc) };
}

/**
 * Drops scopes from a family whose token set was issued with less than it grants (a narrower
 * `scope` asked for, or a scope the client may no longer be granted): its next token grants no
 * more than this one did. Removing values is safe under concurrency (`$pull`).
 */
export async function narrowRefreshFamily(store: Store, ref: string, dropped: readonly string[]): Promise<void> {
  if (dropped.length > 0) await store.refreshTokens.updateOne({ _id: ref }, { $pull: { scope: { $in: [...dropped] } } });
}

/** Revokes every token of the family, in both layouts. */
export async function revokeFamily(store: Store, tenantId: string, familyId: string, reason: string, now = new Date()): Promise<number> {
  const result = await store.refreshTokens.updateMany({ tenantId, familyId, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } });
  return result.modifiedCount;
}
