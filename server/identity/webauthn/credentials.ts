/**
 * The credential store of the identity core: every passkey a user registered, through the Vault or
 * the Passkeys API (docs/architecture.md: the four APIs are facades over one identity core).
 *
 * - A credential id names at most one credential per tenant (unique index), so the id in an
 *   assertion finds the credential and its owner (WebAuthn §7.2 step 5). The same
 *   authenticator may hold credentials in several tenants; each is a record of its own tenant.
 * - Every query filters on the tenant; owner-scoped operations also on the user, so another
 *   user's passkey reads as absent.
 * - The signature counter only moves forward: `recordAssertion` is one update guarded on the
 *   counter it read (§6.1.1, §7.2 step 21), so two assertions that race with the same counter
 *   cannot both be accepted, on any gateway instance.
 */
import { randomUUID } from 'node:crypto';
import type { PasskeyCredentialDoc, Store, UserDoc } from '../../store/collections.ts';
import { isDuplicateKeyError } from '../errors.ts';

export const PASSKEY_NAME_MAX = 128;
/** A user may keep this many passkeys (excludeCredentials and listings stay small). */
export const MAX_PASSKEYS_PER_USER = 100;

export type NewCredential = Omit<PasskeyCredentialDoc, '_id' | 'createdAt' | 'updatedAt' | 'lastUsedAt' | 'lastUsedFrom'>;

/** Stores a verified credential; null when the tenant already holds a credential with its id. */
export async function saveCredential(store: Store, input: NewCredential, now = new Date()): Promise<PasskeyCredentialDoc | null> {
  const doc: PasskeyCredentialDoc = { _id: randomUUID(), ...input, createdAt: now, updatedAt: now, lastUsedAt: null, lastUsedFrom: null };
  try {
    await store.passkeyCredentials.insertOne(doc);
  } catch (error) {
    if (isDuplicateKeyError(error)) return null;
    throw error;
  }
  return doc;
}

export function findByCredentialId(store: Store, tenantId: string, credentialId: string): Promise<PasskeyCredentialDoc | null> {
  return store.passkeyCredentials.findOne({ tenantId, credentialId });
}

/**
 * The credential and its owner's record in one command (a `$lookup` by primary key): what every
 * assertion needs before the lockout is reserved. The owner is null when gone or of another tenant.
 */
export async function findCredentialWithOwner(
  store: Store,
  tenantId: string,
  credentialId: string,
): Promise<{ credential: PasskeyCredentialDoc; owner: UserDoc | null } | { credential: null; owner: null }> {
  const [found] = await store.passkeyCredentials
    .aggregate<PasskeyCredentialDoc & { owners: UserDoc[] }>([
      { $match: { tenantId, credentialId } },
      { $limit: 1 },
      { $lookup: { from: store.users.collectionName, localField: 'userId', foreignField: '_id', as: 'owners' } },
    ])
    .toArray();
  if (found === undefined) return { credential: null, owner: null };
  const { owners, ...credential } = found;
  return { credential, owner: owners.find((u) => u.tenantId === tenantId) ?? null };
}

export function listUserCredentials(store: Store, tenantId: string, userId: string): Promise<PasskeyCredentialDoc[]> {
  return store.passkeyCredentials.find({ tenantId, userId }).sort({ createdAt: 1, _id: 1 }).limit(MAX_PASSKEYS_PER_USER).toArray();
}

export function countUserCredentials(store: Store, tenantId: string, userId: string): Promise<number> {
  return store.passkeyCredentials.countDocuments({ tenantId, userId });
}

/** Renames the user's own passkey; false when the tenant has no such passkey of this user. */
export async function renameCredential(store: Store, input: { tenantId: string; userId: string; id: string; name: string }, now = new Date()): Promise<boolean> {
  const result = await store.passkeyCredentials.updateOne(
    { _id: input.id, tenantId: input.tenantId, userId: input.userId },
    { $set: { name: input.name, updatedAt: now } },
  );
  return result.matchedCount === 1;
}

/** Deletes the user's own passkey; false when the tenant has no such passkey of this user. */
export async function deleteCredential(store: Store, input: { tenantId: string; userId: string; id: string }): Promise<boolean> {
  const result = await store.passkeyCredentials.deleteOne({ _id: input.id, tenantId: input.tenantId, userId: input.userId });
  return result.deletedCount === 1;
}

export interface AssertionUse {
  newSignCount: number;
  backedUp: boolean;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Records an accepted assertion: the new counter, the backup state (BS may change over a
 * credential's life, §6.1.3) and where it was used. Null when the counter changed since it was read
 * (a concurrent assertion won): the caller refuses this one.
 */
export function recordAssertion(store: Store, credential: PasskeyCredentialDoc, use: AssertionUse, now = new Date()): Promise<PasskeyCredentialDoc | null> {
  return store.passkeyCredentials.findOneAndUpdate(
    { _id: credential._id, tenantId: credential.tenantId, signCount: credential.signCount },
    {
      $set: {
        signCount: use.newSignCount,
        backedUp: use.backedUp,
        lastUsedAt: now,
        lastUsedFrom: { ip: use.ip, userAgent: use.userAgent, country: null },
        updatedAt: now,
      },
    },
    { returnDocument: 'after' },
  );
}
