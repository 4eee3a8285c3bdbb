// The reference crypto core on @noble/curves 2.x and @noble/hashes: the definition of "correct"
// that the WASM core is differentially tested against, and the fallback when no valid WASM core
// is loaded.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { hammingArgumentsValid, isBytes, prepareZkimgInput, zkimgParametersValid } from './input-checks.ts';
import { ABI_VERSION, type CryptoCore, type P256SignatureEncoding, type ZkimgInput, type ZkimgResult } from './types.ts';
import { bytesToBigIntLE, ED25519_L, zkimgChallengeScalar } from './zkimg-transcript.ts';

const Point = ed25519.Point;

/**
 * Strict RFC 8032 §5.1.7 verification, the rules of CRYPTO-ABI:
 * - A and R decode canonically: y < p, and x = 0 with the sign bit set is refused (noble's
 *   `Point.fromBytes(bytes, zip215 = false)`, the same decoding as `verify(..., { zip215: false })`);
 * - S < L;
 * - A of small order refused (as noble does with zip215: false);
 * - the cofactorless equation [S]B = R + [k]A, k = SHA512(R || A || M) mod L.
 * noble's own `ed25519.verify` checks the cofactored equation [8][S]B = [8]R + [8][k]A instead,
 * which also accepts an R carrying a small-order component; the issue asks for cofactorless, so
 * the equation is checked here with noble's points (test/crypto/reference-core.test.ts shows the
 * difference on such a signature).
 */
export function ed25519VerifyStrict(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isBytes(publicKey) || !isBytes(message) || !isBytes(signature)) return false;
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const A = Point.fromBytes(publicKey, false);
    const R = Point.fromBytes(signature.subarray(0, 32), false);
    const S = bytesToBigIntLE(signature.subarray(32, 64));
    if (S >= ED25519_L) return false;
    if (A.isSmallOrder()) return false;
    const k = bytesToBigIntLE(sha512.create().update(signature.subarray(0, 32)).update(publicKey).update(message).digest()) % ED25519_L;
    return Point.BASE.multiplyUnsafe(S).equals(R.add(A.multiplyUnsafe(k)));
  } catch {
    // Point decoding throws on a non-canonical or off-curve encoding.
    return false;
  }
}

/** ECDSA P-256 / SHA-256 as WebAuthn and JOSE use it (docs/architecture.md, Toolchain notes). */
export function p256VerifyReference(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  encoding: P256SignatureEncoding,
): boolean {
  if (!isBytes(publicKey) || !isBytes(message) || !isBytes(signature)) return false;
  if (encoding !== 'der' && encoding !== 'raw') return false;
  // SEC1 compressed (33 bytes, 02/03) or uncompressed (65 bytes, 04) only.
  if (!((publicKey.length === 33 && (publicKey[0] === 2 || publicKey[0] === 3)) || (publicKey.length === 65 && publicKey[0] === 4))) return false;
  if (encoding === 'raw' && signature.length !== 64) return false;
  try {
    return p256.verify(signature, message, publicKey, {
      format: encoding === 'der' ? 'der' : 'compact',
      lowS: false, // authenticators emit high-S signatures; both halves are valid ECDSA
      prehash: true, // SHA-256(message), as ES256 and WebAuthn define
    });
  } catch {
    return false;
  }
}

export function hammingReference(a: Uint8Array, b: Uint8Array, bits: number): number {
  if (!hammingArgumentsValid(a, b, bits)) return -1;
  let count = 0;
  const full = bits >>> 3;
  for (let i = 0; i < full; i++) count += popcount8(a[i]! ^ b[i]!);
  const rest = bits & 7;
  if (rest) count += popcount8((a[full]! ^ b[full]!) & ((0xff << (8 - rest)) & 0xff));
  return count;
}

function popcount8(x: number): number {
  x = x - ((x >>> 1) & 0x55);
  x = (x & 0x33) + ((x >>> 2) & 0x33);
  return (x + (x >>> 4)) & 0x0f;
}

/** zkimg-1 verification steps 3 and 5, in the module's order of checks (CRYPTO-ABI codes 1..5). */
export function zkimgVerifyReference(input: ZkimgInput): ZkimgResult {
  const p = prepareZkimgInput(input);
  if (typeof p === 'string') return { ok: false, errorBits: 0, countBits: 0, reason: p };
  if (!zkimgParametersValid(p.n, p.r)) return { ok: false, errorBits: 0, countBits: 0, reason: 'bad-parameters' };
  const m = 256 * p.r;
  const errorBits = hammingReference(p.errors, new Uint8Array(p.errors.length), p.n);
  const fail = (reason: ZkimgResult['reason']): ZkimgResult => ({ ok: false, errorBits, countBits: m, reason });
  // Step 3: bits m .. n-1 carry nothing and must be zero (m is a multiple of 8).
  for (let i = m >>> 3; i < p.errors.length; i++) if (p.errors[i] !== 0) return fail('nonzero-padding-bits');
  // Step 5: s < L, R and Y canonical, s * B == R + h * Y (cofactorless).
  const s = bytesToBigIntLE(p.s);
  if (s >= ED25519_L) return fail('s-not-below-L');
  let R, Y;
  try {
    R = Point.fromBytes(p.R, false);
    Y = Point.fromBytes(p.Y, false);
  } catch {
    return fail('non-canonical-point');
  }
  const h = zkimgChallengeScalar(p.R, p.Y, p.nonce, p.id, p.user, p.errors);
  if (!Point.BASE.multiplyUnsafe(s).equals(R.add(Y.multiplyUnsafe(h)))) return fail('equation-failed');
  return { ok: true, errorBits, countBits: m };
}

export function createReferenceCore(): CryptoCore {
  return {
    name: 'reference',
    version: 'noble-curves-2',
    abi: ABI_VERSION,
    sha256: (data) => sha256(data),
    sha512: (data) => sha512(data),
    ed25519Verify: ed25519VerifyStrict,
    p256Verify: p256VerifyReference,
    hammingDistance: hammingReference,
    zkimgVerify: zkimgVerifyReference,
  };
}
