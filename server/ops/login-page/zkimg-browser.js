// zkimg-1 in the browser (docs/zkimg-1.md): the client side of Enrolment and Proof, on
// WebCrypto (SHA-256/512, HKDF, AES-256-GCM, PBKDF2) and @noble/curves for the Ed25519 scalar
// multiplications. Pure functions of their inputs, no DOM: the login page (login.js) calls them,
// and the gateway's tests import this same file in Node to log in against the server.
import { ed25519 } from '@noble/curves/ed25519.js';

const subtle = globalThis.crypto.subtle;
const utf8 = (s) => new TextEncoder().encode(s);
/** The Ed25519 group order L. */
export const L = ed25519.Point.Fn.ORDER;
export const PROTO_VERSION = 'zkimg-1';
/** How an image becomes a template here: grayscale, 64 x 64, threshold at the median. */
export const ALGORITHM_VERSION = 'median64-v1';
export const TEMPLATE_DIM = [64, 64];
/** PBKDF2-SHA256 iterations for the PIN (OWASP Password Storage Cheat Sheet, 2023: 600,000). */
export const PIN_ITERATIONS = 600000;

// ------------------------------------------------------------------ encodings

export function b64u(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
export function fromB64u(s) {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
function bytesToBigIntLE(b) {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}
function bigIntToBytesLE(v, length = 32) {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}
const sha256 = async (data) => new Uint8Array(await subtle.digest('SHA-256', data));
const sha512 = async (data) => new Uint8Array(await subtle.digest('SHA-512', data));
/** HashToScalar(x) = SHA512(x) mod L, the digest read little-endian. */
async function hashToScalar(...parts) {
  return bytesToBigIntLE(await sha512(concat(...parts))) % L;
}
function randomScalar() {
  const wide = globalThis.crypto.getRandomValues(new Uint8Array(64));
  return (bytesToBigIntLE(wide) % (L - 1n)) + 1n;
}

// ------------------------------------------------------------------ the two factors

/**
 * cipherKey from the PIN: PBKDF2-SHA256, 600,000 iterations, salt "zkimg-1/pin|" tenant "|"
 * username, 32 bytes, base64url (43 characters). The slow KDF is the client's part of zkimg-1
 * ("Two factors"); the server treats the result as an opaque secret.
 */
export async function deriveCipherKey(pin, tenantId, username, iterations = PIN_ITERATIONS) {
  const key = await subtle.importKey('raw', utf8(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: utf8(`zkimg-1/pin|${tenantId}|${username}`), iterations }, key, 256);
  return b64u(new Uint8Array(bits));
}

/**
 * median64-v1: an RGBA image of width x height (already scaled to 64 x 64 by the canvas) to a
 * 4,096-bit template: luma (ITU-R BT.601 weights), threshold at the median, 1 above it, packed
 * most significant bit first, row by row (docs/zkimg-1.md, Template and code).
 */
export function templateFromRgba(rgba, width, height) {
  const n = width * height;
  const luma = new Float64Array(n);
  for (let i = 0; i < n; i++) luma[i] = 0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2];
  const sorted = Float64Array.from(luma).sort();
  const median = sorted[n >> 1];
  const out = new Uint8Array(n / 8);
  for (let i = 0; i < n; i++) if (luma[i] > median) out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

// ------------------------------------------------------------------ code

export function repetitionFactor(n) {
  if (!Number.isInteger(n) || n % 8 !== 0 || n < 768 || n > 1048576) throw new RangeError(`bad template size ${n}`);
  const r = Math.floor(n / 256);
  return r % 2 === 1 ? r : r - 1;
}
const getBit = (bits, i) => (bits[i >>> 3] >>> (7 - (i & 7))) & 1;
const flipBit = (bits, i) => { bits[i >>> 3] ^= 0x80 >>> (i & 7); };

/** RC(k): bit j of k repeated at j r .. j r + r - 1; bits from m = 256 r on are 0. */
function repetitionEncode(k, n, r) {
  const out = new Uint8Array(n / 8);
  for (let j = 0; j < 256; j++) if (getBit(k, j)) for (let i = j * r; i < (j + 1) * r; i++) flipBit(out, i);
  return out;
}
/** Decode(c'): bit j of the key is the majority of bits j r .. j r + r - 1. */
function repetitionDecode(c, r) {
  const k = new Uint8Array(32);
  for (let j = 0; j < 256; j++) {
    let ones = 0;
    for (let i = j * r; i < (j + 1) * r; i++) ones += getBit(c, i);
    if (2 * ones > r) flipBit(k, j);
  }
  return k;
}
const xor = (a, b) => a.map((x, i) => x ^ b[i]);
function popcount(bytes) {
  let n = 0;
  for (let b of bytes) while (b) { b &= b - 1; n++; }
  return n;
}
/** 100 e / m with exactly two decimals, rounded half up on the exact rational. */
export function berPercent(errorBits, m) {
  const hundredths = Math.floor((20000 * errorBits + m) / (2 * m));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

// ------------------------------------------------------------------ enrolment

/** K = HKDF-SHA256(ikm = cipherKey, salt = "zkimg-1", info = tenant_id ":" username). */
async function commitmentKey(cipherKey, tenantId, username) {
  const ikm = await subtle.importKey('raw', utf8(cipherKey), 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8('zkimg-1'), info: utf8(`${tenantId}:${username}`) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt'],
  );
}

/** Enrolment steps 1-6: returns the request fields of Register / Reset / Change Password. */
export async function enrol({ template, dim = TEMPLATE_DIM, alg = ALGORITHM_VERSION, cipherKey, tenantId, username }) {
  const n = dim[0] * dim[1];
  if (template.length * 8 !== n) throw new RangeError('template size does not match dim');
  const r = repetitionFactor(n);
  const k = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const helper = xor(repetitionEncode(k, n, r), template);
  const x = await hashToScalar(utf8('zkimg-1:x'), k);
  const Y = ed25519.Point.BASE.multiply(x).toBytes();
  const commitment = JSON.stringify({ v: PROTO_VERSION, n, r, dim: [dim[0], dim[1]], alg, helper: b64u(helper), Y: b64u(Y) });
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await commitmentKey(cipherKey, tenantId, username);
  const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(`zkimg-1:${username}`), tagLength: 128 }, key, utf8(commitment)));
  return { encrypted_commitment: b64u(concat(iv, sealed)), proto_version: PROTO_VERSION };
}

// ------------------------------------------------------------------ proof

/**
 * Proof steps 1-7 for a Get Challenge answer and a fresh template: the Authenticate fields. The
 * client keeps no state between enrolment and login, so Y is recomputed from the decoded key:
 * when decoding succeeded it is the enrolled Y, and otherwise the proof fails at the server.
 */
export async function prove({ challengeData, template, username, cipherKey }) {
  const c = JSON.parse(new TextDecoder().decode(fromB64u(challengeData)));
  const helper = fromB64u(c.helper);
  const nonce = fromB64u(c.nonce);
  if (helper.length * 8 !== c.n || repetitionFactor(c.n) !== c.r || nonce.length !== 32) throw new Error('malformed challenge_data');
  if (template.length !== helper.length) throw new Error(`this login needs a ${c.dim[0]} x ${c.dim[1]} template`);
  const m = 256 * c.r;
  const cPrime = xor(helper, template);
  const k = repetitionDecode(cPrime, c.r);
  const errors = xor(cPrime, repetitionEncode(k, c.n, c.r));
  errors.fill(0, m / 8);
  const errorBits = popcount(errors);
  const x = await hashToScalar(utf8('zkimg-1:x'), k);
  const Y = ed25519.Point.BASE.multiply(x).toBytes();
  const t = randomScalar();
  const R = ed25519.Point.BASE.multiply(t).toBytes();
  const h = await hashToScalar(utf8('zkimg-1:c'), R, Y, nonce, utf8(c.id), utf8(username), await sha256(errors));
  const s = bigIntToBytesLE((t + h * x) % L);
  return {
    username,
    cipherKey,
    challenge_id: c.id,
    challenge_data: b64u(utf8(JSON.stringify({ R: b64u(R), s: b64u(s), errors: b64u(errors) }))),
    ber: {
      ber: { count_bits: m, error_bits: errorBits, BER_PERCENT: berPercent(errorBits, m) },
      image_dim: [c.dim[0], c.dim[1]],
      algorithm_version: c.alg,
    },
  };
}
