/**
 * Per-issuer signing key sets (docs/architecture.md, Tokens).
 *
 * - Algorithms: EdDSA (Ed25519) by default, ES256 (P-256), and RS256 for ID tokens a client asks for
 *   (the Vault's `sing_alg`); keys are generated with node:crypto.
 * - `kid` is the RFC 7638 JWK thumbprint (SHA-256) of the public key, so it is stable and globally unique.
 * - The private JWK is sealed under the master key (purpose `signing-key`); only the public JWK is stored in clear.
 * - One active key per issuer and algorithm, enforced by a unique partial index: two instances
 *   creating the first key at once both insert, one gets 11000 and adopts the winner's key.
 * - Rotation retires the active key with a publish window (`expiresAt` = now + overlap): it no
 *   longer signs, but stays in the JWKS and verifies until the window ends, then the TTL index
 *   removes it. Choose overlap ≥ the longest token lifetime + the cache TTL below, since another
 *   instance may sign with its cached active key for up to that TTL after a rotation.
 * - Caches: the opened private KeyObject per kid (opened once), the active kid per issuer+alg and
 *   the published set per issuer for `cacheTtlMs`, so the hot path does not query the database.
 */
import { generateKeyPairSync, createPrivateKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Logger } from 'pino';
import type { SigningAlg, SigningKeyDoc, Store } from '../store/collections.ts';
import type { Clock } from './clock.ts';
import { isDuplicateKeyError } from './errors.ts';
import type { Sealer } from './secrets/seal.ts';

export const SEAL_PURPOSE = 'signing-key';
export const DEFAULT_CACHE_TTL_MS = 30_000;
/** Publish window given to an active key whose private half can no longer be opened (master key changed). */
const UNREADABLE_KEY_OVERLAP_S = 3600;

export interface ActiveSigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
}

/** A key that verifies tokens of its issuer while published. */
export interface PublishedKey {
  kid: string;
  alg: SigningAlg;
  jwk: JWK;
  /** Raw public key for the crypto core: Ed25519 32 bytes; P-256 SEC1 uncompressed 65 bytes; null for RSA. */
  raw: Uint8Array | null;
  /** End of the publish window, null while active. */
  expiresAt: Date | null;
}

export interface SigningKeyService {
  activeKey(issuer: string, alg?: SigningAlg): Promise<ActiveSigningKey>;
  rotate(issuer: string, alg: SigningAlg, overlapSeconds: number): Promise<{ kid: string; retiredKid: string | null }>;
  jwks(issuer: string): Promise<{ keys: JWK[] }>;
  /** The issuer's key `kid` if currently published, from the cache when fresh. */
  findKey(issuer: string, kid: string): Promise<PublishedKey | null>;
  /** Drops every cached entry (tests, and after an operator action on another instance). */
  clearCache(): void;
}

const GENERATORS: Record<SigningAlg, () => { publicKey: KeyObject; privateKey: KeyObject }> = {
  EdDSA: () => generateKeyPairSync('ed25519'),
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

function rawPublicKey(alg: SigningAlg, jwk: JWK): Uint8Array | null {
  if (alg === 'EdDSA') return Buffer.from(jwk.x ?? '', 'base64url');
  if (alg === 'ES256') {
    return Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  }
  return null;
}

function published(doc: SigningKeyDoc): PublishedKey {
  const jwk: JWK = { ...doc.publicJwk, kid: doc._id, alg: doc.alg, use: 'sig' };
  return { kid: doc._id, alg: doc.alg, jwk, raw: rawPublicKey(doc.alg, jwk), expiresAt: doc.expiresAt };
}

export function createSigningKeyService(options: {
  store: Store;
  sealer: Sealer;
  clock: Clock;
  logger?: Logger;
  cacheTtlMs?: number;
}): SigningKeyService {
  const { store, sealer, clock, logger, cacheTtlMs = DEFAULT_CACHE_TTL_MS } = options;
  const privateKeys = new Map<string, KeyObject>();
  const activeCache = new Map<string, { kid: string; alg: SigningAlg; loadedAt: number }>();
  const setCache = new Map<string, { keys: Map<string, PublishedKey>; loadedAt: number }>();

  const openPrivate = (doc: SigningKeyDoc): KeyObject => {
    let key = privateKeys.get(doc._id);
    if (key === undefined) {
      const jwk = JSON.parse(sealer.openText(SEAL_PURPOSE, doc.sealedPrivateJwk)) as JWK;
      key = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
      privateKeys.set(doc._id, key);
    }
    return key;
  };

  const generate = async (issuer: string, alg: SigningAlg): Promise<SigningKeyDoc> => {
    const pair = GENERATORS[alg]();
    const publicJwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const privateJwk = pair.privateKey.export({ format: 'jwk' });
    const kid = await calculateJwkThumbprint(publicJwk as JWK, 'sha256');
    privateKeys.set(kid, pair.privateKey);
    return {
      _id: kid,
      issuer,
      alg,
      status: 'active',
      publicJwk,
      sealedPrivateJwk: sealer.seal(SEAL_PURPOSE, JSON.stringify(privateJwk)),
      createdAt: clock(),
      retiredAt: null,
      expiresAt: null,
    };
  };

  /** Inserts a new active key, or adopts the one another instance inserted first. */
  const insertActive = async (issuer: string, alg: SigningAlg): Promise<SigningKeyDoc> => {
    const doc = await generate(issuer, alg);
    try {
      await store.signingKeys.insertOne(doc);
      return doc;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      privateKeys.delete(doc._id);
      const winner = await store.signingKeys.findOne({ issuer, alg, status: 'active' });
      if (winner === null) throw new Error(`no active ${alg} key for ${issuer} after a concurrent creation`);
      return winner;
    }
  };

  const retire = (issuer: string, alg: SigningAlg, overlapSeconds: number, onlyKid?: string) => {
    const now = clock();
    const filter = { issuer, alg, status: 'active' as const, ...(onlyKid ? { _id: onlyKid } : {}) };
    return store.signingKeys.findOneAndUpdate(
      filter,
      { $set: { status: 'retired', retiredAt: now, expiresAt: new Date(now.getTime() + overlapSeconds * 1000) } },
      { returnDocument: 'after' },
    );
  };

  const invalidate = (issuer: string) => {
    setCache.delete(issuer);
    for (const cacheKey of activeCache.keys()) if (cacheKey.startsWith(`${issuer}\u0000`)) activeCache.delete(cacheKey);
  };

  // One query in flight per issuer: concurrent cache misses share it.
  const loading = new Map<string, Promise<Map<string, PublishedKey>>>();
  const loadSet = (issuer: string): Promise<Map<string, PublishedKey>> => {
    let pending = loading.get(issuer);
    if (pending === undefined) {
      pending = (async () => {
        const now = clock();
        const docs = await store.signingKeys
          .find({ issuer, $or: [{ status: 'active' }, { expiresAt: { $gt: now } }] })
          .sort({ createdAt: -1 })
          .toArray();
        const keys = new Map(docs.map((doc) => [doc._id, published(doc)]));
        setCache.set(issuer, { keys, loadedAt: Date.now() });
        return keys;
      })().finally(() => loading.delete(issuer));
      loading.set(issuer, pending);
    }
    return pending;
  };

  const currentSet = async (issuer: string): Promise<Map<string, PublishedKey>> => {
    const cached = setCache.get(issuer);
    if (cached !== undefined && Date.now() - cached.loadedAt < cacheTtlMs) return cached.keys;
    return loadSet(issuer);
  };

  const isPublished = (key: PublishedKey) => key.expiresAt === null || key.expiresAt.getTime() > clock().getTime();

  const service: SigningKeyService = {
    async activeKey(issuer, alg = 'EdDSA') {
      const cacheKey = `${issuer}\u0000${alg}`;
      const cached = activeCache.get(cacheKey);
      if (cached !== undefined && Date.now() - cached.loadedAt < cacheTtlMs) {
        const privateKey = privateKeys.get(cached.kid);
        if (privateKey !== undefined) return { kid: cached.kid, alg, privateKey };
      }
      let doc = (await store.signingKeys.findOne({ issuer, alg, status: 'active' })) ?? (await insertActive(issuer, alg));
      let privateKey: KeyObject;
      try {
        privateKey = openPrivate(doc);
      } catch (error) {
        // Sealed under another master key (for instance an ephemeral one before a restart): keep
        // publishing its public half for a while, and sign with a fresh key from now on.
        logger?.error({ kid: doc._id, issuer, alg, err: error }, 'active signing key cannot be opened with this master key; rotating');
        await retire(issuer, alg, UNREADABLE_KEY_OVERLAP_S, doc._id);
        doc = await insertActive(issuer, alg);
        privateKey = openPrivate(doc);
        setCache.delete(issuer);
      }
      activeCache.set(cacheKey, { kid: doc._id, alg, loadedAt: Date.now() });
      return { kid: doc._id, alg, privateKey };
    },

    async rotate(issuer, alg, overlapSeconds) {
      if (!(overlapSeconds >= 0)) throw new RangeError('overlapSeconds must be a non-negative number');
      const retired = await retire(issuer, alg, overlapSeconds);
      const active = await insertActive(issuer, alg);
      invalidate(issuer);
      return { kid: active._id, retiredKid: retired?._id ?? null };
    },

    async jwks(issuer) {
      const keys = [...(await currentSet(issuer)).values()].filter(isPublished);
      return { keys: keys.map((key) => key.jwk) };
    },

    async findKey(issuer, kid) {
      let keys = await currentSet(issuer);
      let key = keys.get(kid);
      if (key === undefined) {
        // Possibly a key another instance created since our last load: reload. A made-up kid thus
        // costs one indexed query, like a made-up API key; concurrent misses share one query.
        keys = await loadSet(issuer);
        key = keys.get(kid);
      }
      return key !== undefined && isPublished(key) ? key : null;
    },

    clearCache() {
      activeCache.clear();
      setCache.clear();
    },
  };
  return service;
}
