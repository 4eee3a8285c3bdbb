// Deterministic reference client of zkimg-1 (docs/zkimg-1.md), on @noble/curves and
// @noble/hashes, with AES-256-GCM from node:crypto. Used by the crypto tests, the Vault's HTTP
// tests and the benchmarks: it enrols, reads challenge_data, proves and builds request bodies
// exactly as the protocol page says. Templates come from seeds ("Test data"), so every run of a
// test sees the same images and the same flipped bits.
//
// Nothing here is the server: the one server-side piece it offers, `openCommitment`, exists so
// tests can check what a client sealed.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

const Point = ed25519.Point;
/** The Ed25519 group order L. */
export const L = Point.Fn.ORDER;
export const PROTO_VERSION = 'zkimg-1';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

// ---------------------------------------------------------------- encodings

/** base64url without padding (zkimg-1 "b64u"). */
export function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
/** Decodes base64url (padding tolerated). */
export function fromB64u(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64url'));
}
export function bytesToBigIntLE(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}
export function bigIntToBytesLE(v: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}

/** HashToScalar(x) = SHA512(x) mod L, the digest read little-endian. */
export function hashToScalar(...parts: Uint8Array[]): bigint {
  const h = sha512.create();
  for (const p of parts) h.update(p);
  return bytesToBigIntLE(h.digest()) % L;
}

// ---------------------------------------------------------------- template geometry and code

/** The repetition factor: the largest odd r with 256 r <= n (n a multiple of 8 in [768, 1048576]). */
export function repetitionFactor(n: number): number {
  if (!Number.isInteger(n) || n % 8 !== 0 || n < 768 || n > 1048576) throw new RangeError(`bad template size n = ${n}`);
  const r = Math.floor(n / 256);
  return r % 2 === 1 ? r : r - 1;
}

/** Bit i of a template (MSB-first packing). */
export function getBit(bits: Uint8Array, i: number): number {
  return (bits[i >>> 3]! >>> (7 - (i & 7))) & 1;
}
function flipBit(bits: Uint8Array, i: number): void {
  bits[i >>> 3]! ^= 0x80 >>> (i & 7);
}

/** RC(k): bit j of the 32-byte key is repeated at positions j r .. j r + r - 1; bits from m on are 0. */
export function repetitionEncode(k: Uint8Array, n: number, r: number): Uint8Array {
  if (k.length !== 32) throw new RangeError('key must be 32 bytes');
  const out = new Uint8Array(n / 8);
  for (let j = 0; j < 256; j++) {
    if (!getBit(k, j)) continue;
    for (let i = j * r; i < (j + 1) * r; i++) flipBit(out, i);
  }
  return out;
}

/** Decode(c'): bit j of the key is the majority of bits j r .. j r + r - 1. */
export function repetitionDecode(c: Uint8Array, r: number): Uint8Array {
  const k = new Uint8Array(32);
  for (let j = 0; j < 256; j++) {
    let ones = 0;
    for (let i = j * r; i < (j + 1) * r; i++) ones += getBit(c, i);
    if (2 * ones > r) flipBit(k, j);
  }
  return k;
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new RangeError('length mismatch');
  return a.map((x, i) => x ^ b[i]!);
}

export function popcount(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) { let x = b; while (x) { x &= x - 1; n++; } }
  return n;
}

/**
 * BER_PERCENT: 100 * errorBits / m with exactly two decimals, rounded half up on the exact
 * rational (integer arithmetic, so "12.345" cases never depend on binary floating point).
 */
export function berPercent(errorBits: number, m: number): string {
  const hundredths = Math.floor((20000 * errorBits + m) / (2 * m)); // round(10000 e / m), halves up
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- seeded templates (Test data)

/** `length` deterministic bytes from a seed: SHA-256(label || 0x00 || seed || counter_be32) blocks. */
export function seededBytes(seed: string | Uint8Array, label: string, length: number): Uint8Array {
  const s = typeof seed === 'string' ? utf8(seed) : seed;
  const out = new Uint8Array(length);
  const ctr = new Uint8Array(4);
  for (let block = 0, o = 0; o < length; block++, o += 32) {
    new DataView(ctr.buffer).setUint32(0, block);
    const d = sha256(concat(utf8(label), Uint8Array.of(0), s, ctr));
    out.set(d.subarray(0, Math.min(32, length - o)), o);
  }
  return out;
}

/** A template of w x h bits (n = w h) from a seed: the enrolled image of the tests. */
export function templateFromSeed(dim: [number, number], seed: string | Uint8Array): Uint8Array {
  const n = dim[0] * dim[1];
  repetitionFactor(n);
  return seededBytes(seed, 'zkimg-1/template', n / 8);
}

/**
 * A copy of `w` with exactly `count` distinct bits flipped, at positions drawn from a seed among
 * the first `m` bits (default: m = 256 r of the template's size): a "fresh capture" with a known
 * error count. Positions come from a partial Fisher-Yates shuffle driven by the seed.
 */
export function flip(w: Uint8Array, count: number, seed: string | Uint8Array, m = 256 * repetitionFactor(w.length * 8)): Uint8Array {
  if (!Number.isInteger(count) || count < 0 || count > m) throw new RangeError(`cannot flip ${count} of ${m} bits`);
  const positions = new Uint32Array(m);
  for (let i = 0; i < m; i++) positions[i] = i;
  const rnd = seededBytes(seed, 'zkimg-1/flip', 4 * count);
  const view = new DataView(rnd.buffer, rnd.byteOffset, rnd.byteLength);
  const out = w.slice();
  for (let i = 0; i < count; i++) {
    // Uniform enough for tests: a 32-bit draw reduced mod the remaining range (bias < 2^-12).
    const j = i + (view.getUint32(4 * i) % (m - i));
    const pj = positions[j]!;
    positions[j] = positions[i]!;
    positions[i] = pj;
    flipBit(out, pj);
  }
  return out;
}

/** The number of flips that makes `percent` % of the m code bits of a template of n bits. */
export function flipsForPercent(n: number, percent: number): number {
  return Math.round((256 * repetitionFactor(n) * percent) / 100);
}

// ---------------------------------------------------------------- enrolment

export interface Commitment {
  v: 'zkimg-1';
  n: number;
  r: number;
  dim: [number, number];
  alg: string;
  helper: string;
  Y: string;
}

/** K = HKDF-SHA256(ikm = cipherKey, salt = "zkimg-1", info = tenant_id || ":" || username, 32 bytes). */
export function commitmentKey(cipherKey: string, tenantId: string, username: string): Uint8Array {
  return hkdf(sha256, utf8(cipherKey), utf8('zkimg-1'), utf8(`${tenantId}:${username}`), 32);
}

/** encrypted_commitment = b64u(iv || AES-256-GCM(K, iv, commitment JSON, aad = "zkimg-1:" || username) || tag). */
export function sealCommitment(commitmentJson: string, key: Uint8Array, username: string, iv: Uint8Array = randomBytes(12)): string {
  if (iv.length !== 12) throw new RangeError('iv must be 12 bytes');
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(utf8(`zkimg-1:${username}`));
  const body = Buffer.concat([cipher.update(commitmentJson, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return b64u(concat(iv, body));
}

/** Opens an encrypted_commitment (what the server does with cipherKey); throws when it does not open. */
export function openCommitment(encrypted: string, cipherKey: string, tenantId: string, username: string): Commitment {
  const raw = fromB64u(encrypted);
  if (raw.length < 28) throw new Error('encrypted_commitment too short');
  const decipher = createDecipheriv('aes-256-gcm', commitmentKey(cipherKey, tenantId, username), raw.subarray(0, 12));
  decipher.setAAD(utf8(`zkimg-1:${username}`));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  const json = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  return JSON.parse(json) as Commitment;
}

export interface EnrolInput {
  /** The enrolled template w (n / 8 bytes, n = dim[0] * dim[1]). */
  template: Uint8Array;
  dim: [number, number];
  /** algorithm_version: how the image became a template (opaque to the server). */
  alg?: string;
  cipherKey: string;
  tenantId: string;
  username: string;
  /** The 32-byte key k (default random). */
  k?: Uint8Array;
  /** The 12-byte AES-GCM iv (default random). */
  iv?: Uint8Array;
}

export interface Enrolment {
  k: Uint8Array;
  x: bigint;
  /** Y = x B, 32-byte encoding. */
  Y: Uint8Array;
  helper: Uint8Array;
  n: number;
  r: number;
  commitment: Commitment;
  commitmentJson: string;
  /** The HKDF key K. */
  key: Uint8Array;
  encryptedCommitment: string;
}

/** Enrolment, client steps 1-6. */
export function enrol(input: EnrolInput): Enrolment {
  const { template, dim, cipherKey, tenantId, username } = input;
  const alg = input.alg ?? 'seeded-test-v1';
  const n = dim[0] * dim[1];
  if (template.length * 8 !== n) throw new RangeError(`template has ${template.length * 8} bits, dim says ${n}`);
  const r = repetitionFactor(n);
  const k = input.k ?? new Uint8Array(randomBytes(32));
  if (k.length !== 32) throw new RangeError('k must be 32 bytes');
  const helper = xorBytes(repetitionEncode(k, n, r), template);
  const x = hashToScalar(utf8('zkimg-1:x'), k);
  const Y = Point.BASE.multiplyUnsafe(x).toBytes();
  const commitment: Commitment = { v: 'zkimg-1', n, r, dim: [dim[0], dim[1]], alg, helper: b64u(helper), Y: b64u(Y) };
  const commitmentJson = JSON.stringify(commitment);
  const key = commitmentKey(cipherKey, tenantId, username);
  const encryptedCommitment = sealCommitment(commitmentJson, key, username, input.iv);
  return { k, x, Y, helper, n, r, commitment, commitmentJson, key, encryptedCommitment };
}

/** The Register request body (seed 002). */
export function registerBody(enrolment: Enrolment, username: string, email: string): {
  username: string; email: string; encrypted_commitment: string; proto_version: string;
} {
  return { username, email, encrypted_commitment: enrolment.encryptedCommitment, proto_version: PROTO_VERSION };
}

// ---------------------------------------------------------------- challenge

export interface Challenge {
  id: string;
  nonce: Uint8Array;
  helper: Uint8Array;
  n: number;
  r: number;
  dim: [number, number];
  alg: string;
}

/** challenge_data = b64u(JSON {"id", "nonce": b64u, "helper", "n", "r", "dim", "alg"}) (server side, for tests). */
export function encodeChallengeData(c: Challenge): string {
  return b64u(utf8(JSON.stringify({ id: c.id, nonce: b64u(c.nonce), helper: b64u(c.helper), n: c.n, r: c.r, dim: c.dim, alg: c.alg })));
}

/** Parses challenge_data; throws on anything malformed. */
export function parseChallengeData(challengeData: string): Challenge {
  const o = JSON.parse(Buffer.from(challengeData, 'base64url').toString('utf8')) as Record<string, unknown>;
  const { id, nonce, helper, n, r, dim, alg } = o;
  if (typeof id !== 'string' || typeof nonce !== 'string' || typeof helper !== 'string' || typeof n !== 'number'
    || typeof r !== 'number' || !Array.isArray(dim) || dim.length !== 2 || typeof alg !== 'string') {
    throw new Error('malformed challenge_data');
  }
  const c: Challenge = { id, nonce: fromB64u(nonce), helper: fromB64u(helper), n, r, dim: [Number(dim[0]), Number(dim[1])], alg };
  if (c.nonce.length !== 32 || c.helper.length * 8 !== n || repetitionFactor(n) !== r) throw new Error('inconsistent challenge_data');
  return c;
}

/** A challenge as the server would make it from a commitment (tests that have no server). */
export function makeChallenge(commitment: Commitment, id: string = randomUUID(), nonce: Uint8Array = new Uint8Array(randomBytes(32))): Challenge {
  return { id, nonce, helper: fromB64u(commitment.helper), n: commitment.n, r: commitment.r, dim: commitment.dim, alg: commitment.alg };
}

// ---------------------------------------------------------------- proof

export interface ProveInput {
  challenge: Challenge;
  /** The fresh template w'. */
  template: Uint8Array;
  /** Y from the enrolment (the client knows its own commitment). */
  Y: Uint8Array;
  username: string;
  /** The Schnorr nonce t in [1, L-1] (default random). */
  t?: bigint;
}

export interface Proof {
  /** The decoded key k' (equal to k when the capture is close enough). */
  k: Uint8Array;
  R: Uint8Array;
  /** s as 32 bytes little-endian. */
  s: Uint8Array;
  errors: Uint8Array;
  errorBits: number;
  countBits: number;
  berPercent: string;
  h: bigint;
}

/** zkimg-1 challenge hash h = HashToScalar("zkimg-1:c" || R || Y || nonce || id || username || SHA256(errors)). */
export function challengeScalar(R: Uint8Array, Y: Uint8Array, nonce: Uint8Array, id: string, username: string, errors: Uint8Array): bigint {
  return hashToScalar(utf8('zkimg-1:c'), R, Y, nonce, utf8(id), utf8(username), sha256(errors));
}

/** Proof, client steps 1-6. */
export function prove(input: ProveInput): Proof {
  const { challenge: c, template, Y, username } = input;
  if (template.length !== c.helper.length) throw new RangeError('template and helper differ in size');
  const m = 256 * c.r;
  const cPrime = xorBytes(c.helper, template);
  const k = repetitionDecode(cPrime, c.r);
  const errors = xorBytes(cPrime, repetitionEncode(k, c.n, c.r));
  errors.fill(0, m / 8); // bits from m on carry nothing (m is a multiple of 8)
  const errorBits = popcount(errors);
  const x = hashToScalar(utf8('zkimg-1:x'), k);
  const t = input.t ?? (bytesToBigIntLE(randomBytes(64)) % (L - 1n)) + 1n;
  const R = Point.BASE.multiplyUnsafe(t).toBytes();
  const h = challengeScalar(R, Y, c.nonce, c.id, username, errors);
  const s = bigIntToBytesLE((t + h * x) % L);
  return { k, R, s, errors, errorBits, countBits: m, berPercent: berPercent(errorBits, m), h };
}

/** challenge_data of the Authenticate request: b64u(JSON {"R", "s", "errors"}). */
export function proofChallengeData(p: Pick<Proof, 'R' | 's' | 'errors'>): string {
  return b64u(utf8(JSON.stringify({ R: b64u(p.R), s: b64u(p.s), errors: b64u(p.errors) })));
}

/** Parses the Authenticate challenge_data (server side, for tests). */
export function parseProofChallengeData(challengeData: string): { R: Uint8Array; s: Uint8Array; errors: Uint8Array } {
  const o = JSON.parse(Buffer.from(challengeData, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (typeof o.R !== 'string' || typeof o.s !== 'string' || typeof o.errors !== 'string') throw new Error('malformed proof');
  return { R: fromB64u(o.R), s: fromB64u(o.s), errors: fromB64u(o.errors) };
}

export interface AuthenticateBody {
  username: string;
  cipherKey: string;
  challenge_id: string;
  challenge_data: string;
  ber: {
    ber: { count_bits: number; error_bits: number; BER_PERCENT: string };
    image_dim: [number, number];
    algorithm_version: string;
  };
}

/** The Authenticate request body (seed 002) for a proof. */
export function authenticateBody(challenge: Challenge, proof: Proof, username: string, cipherKey: string): AuthenticateBody {
  return {
    username,
    cipherKey,
    challenge_id: challenge.id,
    challenge_data: proofChallengeData(proof),
    ber: {
      ber: { count_bits: proof.countBits, error_bits: proof.errorBits, BER_PERCENT: proof.berPercent },
      image_dim: [challenge.dim[0], challenge.dim[1]],
      algorithm_version: challenge.alg,
    },
  };
}

/** One-call client login step: parse challenge_data, prove with a fresh template, build the body. */
export function answerChallenge(args: {
  challengeData: string; template: Uint8Array; Y: Uint8Array; username: string; cipherKey: string; t?: bigint;
}): { challenge: Challenge; proof: Proof; body: AuthenticateBody } {
  const challenge = parseChallengeData(args.challengeData);
  const proof = prove({ challenge, template: args.template, Y: args.Y, username: args.username, t: args.t });
  return { challenge, proof, body: authenticateBody(challenge, proof, args.username, args.cipherKey) };
}

// ---------------------------------------------------------------- crypto-core level

/** The inputs of the crypto core's zkimgVerify (CryptoCore.zkimgVerify) for one login. */
export interface RawProof {
  Y: Uint8Array;
  R: Uint8Array;
  s: Uint8Array;
  nonce: Uint8Array;
  challengeId: string;
  username: string;
  errors: Uint8Array;
  n: number;
  r: number;
}

/**
 * Enrols a seeded template, flips `flips` of its code bits, and proves: everything the crypto
 * core's zkimgVerify needs, without a server. Deterministic in `seed` (k, the images, the nonce,
 * the challenge id and t all derive from it).
 */
export function proveRaw(args: { dim: [number, number]; flips: number; seed: string; username?: string }): RawProof & { expectedErrorBits: number } {
  const username = args.username ?? 'alice';
  const w = templateFromSeed(args.dim, args.seed);
  const e = enrol({
    template: w, dim: args.dim, cipherKey: 'not-used-here', tenantId: 'default', username,
    k: seededBytes(args.seed, 'zkimg-1/k', 32), iv: seededBytes(args.seed, 'zkimg-1/iv', 12),
  });
  const idBytes = seededBytes(args.seed, 'zkimg-1/id', 16);
  const challengeId = Buffer.from(idBytes).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  const challenge = makeChallenge(e.commitment, challengeId, seededBytes(args.seed, 'zkimg-1/nonce', 32));
  const t = (bytesToBigIntLE(seededBytes(args.seed, 'zkimg-1/t', 64)) % (L - 1n)) + 1n;
  const proof = prove({ challenge, template: flip(w, args.flips, args.seed), Y: e.Y, username, t });
  return {
    Y: e.Y, R: proof.R, s: proof.s, nonce: challenge.nonce, challengeId, username, errors: proof.errors,
    n: e.n, r: e.r, expectedErrorBits: proof.errorBits,
  };
}

/**
 * zkimg-1 verification steps 3 and 5 on noble (cofactorless, canonical R and Y, s < L): the
 * reference answer for tests, with the crypto core's codes (0 ok, 1 bad n/r, 2 bits past m,
 * 3 s >= L, 4 bad point, 5 equation).
 */
export function verifyRawReference(p: RawProof): { code: number; errorBits: number } {
  let r0: number;
  try { r0 = repetitionFactor(p.n); } catch { return { code: 1, errorBits: 0 }; }
  if (r0 !== p.r || p.errors.length * 8 !== p.n) return { code: 1, errorBits: 0 };
  const errorBits = popcount(p.errors);
  if (p.errors.subarray((256 * p.r) / 8).some((b) => b !== 0)) return { code: 2, errorBits };
  const s = bytesToBigIntLE(p.s);
  if (p.s.length !== 32 || s >= L) return { code: 3, errorBits };
  let R, Y;
  try {
    R = Point.fromBytes(p.R, false);
    Y = Point.fromBytes(p.Y, false);
  } catch {
    return { code: 4, errorBits };
  }
  const h = challengeScalar(p.R, p.Y, p.nonce, p.challengeId, p.username, p.errors);
  return { code: Point.BASE.multiplyUnsafe(s).equals(R.add(Y.multiplyUnsafe(h))) ? 0 : 5, errorBits };
}
