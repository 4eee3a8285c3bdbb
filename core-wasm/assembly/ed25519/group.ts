// The Ed25519 group: the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19)
// (RFC 8032 §5.1), in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, x y = T/Z
// (Hisil, Wong, Carter, Dawson 2008). The addition and doubling formulas are those of RFC 8032
// §5.1.4; both are complete on this curve (d is not a square), so no special cases.
//
// Forms, each a run of 40-byte field elements in linear memory:
// - P3 (extended):   X, Y, Z, T               160 bytes
// - P2 (projective): X, Y, Z                  120 bytes (a P3 whose T is not needed)
// - completed:       E, F, G, H               160 bytes, the point (E F : G H : F G : E H)
//                    before its final four multiplications, so that a doubling followed by
//                    another doubling can skip T (3 multiplications instead of 4)
// - cached:          Y+X, Y-X, 2Z, 2dT        160 bytes, an addend prepared once, used many times
// - affine cached:   y+x, y-x, 2dxy           120 bytes, the same with Z = 1 (one multiplication
//                    fewer per addition), for the precomputed multiples of the base point.
//
// Everything here handles public data (verification): variable-time code.

import {
  FE_SIZE, feAdd, feCarry, feCopy, feEqual, feFromBytes, feInvert, feIsOdd, feIsZero, feMul,
  feMulSmall, feNeg, feOne, fePow22523, feSetSmall, feSq, feSub, feToBytes, feZero,
} from './field';

export const P3_SIZE: usize = 4 * FE_SIZE;
export const CACHED_SIZE: usize = 4 * FE_SIZE;
export const AFFINE_SIZE: usize = 3 * FE_SIZE;

// Offsets of the coordinates inside a point.
const C0: usize = 0;
const C1: usize = 40;
const C2: usize = 80;
const C3: usize = 120;

// Curve constants, derived at first use from their definitions (RFC 8032 §5.1):
// d = -121665 / 121666, 2d, sqrt(-1) = 2^((p-1)/4), and the base point B with y = 4/5, x even.
export const D: usize = memory.data(40, 8);
export const D2: usize = memory.data(40, 8);
export const SQRTM1: usize = memory.data(40, 8);
export const BASE: usize = memory.data(160, 8);

// Width of the signed windows for B: the odd multiples 1 B, 3 B, ..., 127 B (64 affine points,
// 7,680 bytes) are computed once, so [S]B costs about 256 / 9 additions.
export const BASE_WINDOW: i32 = 8;
export const BASE_TABLE: usize = memory.data(64 * 120, 8);

// Scratch elements (group functions are not re-entrant; nothing keeps them across calls).
const FA: usize = memory.data(40, 8);
const FB: usize = memory.data(40, 8);
const FC: usize = memory.data(40, 8);
const FD: usize = memory.data(40, 8);
const FU: usize = memory.data(40, 8);
const FV: usize = memory.data(40, 8);
const FX: usize = memory.data(40, 8);
const ENC: usize = memory.data(32, 8);
const PT: usize = memory.data(160, 8);
const PC: usize = memory.data(160, 8);
const CT: usize = memory.data(160, 8);

let initialised = false;

export function geIdentity(p: usize): void {
  feZero(p + C0);
  feOne(p + C1);
  feOne(p + C2);
  feZero(p + C3);
}

// completed -> P2: X = E F, Y = G H, Z = F G.
export function geCompletedToP2(r: usize, c: usize): void {
  feMul(r + C0, c + C0, c + C1);
  feMul(r + C1, c + C2, c + C3);
  feMul(r + C2, c + C1, c + C2);
}

// completed -> P3: the same plus T = E H.
export function geCompletedToP3(r: usize, c: usize): void {
  feMul(r + C0, c + C0, c + C1);
  feMul(r + C1, c + C2, c + C3);
  feMul(r + C2, c + C1, c + C2);
  feMul(r + C3, c + C0, c + C3);
}

// P3 -> cached: (Y + X, Y - X, 2 Z, 2 d T).
export function geToCached(r: usize, p: usize): void {
  feAdd(r + C0, p + C1, p + C0);
  feSub(r + C1, p + C1, p + C0);
  feAdd(r + C2, p + C2, p + C2);
  feMul(r + C3, p + C3, D2);
}

// Doubling, RFC 8032 §5.1.4: A = X^2, B = Y^2, C = 2 Z^2, H = A + B, E = H - (X + Y)^2, G = A - B,
// F = C + G. Reads X, Y, Z only, so p may be a P2 or a P3. r (completed) must not alias p.
export function geDouble(r: usize, p: usize): void {
  feSq(FA, p + C0);
  feSq(FB, p + C1);
  feSq(FC, p + C2);
  feAdd(FC, FC, FC);
  feAdd(r + C3, FA, FB); //          H
  feAdd(FD, p + C0, p + C1);
  feSq(FD, FD);
  feSub(r + C0, r + C3, FD); //      E
  feSub(r + C2, FA, FB); //          G
  feAdd(r + C1, FC, r + C2); //      F
}

// Addition of a cached point, RFC 8032 §5.1.4: A = (Y1 - X1)(Y2 - X2), B = (Y1 + X1)(Y2 + X2),
// C = T1 2d T2, D = Z1 2 Z2, E = B - A, F = D - C, G = D + C, H = B + A. r (completed) must not
// alias p.
export function geAdd(r: usize, p: usize, q: usize): void {
  feSub(FU, p + C1, p + C0);
  feMul(FA, FU, q + C1);
  feAdd(FU, p + C1, p + C0);
  feMul(FB, FU, q + C0);
  feMul(FC, p + C3, q + C3);
  feMul(FD, p + C2, q + C2);
  feSub(r + C0, FB, FA);
  feSub(r + C1, FD, FC);
  feAdd(r + C2, FD, FC);
  feAdd(r + C3, FB, FA);
}

// Subtraction of a cached point: adding -Q = (-X2, Y2, Z2, -T2) swaps Y2 + X2 with Y2 - X2 and
// negates 2 d T2.
export function geSub(r: usize, p: usize, q: usize): void {
  feSub(FU, p + C1, p + C0);
  feMul(FA, FU, q + C0);
  feAdd(FU, p + C1, p + C0);
  feMul(FB, FU, q + C1);
  feMul(FC, p + C3, q + C3);
  feMul(FD, p + C2, q + C2);
  feSub(r + C0, FB, FA);
  feAdd(r + C1, FD, FC);
  feSub(r + C2, FD, FC);
  feAdd(r + C3, FB, FA);
}

// Addition of an affine cached point (Z2 = 1, so D = 2 Z1 without a multiplication).
export function geAddAffine(r: usize, p: usize, q: usize): void {
  feSub(FU, p + C1, p + C0);
  feMul(FA, FU, q + C1);
  feAdd(FU, p + C1, p + C0);
  feMul(FB, FU, q + C0);
  feMul(FC, p + C3, q + C2);
  feAdd(FD, p + C2, p + C2);
  feSub(r + C0, FB, FA);
  feSub(r + C1, FD, FC);
  feAdd(r + C2, FD, FC);
  feAdd(r + C3, FB, FA);
}

export function geSubAffine(r: usize, p: usize, q: usize): void {
  feSub(FU, p + C1, p + C0);
  feMul(FA, FU, q + C0);
  feAdd(FU, p + C1, p + C0);
  feMul(FB, FU, q + C1);
  feMul(FC, p + C3, q + C2);
  feAdd(FD, p + C2, p + C2);
  feSub(r + C0, FB, FA);
  feAdd(r + C1, FD, FC);
  feSub(r + C2, FD, FC);
  feAdd(r + C3, FB, FA);
}

// P3 negation in place: (X, Y, Z, T) -> (-X, Y, Z, -T).
export function geNeg(p: usize): void {
  feNeg(p + C0, p + C0);
  feNeg(p + C3, p + C3);
}

// True when the P2/P3 point p is the neutral element (0 : Z : Z).
export function geIsIdentity(p: usize): bool {
  return feIsZero(p + C0) && feEqual(p + C1, p + C2);
}

// True when [8] p is the neutral element, i.e. p is one of the eight points of small order.
// p is a P3 (or P2); it is left unchanged.
export function geIsSmallOrder(p: usize): bool {
  geDouble(PC, p);
  geCompletedToP2(PT, PC);
  geDouble(PC, PT);
  geCompletedToP2(PT, PC);
  geDouble(PC, PT);
  geCompletedToP2(PT, PC);
  return geIsIdentity(PT);
}

// True when the P2/P3 points p and q are equal: X1 Z2 = X2 Z1 and Y1 Z2 = Y2 Z1.
export function geEqual(p: usize, q: usize): bool {
  feMul(FU, p + C0, q + C2);
  feMul(FV, q + C0, p + C2);
  if (!feEqual(FU, FV)) return false;
  feMul(FU, p + C1, q + C2);
  feMul(FV, q + C1, p + C2);
  return feEqual(FU, FV);
}

// True when the 32 bytes at s encode an integer y (bit 255 cleared) below p = 2^255 - 19.
// The integers p .. 2^255 - 1 have bytes 1..30 all 0xff, byte 31 (without bit 255) 0x7f and
// byte 0 >= 0xed.
function isCanonicalY(s: usize): bool {
  if ((load<u8>(s + 31) & 0x7f) != 0x7f) return true;
  for (let i: usize = 30; i >= 1; i--) {
    if (load<u8>(s + i) != 0xff) return true;
  }
  return load<u8>(s) < 0xed;
}

// Decodes the 32-byte point encoding at s into the P3 point r, strictly as RFC 8032 §5.1.3:
// returns false (r undefined) when y >= p, when x^2 = (y^2 - 1) / (d y^2 + 1) has no square root,
// or when x = 0 and the sign bit is set. (These are the rules of @noble/curves with zip215: false.)
export function geDecode(r: usize, s: usize): bool {
  if (!isCanonicalY(s)) return false;
  const sign = (load<u8>(s + 31) >> 7) != 0;
  const y = r + C1;
  feFromBytes(y, s);
  feOne(r + C2);
  // u = y^2 - 1, v = d y^2 + 1 (v is never 0: -1/d is not a square).
  feSq(FU, y);
  feMul(FV, FU, D);
  feSub(FU, FU, r + C2);
  feAdd(FV, FV, r + C2);
  // Candidate root x = u v^3 (u v^7)^((p-5)/8).
  feSq(FA, FV);
  feMul(FA, FA, FV); //         v^3
  feSq(FB, FA);
  feMul(FB, FB, FV); //         v^7
  feMul(FB, FB, FU); //         u v^7
  fePow22523(FC, FB);
  feMul(FC, FC, FA);
  feMul(FX, FC, FU); //         x
  // v x^2 = u: x is a root; v x^2 = -u: x sqrt(-1) is; otherwise u/v is not a square.
  feSq(FA, FX);
  feMul(FA, FA, FV);
  if (!feEqual(FA, FU)) {
    feNeg(FB, FU);
    if (!feEqual(FA, FB)) return false;
    feMul(FX, FX, SQRTM1);
  }
  if (feIsZero(FX)) {
    if (sign) return false;
  } else if (feIsOdd(FX) != sign) {
    feNeg(FX, FX);
  }
  feCopy(r + C0, FX);
  feMul(r + C3, FX, y);
  return true;
}

// Writes the RFC 8032 §5.1.2 encoding of the P2/P3 point p to s (one inversion).
export function geEncode(s: usize, p: usize): void {
  feInvert(FA, p + C2);
  feMul(FB, p + C0, FA);
  feMul(FC, p + C1, FA);
  feToBytes(s, FC);
  if (feIsOdd(FB)) store<u8>(s + 31, load<u8>(s + 31) | 0x80);
}

// Computes the constants and the table of odd multiples of B, once per module instance.
export function geInit(): void {
  if (initialised) return;
  initialised = true;
  // d = -121665 / 121666.
  feSetSmall(FA, 121666);
  feInvert(FA, FA);
  feMulSmall(D, FA, -121665);
  feAdd(D2, D, D);
  feCarry(D2, D2);
  // sqrt(-1) = 2^((p-1)/4) = (2^((p-5)/8))^2 * 2, since (p-1)/4 = 2 (p-5)/8 + 1. It squares to -1
  // because 2 is not a square mod p (p = 5 mod 8).
  feSetSmall(FA, 2);
  fePow22523(FB, FA);
  feSq(FB, FB);
  feMulSmall(SQRTM1, FB, 2);
  // B: y = 4/5 with the even x (sign bit 0).
  feSetSmall(FA, 5);
  feInvert(FA, FA);
  feMulSmall(FA, FA, 4);
  feToBytes(ENC, FA);
  geDecode(BASE, ENC);
  // BASE_TABLE[i] = (2 i + 1) B in affine cached form.
  geDouble(PC, BASE);
  geCompletedToP3(PT, PC);
  geToCached(CT, PT); //             2 B
  feCopy(PT + C0, BASE + C0);
  feCopy(PT + C1, BASE + C1);
  feCopy(PT + C2, BASE + C2);
  feCopy(PT + C3, BASE + C3);
  for (let i: usize = 0; i < 64; i++) {
    const e = BASE_TABLE + i * AFFINE_SIZE;
    feInvert(FA, PT + C2);
    feMul(FB, PT + C0, FA); //       x
    feMul(FC, PT + C1, FA); //       y
    feAdd(e + C0, FC, FB);
    feSub(e + C1, FC, FB);
    feMul(FD, FB, FC);
    feMul(e + C2, FD, D2);
    geAdd(PC, PT, CT);
    geCompletedToP3(PT, PC);
  }
}
