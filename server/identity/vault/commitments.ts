/**
 * zkimg-1 commitments at rest (docs/zkimg-1.md, Enrolment and Challenge step 1).
 *
 * The client sends `encrypted_commitment = b64u(iv || AES-256-GCM(K, iv, commitment JSON) || tag)`
 * with `K = HKDF-SHA256(ikm = cipherKey, salt = "zkimg-1", info = tenant_id ":" username)` and
 * `aad = "zkimg-1:" username`. The server cannot open it without `cipherKey`; it checks only its
 * shape and seals it once more under the gateway's master key (purpose `zkimg-commitment`), so a
 * copy of the database alone opens nothing (docs/zkimg-1.md, "Server").
 *
 * Opening needs `cipherKey`, given at Get Challenge and Authenticate. An unknown user costs the
 * same work as a wrong key (`openDummyCommitment`), so the two are indistinguishable by timing as
 * well as by answer.
 *
 * Which username: K and the AAD use the username as registered (the one the client enrolled
 * with); lookups are case-insensitive (users.ts), so a user who types another case still opens
 * their commitment only if their client derived the same K, i.e. used the registered spelling.
 */
import { createDecipheriv, hkdfSync, randomBytes, createCipheriv } from 'node:crypto';
import { validationError } from '../../http/errors.ts';
import type { Store, UserDoc, ZkimgCommitmentDoc } from '../../store/collections.ts';
import type { Sealer } from '../secrets/seal.ts';

export const ZKIMG_PROTO_VERSION = 'zkimg-1';
/** Sealer purpose of the second layer (master key). */
export const COMMITMENT_SEAL_PURPOSE = 'zkimg-commitment';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** docs/zkimg-1.md: "28 + 2 bytes at least": iv, tag, and a ciphertext of at least two bytes. */
export const MIN_COMMITMENT_BYTES = IV_BYTES + TAG_BYTES + 2;
/** docs/zkimg-1.md: "at most 300 KiB decoded". */
export const MAX_COMMITMENT_BYTES = 300 * 1024;
const B64U = /^[A-Za-z0-9_-]+$/;

/** The opened commitment, checked: everything Get Challenge and Authenticate need. */
export interface OpenedCommitment {
  n: number;
  r: number;
  dim: [number, number];
  alg: string;
  /** b64u, as enrolled (handed back in challenge_data). */
  helper: string;
  Y: Uint8Array;
}

/** r = the largest odd integer with 256 r <= n, for n a multiple of 8 in [768, 1048576]; null otherwise. */
export function repetitionFactor(n: number): number | null {
  if (!Number.isInteger(n) || n % 8 !== 0 || n < 768 || n > 1_048_576) return null;
  const r = Math.floor(n / 256);
  return r % 2 === 1 ? r : r - 1;
}

export function checkProtoVersion(protoVersion: string): void {
  if (protoVersion !== ZKIMG_PROTO_VERSION) {
    throw validationError([{ location: 'body', path: ['proto_version'], message: `unsupported login protocol; the gateway implements ${ZKIMG_PROTO_VERSION}`, type: 'value_error' }]);
  }
}

/** The shape checks of docs/zkimg-1.md (Enrolment, Server): b64u, 30 bytes to 300 KiB decoded. */
export function checkEncryptedCommitmentShape(value: string): void {
  const issue = (message: string) =>
    validationError([{ location: 'body', path: ['encrypted_commitment'], message, type: 'value_error' }]);
  if (!B64U.test(value) || value.length % 4 === 1) throw issue('must be base64url without padding');
  const bytes = (value.length * 3) >> 2;
  if (bytes < MIN_COMMITMENT_BYTES) throw issue(`must decode to at least ${MIN_COMMITMENT_BYTES} bytes (iv, ciphertext, tag)`);
  if (bytes > MAX_COMMITMENT_BYTES) throw issue(`must decode to at most ${MAX_COMMITMENT_BYTES} bytes`);
}

/** K of docs/zkimg-1.md Enrolment step 5 (RFC 5869 HKDF with SHA-256). */
export function commitmentKey(cipherKey: string, tenantId: string, username: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(cipherKey, 'utf8'), Buffer.from('zkimg-1'), Buffer.from(`${tenantId}:${username}`, 'utf8'), 32));
}

function gcmOpen(key: Buffer, raw: Buffer, username: string): Buffer | null {
  if (raw.length < MIN_COMMITMENT_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`zkimg-1:${username}`, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null; // wrong cipherKey or tampering: GCM cannot tell them apart, nor should we
  }
}

/** The commitment JSON of Enrolment step 4, checked field by field; null when anything is off. */
function parseCommitment(json: Buffer): OpenedCommitment | null {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (o === null || typeof o !== 'object') return null;
  const { v, n, r, dim, alg, helper, Y } = o;
  if (v !== ZKIMG_PROTO_VERSION || typeof n !== 'number' || typeof alg !== 'string' || typeof helper !== 'string' || typeof Y !== 'string') return null;
  if (repetitionFactor(n) === null || r !== repetitionFactor(n)) return null;
  if (!Array.isArray(dim) || dim.length !== 2 || !dim.every((d) => Number.isInteger(d) && d > 0) || dim[0] * dim[1] !== n) return null;
  if (!B64U.test(helper) || Buffer.from(helper, 'base64url').length * 8 !== n) return null;
  const y = Buffer.from(Y, 'base64url');
  if (!B64U.test(Y) || y.length !== 32) return null;
  return { n, r: r as number, dim: [dim[0], dim[1]], alg, helper, Y: new Uint8Array(y) };
}

/**
 * Opens a stored commitment with `cipherKey`: master-key layer, then the client's layer.
 * Null for a wrong key, a tampered record or a commitment that is not a zkimg-1 one.
 */
export function openCommitment(sealer: Sealer, doc: ZkimgCommitmentDoc, cipherKey: string, tenantId: string, username: string): OpenedCommitment | null {
  let encrypted: string;
  try {
    encrypted = sealer.openText(COMMITMENT_SEAL_PURPOSE, doc.sealed);
  } catch {
    return null;
  }
  const plain = gcmOpen(commitmentKey(cipherKey, tenantId, username), Buffer.from(encrypted, 'base64url'), username);
  return plain === null ? null : parseCommitment(plain);
}

// A stand-in for users without a commitment: a real sealed commitment of the common size
// (64 x 64 template) under a random key, opened with the caller's cipherKey. It never opens, and
// it costs what a real one costs: master-key unseal, HKDF, AES-GCM over the same length.
const dummies = new WeakMap<Sealer, string>();
function dummyFor(sealer: Sealer): string {
  let sealed = dummies.get(sealer);
  if (sealed === undefined) {
    const helper = randomBytes(512).toString('base64url');
    const json = JSON.stringify({ v: ZKIMG_PROTO_VERSION, n: 4096, r: 15, dim: [64, 64], alg: 'median64-v1', helper, Y: randomBytes(32).toString('base64url') });
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', randomBytes(32), iv);
    const body = Buffer.concat([iv, cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    sealed = sealer.seal(COMMITMENT_SEAL_PURPOSE, body.toString('base64url'));
    dummies.set(sealer, sealed);
  }
  return sealed;
}

/** The same work as `openCommitment`, for an unknown user; always null. */
export function openDummyCommitment(sealer: Sealer, cipherKey: string, tenantId: string, username: string): null {
  const doc = { _id: '', tenantId, protoVersion: ZKIMG_PROTO_VERSION, sealed: dummyFor(sealer), createdAt: new Date(0), updatedAt: new Date(0) } as const;
  openCommitment(sealer, doc, cipherKey, tenantId, username);
  return null;
}

/**
 * The user of `usernameKey` and their commitment in one command (a `$lookup` by primary key): what
 * both zkimg-1 login steps need. A username nobody has costs the same command.
 */
export async function findUserWithCommitment(store: Store, tenantId: string, usernameKey: string): Promise<{ user: UserDoc; commitment: ZkimgCommitmentDoc | null } | null> {
  const [found] = await store.users
    .aggregate<UserDoc & { commitments: ZkimgCommitmentDoc[] }>([
      { $match: { tenantId, usernameKey } },
      { $lookup: { from: store.zkimgCommitments.collectionName, localField: '_id', foreignField: '_id', as: 'commitments' } },
    ])
    .toArray();
  if (found === undefined) return null;
  const { commitments, ...user } = found;
  return { user, commitment: commitments.find((c) => c.tenantId === tenantId) ?? null };
}

/** Stores (or replaces, on reset and change) the user's commitment, sealed under the master key. */
export async function saveCommitment(store: Store, sealer: Sealer, input: { tenantId: string; userId: string; encryptedCommitment: string }, now = new Date()): Promise<void> {
  await store.zkimgCommitments.updateOne(
    { _id: input.userId, tenantId: input.tenantId },
    {
      $set: { sealed: sealer.seal(COMMITMENT_SEAL_PURPOSE, input.encryptedCommitment), protoVersion: ZKIMG_PROTO_VERSION, updatedAt: now },
      $setOnInsert: { createdAt: now },
    },
    { upsert: true },
  );
}

export async function deleteCommitment(store: Store, tenantId: string, userId: string): Promise<void> {
  await store.zkimgCommitments.deleteOne({ _id: userId, tenantId });
}
