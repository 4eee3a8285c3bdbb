/**
 * zkimg-1 login challenges (docs/zkimg-1.md, Challenge step 2 and Verification step 1).
 *
 * A challenge is a UUID v4 and 32 random bytes, bound to one user of one tenant, valid 120 s, and
 * answers once, right or wrong: Authenticate consumes it with one guarded `findOneAndUpdate` that
 * checks existence, owner, tenant, expiry and `usedAt: null` in the same atomic step, so two
 * concurrent answers (on any gateway instance) cannot both use it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Store, ZkimgChallengeDoc } from '../../store/collections.ts';
import type { OpenedCommitment } from './commitments.ts';

export const CHALLENGE_TTL_SECONDS = 120;

export async function createChallenge(
  store: Store,
  input: { tenantId: string; userId: string; proofKey?: ZkimgChallengeDoc['proofKey'] },
  now = new Date(),
): Promise<ZkimgChallengeDoc> {
  const doc: ZkimgChallengeDoc = {
    _id: randomUUID(),
    tenantId: input.tenantId,
    userId: input.userId,
    nonce: randomBytes(32).toString('base64url'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000),
    usedAt: null,
    ...(input.proofKey ? { proofKey: input.proofKey } : {}),
  };
  await store.zkimgChallenges.insertOne(doc);
  return doc;
}

/** challenge_data = b64u(JSON {"id", "nonce", "helper", "n", "r", "dim", "alg"}) (Challenge step 3). */
export function encodeChallengeData(challenge: ZkimgChallengeDoc, commitment: OpenedCommitment): string {
  const json = JSON.stringify({
    id: challenge._id,
    nonce: challenge.nonce,
    helper: commitment.helper,
    n: commitment.n,
    r: commitment.r,
    dim: commitment.dim,
    alg: commitment.alg,
  });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Marks the challenge used if it exists, is this user's in this tenant, is unexpired and unused.
 * Returns it, or null (unknown, another user's, expired or already answered: one refusal for all).
 */
export function consumeChallenge(store: Store, input: { id: string; tenantId: string; userId: string }, now = new Date()): Promise<ZkimgChallengeDoc | null> {
  return store.zkimgChallenges.findOneAndUpdate(
    { _id: input.id, tenantId: input.tenantId, userId: input.userId, usedAt: null, expiresAt: { $gt: now } },
    { $set: { usedAt: now } },
    { returnDocument: 'after' },
  );
}
