// Ed25519 signature verification, RFC 8032 §5.1.7, strict (core-wasm/README.md):
// - A (public key) and R (first half of the signature) must be canonical point encodings:
//   y < p, a square root exists, and not x = 0 with the sign bit set (§5.1.3). These are the
//   decoding rules of @noble/curves `Point.fromBytes(bytes, zip215 = false)`;
// - S (second half) must be below L (§5.1.7); S = 0 is allowed;
// - A of small order (one of the 8 torsion points) is rejected, as noble does with zip215: false;
// - the equation is the COFACTORLESS [S]B = R + [k]A, as CRYPTO-ABI.md and the reference core
//   (core-wasm/js/reference-core.ts) require. noble's own `ed25519.verify(..., { zip215: false })`
//   checks the cofactored [8][S]B = [8]R + [8][k]A instead; the two differ only when R or A
//   carries a small-order component (R' = R + T, T of order 2, 4 or 8), which honest signers
//   never produce. test/crypto/ed25519-verify.test.ts pins that difference down.
// Everything here is public data, so the code is variable-time.

import { sha512Final, sha512Reset, sha512Update } from '../sha512';
import { geDecode, geEqual, geInit } from './group';
import { lastPointSmallOrder, negatedPointTable } from './pointcache';
import { doubleScalarMulBase } from './scalarmult';
import { scIsCanonical, scReduce512 } from './scalar';

const R: usize = memory.data(160, 8);
const Q: usize = memory.data(160, 8);
const DIGEST: usize = memory.data(64, 8);
const K: usize = memory.data(32, 8);

// True when [ptr, ptr + len) lies inside linear memory. The JS side guarantees it; checking costs
// nothing and keeps a wrong pointer from trapping.
export function inMemory(ptr: usize, len: usize): bool {
  return <u64>ptr + <u64>len <= (<u64>memory.size() << 16);
}

// 1 when sig (64 bytes: R || S) is a valid signature of the msgLen bytes at msg under the 32-byte
// public key pk, else 0.
export function ed25519Verify(pk: usize, msg: usize, msgLen: usize, sig: usize): i32 {
  if (!inMemory(pk, 32) || !inMemory(sig, 64) || !inMemory(msg, msgLen)) return 0;
  geInit();
  if (!scIsCanonical(sig + 32)) return 0;
  const negA = negatedPointTable(pk); // -A, ready for [S]B + [k](-A)
  if (negA == 0) return 0;
  if (lastPointSmallOrder()) return 0;
  if (!geDecode(R, sig)) return 0;
  // k = SHA-512(R || A || M) mod L, over the bytes as received (they are canonical by now).
  sha512Reset();
  sha512Update(sig, 32);
  sha512Update(pk, 32);
  sha512Update(msg, msgLen);
  sha512Final(DIGEST);
  scReduce512(K, DIGEST);
  // [S]B - [k]A must be R itself (projective comparison, no inversion).
  doubleScalarMulBase(Q, sig + 32, K, negA);
  return geEqual(Q, R) ? 1 : 0;
}
