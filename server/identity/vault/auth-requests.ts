/**
 * Pending OpenID authorization requests (`auth_req_id`), between `authorize` and
 * `authorize/complete` (seed-inventory §5 items 2-3).
 * - `authorize` stores the request once it has passed every check; the login page carries its id.
 * - A request lives 10 minutes and yields at most one authorization code: completing it is one
 *   guarded update on `completedAt: null` (no transactions), so two racing completions cannot
 *   both succeed.
 */
import { randomSecret } from '../secrets/hash.ts';
import type { AuthRequestDoc, Store } from '../../store/collections.ts';

export const AUTH_REQUEST_TTL_SECONDS = 600;

export type NewAuthRequest = Omit<AuthRequestDoc, '_id' | 'createdAt' | 'expiresAt' | 'completedAt'>;

export async function createAuthRequest(store: Store, input: NewAuthRequest, now = new Date()): Promise<AuthRequestDoc> {
  const doc: AuthRequestDoc = {
    _id: randomSecret(18),
    ...input,
    createdAt: now,
    expiresAt: new Date(now.getTime() + AUTH_REQUEST_TTL_SECONDS * 1000),
    completedAt: null,
  };
  await store.authRequests.insertOne(doc);
  return doc;
}

/** The tenant's auth request if it exists, has not expired and has not yielded a code yet. */
export function findPendingAuthRequest(store: Store, tenantId: string, authReqId: string, now = new Date()): Promise<AuthRequestDoc | null> {
  return store.authRequests.findOne({ _id: authReqId, tenantId, completedAt: null, expiresAt: { $gt: now } });
}

/** Marks the request completed; null when another completion won the race or it expired meanwhile. */
export function completeAuthRequest(store: Store, tenantId: string, authReqId: string, now = new Date()): Promise<AuthRequestDoc | null> {
  return store.authRequests.findOneAndUpdate(
    { _id: authReqId, tenantId, completedAt: null, expiresAt: { $gt: now } },
    { $set: { completedAt: now } },
    { returnDocument: 'after' },
  );
}
