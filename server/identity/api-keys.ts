/**
 * API keys: tenant-bound, scoped, revocable bearer secrets (X-API-Key in the Vault,
 * Basic `<key>:` in Passkeys, the token-exchange API's keys).
 *
 * Key format (`generated` keys): `gk_<id>_<secret>`, where `id` is 24 hex digits (96 random bits,
 * no `_`, so the value splits unambiguously) and `secret` is 32 random bytes in base64url. The id
 * lets authentication find the record by primary key; the SHA-256 of the WHOLE value is stored and
 * compared in constant time (secrets/hash.ts says why no slow KDF is needed). The value is returned
 * once, at creation or regeneration, and never stored.
 *
 * A key owned by a user authenticates only while that user exists in the key's tenant and is not
 * disabled (sessions.ts: what disabling does).
 *
 * Operator-chosen keys (`imported`, e.g. GATEWAY_BOOTSTRAP_KEY): any value of at least 24 characters
 * that is not in the `gk_` form gets the id `imp_` + the first 24 hex digits of SHA-256("api-key-id:"
 * + value), so it is found the same way, by an id derived from the presented value.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Filter } from 'mongodb';
import type { ApiKeyDoc, Store, UserDoc } from '../store/collections.ts';
import type { Clock } from './clock.ts';
import { IdentityError, isDuplicateKeyError } from './errors.ts';
import { hashSecret, randomSecret, verifySecretHash } from './secrets/hash.ts';

export const ALL_SCOPES = '*';
export const IMPORTED_KEY_MIN_LENGTH = 24;
/** How long an expired key stays listable (as expired) before the TTL index removes it. */
export const EXPIRED_KEY_RETENTION_DAYS = 90;
/** Last use is written at most once per key per this interval, so busy keys do not cause a write per request. */
export const LAST_USE_WRITE_INTERVAL_MS = 60_000;

const GENERATED = /^gk_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

/** The id under which a presented value is stored, or null when the value cannot be a key. */
export function apiKeyIdOf(value: string): string | null {
  const match = GENERATED.exec(value);
  if (match) return match[1];
  if (value.startsWith('gk_') || value.length < IMPORTED_KEY_MIN_LENGTH || value.length > 512) return null;
  return 'imp_' + createHash('sha256').update('api-key-id:' + value, 'utf8').digest('hex').slice(0, 24);
}

/** What an authenticated API key may act as; handlers receive it as the principal. */
export interface ApiKeyPrincipal {
  keyId: string;
  tenantId: string;
  ownerId: string | null;
  scopes: string[];
  name: string;
  /** the owner's record, read with the key (an active user of the key's tenant), so callers need not read it again */
  owner?: UserDoc;
}

/** Whether `granted` covers `needed`: exact match, or `*` for every scope. */
export function hasScope(granted: readonly string[], needed: string): boolean {
  return granted.includes(ALL_SCOPES) || granted.includes(needed);
}

/** Tenant binding and scope check in one place: the key acts only inside its tenant and its scopes. */
export function keyAllows(principal: ApiKeyPrincipal, required: { tenantId?: string; scope?: string }): boolean {
  if (required.tenantId !== undefined && required.tenantId !== principal.tenantId) return false;
  if (required.scope !== undefined && !hasScope(principal.scopes, required.scope)) return false;
  return true;
}

export interface CreateApiKeyInput {
  tenantId: string;
  ownerId?: string | null;
  name?: string;
  scopes: string[];
  expiresAt?: Date | null;
  /** An operator-chosen value (≥ 24 characters) instead of a generated one. */
  value?: string;
}

/** Position in a newest-first listing: the last key of the previous page. */
export interface ApiKeyCursor {
  createdAt: Date;
  id: string;
}

export interface ApiKeyPageOptions {
  /** Only this owner's keys. */
  ownerId?: string;
  /** Only keys granted exactly this scope (an API's own keys among the tenant's). */
  scope?: string;
  includeRevoked?: boolean;
  includeExpired?: boolean;
  after?: ApiKeyCursor | null;
  limit: number;
}

export interface UseInfo {
  ip?: string | null;
  userAgent?: string | null;
}

export interface ApiKeyService {
  /** Returns the record and the key value, which is shown once and never stored. */
  create(input: CreateApiKeyInput): Promise<{ key: ApiKeyDoc; value: string }>;
  get(tenantId: string, keyId: string): Promise<ApiKeyDoc | null>;
  list(tenantId: string, options?: { ownerId?: string | null; includeRevoked?: boolean }): Promise<ApiKeyDoc[]>;
  /** A tenant's keys newest first, `limit` at a time; `next` is the cursor of the following page, if any. */
  page(tenantId: string, options: ApiKeyPageOptions): Promise<{ items: ApiKeyDoc[]; next: ApiKeyCursor | null }>;
  revoke(tenantId: string, keyId: string): Promise<boolean>;
  /** New secret, same id, scopes and owner; the old value stops working at once. */
  regenerate(tenantId: string, keyId: string): Promise<{ key: ApiKeyDoc; value: string } | null>;
  authenticate(value: string, use?: UseInfo): Promise<ApiKeyPrincipal | null>;
}

function newGeneratedValue(): { id: string; value: string } {
  const id = randomBytes(12).toString('hex');
  return { id, value: `gk_${id}_${randomSecret(32)}` };
}

export function createApiKeyService(store: Store, clock: Clock): ApiKeyService {
  const recordUse = async (key: ApiKeyDoc, use: UseInfo, now: Date) => {
    // The record was just read, so most requests of a busy key skip the write on its own lastUsedAt;
    // the guard in the update keeps the at-most-once-a-minute rule when instances race.
    const threshold = new Date(now.getTime() - LAST_USE_WRITE_INTERVAL_MS);
    if (key.lastUsedAt !== null && key.lastUsedAt.getTime() > threshold.getTime()) return;
    await store.apiKeys.updateOne(
      { _id: key._id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lte: threshold } }] },
      { $set: { lastUsedAt: now, lastUsedIp: use.ip ?? null, lastUsedUserAgent: use.userAgent ?? null } },
    );
  };

  /**
   * A key acts for its owner, so it stops while the owner is disabled and for good once the owner
   * is gone. The owner is read on every use rather than mirrored onto the key: a copied flag would
   * need every path that disables or re-enables a user to update keys too, and could lag behind
   * the user's record between instances; the user record is the one source of truth. The key and
   * its owner come in one command (a `$lookup` by primary key), one round trip per use.
   */
  const keyWithOwner = async (id: string): Promise<{ key: ApiKeyDoc; owner: UserDoc | null } | null> => {
    const [found] = await store.apiKeys
      .aggregate<ApiKeyDoc & { owners: UserDoc[] }>([{ $match: { _id: id } }, { $lookup: { from: store.users.collectionName, localField: 'ownerId', foreignField: '_id', as: 'owners' } }])
      .toArray();
    if (found === undefined) return null;
    const { owners, ...key } = found;
    return { key, owner: owners.find((u) => u.tenantId === key.tenantId) ?? null };
  };
  const ownerActive = (owner: UserDoc | null): owner is UserDoc => owner !== null && owner.disabled !== true;

  const service: ApiKeyService = {
    async create({ tenantId, ownerId = null, name = '', scopes, expiresAt = null, value: chosen }) {
      let id: string;
      let value: string;
      if (chosen !== undefined) {
        const derived = apiKeyIdOf(chosen);
        if (derived === null) throw new IdentityError('request.invalid', `an operator-chosen API key must be ${IMPORTED_KEY_MIN_LENGTH} to 512 characters`);
        id = derived;
        value = chosen;
      } else {
        ({ id, value } = newGeneratedValue());
      }
      const key: ApiKeyDoc = {
        _id: id,
        tenantId,
        ownerId,
        name,
        scopes: [...scopes],
        secretHash: hashSecret(value),
        source: chosen !== undefined && !GENERATED.test(chosen) ? 'imported' : 'generated',
        createdAt: clock(),
        expiresAt,
        purgeAt: expiresAt === null ? null : new Date(expiresAt.getTime() + EXPIRED_KEY_RETENTION_DAYS * 86_400_000),
        revokedAt: null,
        lastUsedAt: null,
        lastUsedIp: null,
        lastUsedUserAgent: null,
      };
      try {
        await store.apiKeys.insertOne(key);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new IdentityError('resource.conflict', 'an API key with this value already exists');
        throw error;
      }
      return { key, value };
    },

    get: (tenantId, keyId) => store.apiKeys.findOne({ _id: keyId, tenantId }),

    list(tenantId, { ownerId, includeRevoked = false } = {}) {
      const filter: Record<string, unknown> = { tenantId };
      if (ownerId !== undefined) filter.ownerId = ownerId;
      if (!includeRevoked) filter.revokedAt = null;
      return store.apiKeys.find(filter).sort({ createdAt: 1, _id: 1 }).toArray();
    },

    async page(tenantId, { ownerId, scope, includeRevoked = false, includeExpired = false, after = null, limit }) {
      const and: Filter<ApiKeyDoc>[] = [{ tenantId }];
      if (ownerId !== undefined) and.push({ ownerId });
      if (scope !== undefined) and.push({ scopes: scope });
      if (!includeRevoked) and.push({ revokedAt: null });
      if (!includeExpired) and.push({ $or: [{ expiresAt: null }, { expiresAt: { $gt: clock() } }] });
      // Keyset paging on (createdAt, _id) descending: stable while keys are added or revoked.
      if (after !== null) and.push({ $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }] });
      const docs = await store.apiKeys.find({ $and: and }).sort({ createdAt: -1, _id: -1 }).limit(limit + 1).toArray();
      const items = docs.slice(0, limit);
      const last = items.at(-1);
      return { items, next: docs.length > limit && last ? { createdAt: last.createdAt, id: last._id } : null };
    },

    async revoke(tenantId, keyId) {
      const result = await store.apiKeys.updateOne({ _id: keyId, tenantId, revokedAt: null }, { $set: { revokedAt: clock() } });
      return result.modifiedCount === 1;
    },

    async regenerate(tenantId, keyId) {
      const secret = randomSecret(32);
      const value = `gk_${keyId}_${secret}`;
      // Imported ids (`imp_...`) cannot carry a generated value; a regenerated key gets a new id then.
      if (!GENERATED.test(value)) {
        const old = await store.apiKeys.findOne({ _id: keyId, tenantId, revokedAt: null });
        if (old === null) return null;
        const fresh = await service.create({ tenantId, ownerId: old.ownerId, name: old.name, scopes: old.scopes, expiresAt: old.expiresAt });
        await service.revoke(tenantId, keyId);
        return fresh;
      }
      const key = await store.apiKeys.findOneAndUpdate(
        { _id: keyId, tenantId, revokedAt: null },
        { $set: { secretHash: hashSecret(value), source: 'generated' } },
        { returnDocument: 'after' },
      );
      return key === null ? null : { key, value };
    },

    async authenticate(value, use = {}) {
      const id = apiKeyIdOf(value);
      if (id === null) return null;
      const now = clock();
      const found = await keyWithOwner(id);
      const key = found?.key ?? null;
      // Compare the hash even for revoked or expired keys, so timing does not tell them apart from live ones.
      const matches = key !== null && verifySecretHash(value, key.secretHash);
      if (!matches || key.revokedAt !== null) return null;
      if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) return null;
      const owner = found!.owner;
      if (key.ownerId !== null && !ownerActive(owner)) return null;
      await recordUse(key, use, now);
      return { keyId: key._id, tenantId: key.tenantId, ownerId: key.ownerId, scopes: key.scopes, name: key.name, ...(key.ownerId !== null && owner ? { owner } : {}) };
    },
  };
  return service;
}
