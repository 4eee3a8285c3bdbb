// The zkimg-1 check (shared/design/zkimg-1.md, "Verification", steps 3 and 5): the error vector
// of a login is well formed and counted, and the Schnorr proof (R, s) shows knowledge of x with
// Y = [x]B, bound to this challenge by h. Policy (max_ber, need_verify) stays on the server.
//
// Inputs are public (the proof, the challenge, the commitment's Y), so variable-time code.

import { sha256Final, sha256Reset, sha256Update } from '../sha256';
import { sha512Final, sha512Reset, sha512Update } from '../sha512';
import { geDecode, geEqual, geInit } from './group';
import { negatedPointTable } from './pointcache';
import { doubleScalarMulBase } from './scalarmult';
import { scIsCanonical, scReduce512 } from './scalar';
import { inMemory } from './verify';

// Return codes of zkimgVerify (CRYPTO-ABI.md).
const OK: i32 = 0;
const BAD_PARAMETERS: i32 = 1;
const NONZERO_TAIL: i32 = 2;
const S_NOT_REDUCED: i32 = 3;
const BAD_POINT: i32 = 4;
const EQUATION_FAILS: i32 = 5;

// Domain separation tag of the challenge hash, "zkimg-1:c" in UTF-8.
const TAG: usize = memory.data<u8>([0x7a, 0x6b, 0x69, 0x6d, 0x67, 0x2d, 0x31, 0x3a, 0x63]);
const TAG_LEN: usize = 9;

const PR: usize = memory.data(160, 8);
const Q: usize = memory.data(160, 8);
const ERRORS_HASH: usize = memory.data(32, 8);
const DIGEST: usize = memory.data(64, 8);
const H: usize = memory.data(32, 8);

let lastErrorBits: i32 = 0;

// Popcount of `errors` in the last zkimgVerify call whose n and r were valid (0 otherwise).
export function zkimgErrorBits(): i32 {
  return lastErrorBits;
}

// Y, R, s, nonce: 32 bytes each; id, user: idLen and userLen bytes (the challenge id and the
// username as UTF-8); errors: n / 8 bytes. Returns 0 when the proof verifies, else the code of
// the first failed check: 1 bad n or r, 2 bits set at or after m = 256 r, 3 s >= L, 4 R or Y not a
// canonical point encoding, 5 s B != R + h Y.
export function zkimgVerify(
  Y: usize, R: usize, s: usize, nonce: usize, id: usize, idLen: usize, user: usize, userLen: usize,
  errors: usize, n: u32, r: u32,
): i32 {
  lastErrorBits = 0;
  // Template size: n a multiple of 8 in [768, 1048576]; r the largest odd integer with 256 r <= n.
  if ((n & 7) != 0 || n < 768 || n > 1048576) return BAD_PARAMETERS;
  let largestR = n >> 8;
  if ((largestR & 1) == 0) largestR--;
  if (r != largestR) return BAD_PARAMETERS;
  const nBytes = <usize>(n >> 3);
  const mBytes = <usize>(r << 5); // m = 256 r bits, a whole number of bytes
  if (!inMemory(Y, 32) || !inMemory(R, 32) || !inMemory(s, 32) || !inMemory(nonce, 32)
    || !inMemory(id, idLen) || !inMemory(user, userLen) || !inMemory(errors, nBytes)) {
    return BAD_PARAMETERS;
  }
  // Step 3: count the errors (server policy compares the count with ber.error_bits), then require
  // the bits from m on, which carry no code, to be zero.
  let count: u64 = 0;
  let i: usize = 0;
  for (; i + 8 <= nBytes; i += 8) count += popcnt<u64>(load<u64>(errors + i));
  for (; i < nBytes; i++) count += <u64>popcnt<u32>(<u32>load<u8>(errors + i));
  lastErrorBits = <i32>count;
  let tail: u64 = 0;
  i = mBytes;
  for (; i + 8 <= nBytes; i += 8) tail |= load<u64>(errors + i);
  for (; i < nBytes; i++) tail |= <u64>load<u8>(errors + i);
  if (tail != 0) return NONZERO_TAIL;
  // Step 5.
  if (!scIsCanonical(s)) return S_NOT_REDUCED;
  geInit();
  if (!geDecode(PR, R)) return BAD_POINT;
  const negY = negatedPointTable(Y); // -Y, ready for [s]B + [h](-Y)
  if (negY == 0) return BAD_POINT;
  // h = SHA-512("zkimg-1:c" || R || Y || nonce || id || username || SHA-256(errors)) mod L.
  sha256Reset();
  sha256Update(errors, nBytes);
  sha256Final(ERRORS_HASH);
  sha512Reset();
  sha512Update(TAG, TAG_LEN);
  sha512Update(R, 32);
  sha512Update(Y, 32);
  sha512Update(nonce, 32);
  sha512Update(id, idLen);
  sha512Update(user, userLen);
  sha512Update(ERRORS_HASH, 32);
  sha512Final(DIGEST);
  scReduce512(H, DIGEST);
  // Cofactorless, as docs/zkimg-1.md step 5 says: [s]B - [h]Y must be R itself.
  doubleScalarMulBase(Q, s, H, negY);
  return geEqual(Q, PR) ? OK : EQUATION_FAILS;
}
