// Wire formats for P-256 ECDSA verification:
//   - public keys: SEC1 v2 §2.3.3/§2.3.4 Elliptic-Curve-Point-to-Octet-String, compressed
//     (0x02/0x03 || x, 33 bytes) or uncompressed (0x04 || x || y, 65 bytes). Coordinates must be
//     < p and the point must satisfy y^2 = x^3 - 3x + b. The infinity encoding (0x00) and every
//     other prefix or length are refused.
//   - signatures: DER Ecdsa-Sig-Value (SEC1 §C.5, X.690 §8.3/§10) or raw r || s (64 bytes,
//     IEEE P1363 as in JOSE). r, s are returned as 32 big-endian bytes each; the range check
//     1 <= r, s <= n-1 is verify.ts's.
// Each function checks every length against what it was given and reads nothing outside it.

import {
  FE, P_BYTES, fmul, fsqr, fadd, fsub, fmulSmall, fpow, fsetZero, feq, fcanon,
  limbsFromBytes, ftoMont, ffromMont,
} from './field';

// b of P-256 (SP 800-186 §3.2.1.3).
const B_BYTES: usize = memory.data<u8>([
  0x5a, 0xc6, 0x35, 0xd8, 0xaa, 0x3a, 0x93, 0xe7, 0xb3, 0xeb, 0xbd, 0x55, 0x76, 0x98, 0x86, 0xbc,
  0x65, 0x1d, 0x06, 0xb0, 0xcc, 0x53, 0xb0, 0xf6, 0x3b, 0xce, 0x3c, 0x3e, 0x27, 0xd2, 0x60, 0x4b,
]);

const B_M: usize = memory.data(72, 8); // b in Montgomery form
const SQRT_EXP: usize = memory.data(32); // (p + 1) / 4: p ≡ 3 (mod 4), so sqrt(a) = a^((p+1)/4)
const RHS: usize = memory.data(72, 8);
const T1: usize = memory.data(72, 8);
const T2: usize = memory.data(72, 8);

/** Big-endian a < b over len bytes. */
export function bytesLess(a: usize, b: usize, len: usize): bool {
  for (let i: usize = 0; i < len; i++) {
    const x = load<u8>(a + i);
    const y = load<u8>(b + i);
    if (x != y) return x < y;
  }
  return false;
}

// RHS = x^3 - 3x + b (x in Montgomery form).
function curveRhs(x: usize): void {
  fsqr(RHS, x);
  fmul(RHS, RHS, x);
  fmulSmall(T1, x, 3);
  fsub(RHS, RHS, T1);
  fadd(RHS, RHS, B_M);
}

/**
 * Decodes a SEC1 public key into the affine point at out (x, y in Montgomery form, 144 bytes).
 * Returns false for any length/prefix other than 33/0x02|0x03 and 65/0x04, a coordinate >= p,
 * or a point not on the curve (a compressed x with no square root is "not on the curve").
 */
export function decodePublicKey(out: usize, pk: usize, len: usize): bool {
  if (len == 0) return false;
  const prefix = load<u8>(pk);
  if (len == 65 && prefix == 0x04) {
    if (!bytesLess(pk + 1, P_BYTES, 32) || !bytesLess(pk + 33, P_BYTES, 32)) return false;
    limbsFromBytes(out, pk + 1);
    limbsFromBytes(out + FE, pk + 33);
    ftoMont(out, out);
    ftoMont(out + FE, out + FE);
    curveRhs(out);
    fsqr(T1, out + FE);
    return feq(T1, RHS);
  }
  if (len == 33 && (prefix == 0x02 || prefix == 0x03)) {
    if (!bytesLess(pk + 1, P_BYTES, 32)) return false;
    limbsFromBytes(out, pk + 1);
    ftoMont(out, out);
    curveRhs(out);
    fpow(out + FE, RHS, SQRT_EXP);
    fsqr(T1, out + FE);
    if (!feq(T1, RHS)) return false; // x^3 - 3x + b is not a square: no point with this x
    // Pick the root whose canonical integer value has the parity the prefix asks for.
    ffromMont(T2, out + FE);
    const odd = <u8>(load<i64>(T2) & 1);
    if (odd != (prefix & 1)) {
      fsetZero(T1);
      fsub(out + FE, T1, out + FE);
      fcanon(T2, out + FE);
      let acc: i64 = 0;
      for (let i: usize = 0; i < 9; i++) acc |= load<i64>(T2 + (i << 3));
      if (acc == 0) return false; // y = 0 cannot take the odd prefix (SEC1 §2.3.4 step 2.4.3)
    }
    return true;
  }
  return false;
}

// One DER INTEGER at sig[pos..end) into 32 right-aligned big-endian bytes at out.
// Returns the position after it, or -1. Strict DER (X.690 §8.3.2, §10.1): short-form length
// (every valid value fits in < 128 bytes, so a long form is never minimal), at least one content
// byte, non-negative (top bit of the first byte clear), no leading 0x00 unless the next byte has
// its top bit set; the magnitude must fit in 32 bytes (anything larger is >= n anyway).
function derInteger(sig: usize, pos: i32, end: i32, out: usize): i32 {
  if (pos + 2 > end) return -1;
  if (load<u8>(sig + <usize>pos) != 0x02) return -1;
  const len = <i32>load<u8>(sig + <usize>pos + 1);
  if (len & 0x80) return -1;
  if (len == 0) return -1;
  let start = pos + 2;
  const stop = start + len;
  if (stop > end) return -1;
  const first = load<u8>(sig + <usize>start);
  if (first & 0x80) return -1; // negative
  if (first == 0 && len > 1) {
    if ((load<u8>(sig + <usize>start + 1) & 0x80) == 0) return -1; // non-minimal leading zero
    start++;
  }
  const n = stop - start;
  if (n > 32) return -1;
  memory.fill(out, 0, 32);
  memory.copy(out + <usize>(32 - n), sig + <usize>start, <usize>n);
  return stop;
}

/**
 * Parses a strict DER Ecdsa-Sig-Value: SEQUENCE { INTEGER r, INTEGER s } with a short-form
 * length equal to the remaining bytes exactly (no trailing data, nothing else in the sequence).
 */
export function parseDerSignature(sig: usize, len: usize, r: usize, s: usize): bool {
  if (len < 8 || len > 72) return false; // 30 06 02 01 r 02 01 s .. 30 46 02 21 (33) 02 21 (33)
  if (load<u8>(sig) != 0x30) return false;
  const seqLen = <i32>load<u8>(sig + 1);
  if (seqLen & 0x80) return false;
  const end = <i32>len;
  if (seqLen != end - 2) return false;
  const afterR = derInteger(sig, 2, end, r);
  if (afterR < 0) return false;
  const afterS = derInteger(sig, afterR, end, s);
  if (afterS < 0) return false;
  return afterS == end;
}

/** Raw r || s, exactly 64 bytes. */
export function parseRawSignature(sig: usize, len: usize, r: usize, s: usize): bool {
  if (len != 64) return false;
  memory.copy(r, sig, 32);
  memory.copy(s, sig + 32, 32);
  return true;
}

function initEncoding(): void {
  limbsFromBytes(B_M, B_BYTES);
  ftoMont(B_M, B_M);
  // (p + 1) / 4 from the bytes of p: add one (p ends in 0xff...ff, so carry), then shift by 2.
  let carry: u32 = 1;
  for (let i: i32 = 31; i >= 0; i--) {
    const v = <u32>load<u8>(P_BYTES + <usize>i) + carry;
    store<u8>(SQRT_EXP + <usize>i, <u8>v);
    carry = v >> 8;
  }
  let prev: u32 = carry; // bit 256 of p + 1 (zero for P-256, kept for exactness)
  for (let i: usize = 0; i < 32; i++) {
    const v = <u32>load<u8>(SQRT_EXP + i);
    store<u8>(SQRT_EXP + i, <u8>((v >> 2) | (prev << 6)));
    prev = v & 3;
  }
}

initEncoding();
