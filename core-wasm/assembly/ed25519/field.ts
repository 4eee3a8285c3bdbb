// Arithmetic in GF(p), p = 2^255 - 19 (RFC 8032 §5.1), written for WebAssembly on Node 20.
//
// Representation: an element is 10 signed 32-bit limbs in radix 2^25.5 (limb i sits at bit
// position ceil(25.5 * i): 0, 26, 51, 77, 102, 128, 153, 179, 204, 230; even limbs hold 26 bits,
// odd limbs 25). WebAssembly has no 64x64->128 multiply, but it has a fast i64.mul, so every
// limb product is a 32x32->64 product and a full multiplication is 100 i64 multiplies; the
// dedicated square needs 55. (16 limbs of 16 bits need 256 multiplies; 5 limbs of 51 bits need
// 128-bit products, which would have to be emulated.)
//
// Bounds, which every caller keeps:
// - "carried" limbs, as produced by feMul / feSq / feFromBytes / feCarry, have |limb| <= 2^25
//   (even) and <= 2^24 + 2^16 (odd) because the carries round to nearest;
// - feAdd / feSub / feNeg do not carry, so their output may exceed that; the multiplier accepts
//   |limb| <= 2^27 on both inputs (see feMul), i.e. a sum or difference of up to four carried
//   values. The group formulas never go further than that.
//
// Field elements live in linear memory (40 bytes each) and functions take pointers, so that
// nothing is allocated per call (the module runs with the stub runtime). Output may alias input.
//
// All values handled here are public (signature verification), so the code is variable-time.

export const FE_SIZE: usize = 40;

// Scratch elements for the functions of this file (never used across calls of another function).
const T0: usize = memory.data(40, 8);
const T1: usize = memory.data(40, 8);
const T2: usize = memory.data(40, 8);
const T3: usize = memory.data(40, 8);
const BYTES: usize = memory.data(32, 8);

// @ts-ignore: decorator
@inline function lo(p: usize, i: usize): i64 {
  return <i64>load<i32>(p + (i << 2));
}

export function feZero(h: usize): void {
  memory.fill(h, 0, 40);
}

export function feOne(h: usize): void {
  memory.fill(h, 0, 40);
  store<i32>(h, 1);
}

export function feCopy(h: usize, f: usize): void {
  memory.copy(h, f, 40);
}

// Small constant c (|c| < 2^25) as a field element.
export function feSetSmall(h: usize, c: i32): void {
  memory.fill(h, 0, 40);
  store<i32>(h, c);
}

export function feAdd(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < 40; i += 4) {
    store<i32>(h + i, load<i32>(f + i) + load<i32>(g + i));
  }
}

export function feSub(h: usize, f: usize, g: usize): void {
  for (let i: usize = 0; i < 40; i += 4) {
    store<i32>(h + i, load<i32>(f + i) - load<i32>(g + i));
  }
}

export function feNeg(h: usize, f: usize): void {
  for (let i: usize = 0; i < 40; i += 4) {
    store<i32>(h + i, -load<i32>(f + i));
  }
}

// Carries h0..h9 (64-bit intermediates) back into the limb ranges and stores them at `out`.
// Carries round to nearest, so limbs end signed and small. The order (0,4 1,5 2,6 3,7 4,8 9 0)
// runs two independent chains side by side; each limb is carried after it received its input.
// A carry out of limb 9 (weight 2^255) re-enters limb 0 multiplied by 19, since 2^255 = 19 mod p.
// @ts-ignore: decorator
@inline function carryStore(
  out: usize,
  h0: i64, h1: i64, h2: i64, h3: i64, h4: i64, h5: i64, h6: i64, h7: i64, h8: i64, h9: i64,
): void {
  let c: i64;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h1 + (1 << 24)) >> 25; h2 += c; h1 -= c << 25;
  c = (h5 + (1 << 24)) >> 25; h6 += c; h5 -= c << 25;
  c = (h2 + (1 << 25)) >> 26; h3 += c; h2 -= c << 26;
  c = (h6 + (1 << 25)) >> 26; h7 += c; h6 -= c << 26;
  c = (h3 + (1 << 24)) >> 25; h4 += c; h3 -= c << 25;
  c = (h7 + (1 << 24)) >> 25; h8 += c; h7 -= c << 25;
  c = (h4 + (1 << 25)) >> 26; h5 += c; h4 -= c << 26;
  c = (h8 + (1 << 25)) >> 26; h9 += c; h8 -= c << 26;
  c = (h9 + (1 << 24)) >> 25; h0 += c * 19; h9 -= c << 25;
  c = (h0 + (1 << 25)) >> 26; h1 += c; h0 -= c << 26;
  store<i32>(out, <i32>h0);
  store<i32>(out, <i32>h1, 4);
  store<i32>(out, <i32>h2, 8);
  store<i32>(out, <i32>h3, 12);
  store<i32>(out, <i32>h4, 16);
  store<i32>(out, <i32>h5, 20);
  store<i32>(out, <i32>h6, 24);
  store<i32>(out, <i32>h7, 28);
  store<i32>(out, <i32>h8, 32);
  store<i32>(out, <i32>h9, 36);
}

// h = f * g.
// Limb i has weight 2^ceil(25.5 i), so f_i g_j lands on limb i+j with an extra factor 2 when i and
// j are both odd (ceil(25.5 i) + ceil(25.5 j) = ceil(25.5 (i+j)) + 1), and on limb i+j-10 with a
// factor 19 when i+j >= 10 (weight 2^255 = 19 mod p). With |f_i|, |g_j| <= 2^27 each of the ten
// terms of a column is below 2 * 2^27 * 19 * 2^27 < 2^59.3, the column below 2^62.6: no i64 overflow.
export function feMul(h: usize, f: usize, g: usize): void {
  const f0 = lo(f, 0), f1 = lo(f, 1), f2 = lo(f, 2), f3 = lo(f, 3), f4 = lo(f, 4);
  const f5 = lo(f, 5), f6 = lo(f, 6), f7 = lo(f, 7), f8 = lo(f, 8), f9 = lo(f, 9);
  const g0 = lo(g, 0), g1 = lo(g, 1), g2 = lo(g, 2), g3 = lo(g, 3), g4 = lo(g, 4);
  const g5 = lo(g, 5), g6 = lo(g, 6), g7 = lo(g, 7), g8 = lo(g, 8), g9 = lo(g, 9);
  const g1_19 = g1 * 19, g2_19 = g2 * 19, g3_19 = g3 * 19, g4_19 = g4 * 19, g5_19 = g5 * 19;
  const g6_19 = g6 * 19, g7_19 = g7 * 19, g8_19 = g8 * 19, g9_19 = g9 * 19;
  const f1_2 = f1 << 1, f3_2 = f3 << 1, f5_2 = f5 << 1, f7_2 = f7 << 1, f9_2 = f9 << 1;

  const h0 = f0 * g0 + f1_2 * g9_19 + f2 * g8_19 + f3_2 * g7_19 + f4 * g6_19
    + f5_2 * g5_19 + f6 * g4_19 + f7_2 * g3_19 + f8 * g2_19 + f9_2 * g1_19;
  const h1 = f0 * g1 + f1 * g0 + f2 * g9_19 + f3 * g8_19 + f4 * g7_19
    + f5 * g6_19 + f6 * g5_19 + f7 * g4_19 + f8 * g3_19 + f9 * g2_19;
  const h2 = f0 * g2 + f1_2 * g1 + f2 * g0 + f3_2 * g9_19 + f4 * g8_19
    + f5_2 * g7_19 + f6 * g6_19 + f7_2 * g5_19 + f8 * g4_19 + f9_2 * g3_19;
  const h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9_19
    + f5 * g8_19 + f6 * g7_19 + f7 * g6_19 + f8 * g5_19 + f9 * g4_19;
  const h4 = f0 * g4 + f1_2 * g3 + f2 * g2 + f3_2 * g1 + f4 * g0
    + f5_2 * g9_19 + f6 * g8_19 + f7_2 * g7_19 + f8 * g6_19 + f9_2 * g5_19;
  const h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1
    + f5 * g0 + f6 * g9_19 + f7 * g8_19 + f8 * g7_19 + f9 * g6_19;
  const h6 = f0 * g6 + f1_2 * g5 + f2 * g4 + f3_2 * g3 + f4 * g2
    + f5_2 * g1 + f6 * g0 + f7_2 * g9_19 + f8 * g8_19 + f9_2 * g7_19;
  const h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3
    + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9_19 + f9 * g8_19;
  const h8 = f0 * g8 + f1_2 * g7 + f2 * g6 + f3_2 * g5 + f4 * g4
    + f5_2 * g3 + f6 * g2 + f7_2 * g1 + f8 * g0 + f9_2 * g9_19;
  const h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5
    + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
  carryStore(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

// h = f^2, using f_i f_j = f_j f_i: each off-diagonal product once, doubled (55 multiplies).
// Coefficients per product: 2 for i != j, 2 more when both are odd, 19 when i+j >= 10; they are
// folded into the precomputed multiples below (e.g. f1 f9 has 2*2*19 = 76 = f1_2 * f9_38).
export function feSq(h: usize, f: usize): void {
  const f0 = lo(f, 0), f1 = lo(f, 1), f2 = lo(f, 2), f3 = lo(f, 3), f4 = lo(f, 4);
  const f5 = lo(f, 5), f6 = lo(f, 6), f7 = lo(f, 7), f8 = lo(f, 8), f9 = lo(f, 9);
  const f0_2 = f0 << 1, f1_2 = f1 << 1, f2_2 = f2 << 1, f3_2 = f3 << 1, f4_2 = f4 << 1;
  const f5_2 = f5 << 1, f6_2 = f6 << 1, f7_2 = f7 << 1;
  const f5_38 = f5 * 38, f6_19 = f6 * 19, f7_38 = f7 * 38, f8_19 = f8 * 19, f9_38 = f9 * 38;

  const h0 = f0 * f0 + f1_2 * f9_38 + f2_2 * f8_19 + f3_2 * f7_38 + f4_2 * f6_19 + f5 * f5_38;
  const h1 = f0_2 * f1 + f2 * f9_38 + f3_2 * f8_19 + f4 * f7_38 + f5_2 * f6_19;
  const h2 = f0_2 * f2 + f1_2 * f1 + f3_2 * f9_38 + f4_2 * f8_19 + f5_2 * f7_38 + f6 * f6_19;
  const h3 = f0_2 * f3 + f1_2 * f2 + f4 * f9_38 + f5_2 * f8_19 + f6 * f7_38;
  const h4 = f0_2 * f4 + f1_2 * f3_2 + f2 * f2 + f5_2 * f9_38 + f6_2 * f8_19 + f7 * f7_38;
  const h5 = f0_2 * f5 + f1_2 * f4 + f2_2 * f3 + f6 * f9_38 + f7_2 * f8_19;
  const h6 = f0_2 * f6 + f1_2 * f5_2 + f2_2 * f4 + f3_2 * f3 + f7_2 * f9_38 + f8 * f8_19;
  const h7 = f0_2 * f7 + f1_2 * f6 + f2_2 * f5 + f3_2 * f4 + f8 * f9_38;
  const h8 = f0_2 * f8 + f1_2 * f7_2 + f2_2 * f6 + f3_2 * f5_2 + f4 * f4 + f9 * f9_38;
  const h9 = f0_2 * f9 + f1_2 * f8 + f2_2 * f7 + f3_2 * f6 + f4_2 * f5;
  carryStore(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
}

// h = f^(2^n), n >= 1.
export function feSqN(h: usize, f: usize, n: i32): void {
  feSq(h, f);
  for (let i = 1; i < n; i++) feSq(h, h);
}

// Brings the limbs of f (e.g. a sum) back into the carried ranges.
export function feCarry(h: usize, f: usize): void {
  carryStore(h, lo(f, 0), lo(f, 1), lo(f, 2), lo(f, 3), lo(f, 4),
    lo(f, 5), lo(f, 6), lo(f, 7), lo(f, 8), lo(f, 9));
}

// h = f * c for a small constant c (|c| < 2^20).
export function feMulSmall(h: usize, f: usize, c: i64): void {
  carryStore(h, lo(f, 0) * c, lo(f, 1) * c, lo(f, 2) * c, lo(f, 3) * c, lo(f, 4) * c,
    lo(f, 5) * c, lo(f, 6) * c, lo(f, 7) * c, lo(f, 8) * c, lo(f, 9) * c);
}

// Loads the low 255 bits of the 32 little-endian bytes at s (bit 255 is ignored: in a point
// encoding it is the sign of x). The value may be >= p; point decoding checks that separately.
// Each limb is read with one 32-bit load: offset (bit position mod 8) + width <= 32 for all ten,
// and the last load ends exactly at byte 32, so nothing outside the 32 bytes is read.
export function feFromBytes(h: usize, s: usize): void {
  const M26: u32 = (1 << 26) - 1;
  const M25: u32 = (1 << 25) - 1;
  store<i32>(h, <i32>(load<u32>(s) & M26));
  store<i32>(h, <i32>((load<u32>(s + 3) >>> 2) & M25), 4);
  store<i32>(h, <i32>((load<u32>(s + 6) >>> 3) & M26), 8);
  store<i32>(h, <i32>((load<u32>(s + 9) >>> 5) & M25), 12);
  store<i32>(h, <i32>((load<u32>(s + 12) >>> 6) & M26), 16);
  store<i32>(h, <i32>(load<u32>(s + 16) & M25), 20);
  store<i32>(h, <i32>((load<u32>(s + 19) >>> 1) & M26), 24);
  store<i32>(h, <i32>((load<u32>(s + 22) >>> 3) & M25), 28);
  store<i32>(h, <i32>((load<u32>(s + 25) >>> 4) & M26), 32);
  store<i32>(h, <i32>((load<u32>(s + 28) >>> 6) & M25), 36);
}

// Writes the canonical encoding (the unique representative in [0, p), 32 bytes little-endian)
// of f to s. Accepts limbs up to |2^27|.
export function feToBytes(s: usize, f: usize): void {
  // Add 4p limb by limb (4 * (2^26 - 19), 4 * (2^25 - 1), 4 * (2^26 - 1), ...) so that every limb
  // is non-negative, then carry with floor division: the value V is now in [0, 2^255 + small).
  let h0 = lo(f, 0) + 4 * ((1 << 26) - 19);
  let h1 = lo(f, 1) + 4 * ((1 << 25) - 1);
  let h2 = lo(f, 2) + 4 * ((1 << 26) - 1);
  let h3 = lo(f, 3) + 4 * ((1 << 25) - 1);
  let h4 = lo(f, 4) + 4 * ((1 << 26) - 1);
  let h5 = lo(f, 5) + 4 * ((1 << 25) - 1);
  let h6 = lo(f, 6) + 4 * ((1 << 26) - 1);
  let h7 = lo(f, 7) + 4 * ((1 << 25) - 1);
  let h8 = lo(f, 8) + 4 * ((1 << 26) - 1);
  let h9 = lo(f, 9) + 4 * ((1 << 25) - 1);
  // Two floor-carry passes; the carry out of limb 9 wraps as 19. After the first pass h0 exceeds
  // 2^26 by at most 19 * 16; the second pass can only carry out of limb 9 if limb 0 carried,
  // which leaves limb 0 tiny, so adding 19 back cannot overflow it: all limbs end in range and
  // V < 2^255.
  for (let pass = 0; pass < 2; pass++) {
    h1 += h0 >> 26; h0 &= (1 << 26) - 1;
    h2 += h1 >> 25; h1 &= (1 << 25) - 1;
    h3 += h2 >> 26; h2 &= (1 << 26) - 1;
    h4 += h3 >> 25; h3 &= (1 << 25) - 1;
    h5 += h4 >> 26; h4 &= (1 << 26) - 1;
    h6 += h5 >> 25; h5 &= (1 << 25) - 1;
    h7 += h6 >> 26; h6 &= (1 << 26) - 1;
    h8 += h7 >> 25; h7 &= (1 << 25) - 1;
    h9 += h8 >> 26; h8 &= (1 << 26) - 1;
    h0 += 19 * (h9 >> 25); h9 &= (1 << 25) - 1;
  }
  // V < 2^255 < 2p, so V >= p exactly when V + 19 >= 2^255: q is that carry (0 or 1).
  let q = (h0 + 19) >> 26;
  q = (h1 + q) >> 25;
  q = (h2 + q) >> 26;
  q = (h3 + q) >> 25;
  q = (h4 + q) >> 26;
  q = (h5 + q) >> 25;
  q = (h6 + q) >> 26;
  q = (h7 + q) >> 25;
  q = (h8 + q) >> 26;
  q = (h9 + q) >> 25;
  // V - q p = V + 19 q - q 2^255: add 19 q and drop the carry out of bit 255.
  h0 += 19 * q;
  h1 += h0 >> 26; h0 &= (1 << 26) - 1;
  h2 += h1 >> 25; h1 &= (1 << 25) - 1;
  h3 += h2 >> 26; h2 &= (1 << 26) - 1;
  h4 += h3 >> 25; h3 &= (1 << 25) - 1;
  h5 += h4 >> 26; h4 &= (1 << 26) - 1;
  h6 += h5 >> 25; h5 &= (1 << 25) - 1;
  h7 += h6 >> 26; h6 &= (1 << 26) - 1;
  h8 += h7 >> 25; h7 &= (1 << 25) - 1;
  h9 += h8 >> 26; h8 &= (1 << 26) - 1;
  h9 &= (1 << 25) - 1;
  // Pack the 255 bits into four little-endian 64-bit words.
  const w0 = <u64>h0 | (<u64>h1 << 26) | (<u64>h2 << 51);
  const w1 = (<u64>h2 >> 13) | (<u64>h3 << 13) | (<u64>h4 << 38);
  const w2 = <u64>h5 | (<u64>h6 << 25) | (<u64>h7 << 51);
  const w3 = (<u64>h7 >> 13) | (<u64>h8 << 12) | (<u64>h9 << 38);
  store<u64>(s, w0);
  store<u64>(s, w1, 8);
  store<u64>(s, w2, 16);
  store<u64>(s, w3, 24);
}

// True when f = 0 mod p.
export function feIsZero(f: usize): bool {
  feToBytes(BYTES, f);
  return (load<u64>(BYTES) | load<u64>(BYTES, 8) | load<u64>(BYTES, 16) | load<u64>(BYTES, 24)) == 0;
}

// True when f = g mod p.
export function feEqual(f: usize, g: usize): bool {
  feSub(T3, f, g);
  return feIsZero(T3);
}

// The low bit of the canonical representative ("negative" in RFC 8032 §5.1.2 terms).
export function feIsOdd(f: usize): bool {
  feToBytes(BYTES, f);
  return (load<u8>(BYTES) & 1) != 0;
}

// h = f^(2^250 - 1), also leaving f^11 in T1: the common head of the two exponentiations below.
// Addition chain: 2, 8, 9, 11, 22, 2^5-1, 2^10-1, 2^20-1, 2^40-1, 2^50-1, 2^100-1, 2^200-1, 2^250-1
// (each 2^a - 1 step squares a value a/2 or more times and multiplies by an earlier one).
function pow2250m1(h: usize, f: usize): void {
  feSq(T0, f); //                 f^2
  feSqN(T1, T0, 2); //            f^8
  feMul(T1, f, T1); //            f^9
  feMul(T0, T0, T1); //           f^11
  feSq(T2, T0); //                f^22
  feMul(T2, T1, T2); //           f^(2^5 - 1)     (22 + 9 = 31)
  feCopy(T1, T0); //              keep f^11
  feSqN(h, T2, 5);
  feMul(T2, h, T2); //            f^(2^10 - 1)
  feSqN(h, T2, 10);
  feMul(h, h, T2); //             f^(2^20 - 1)
  feSqN(T0, h, 20);
  feMul(h, T0, h); //             f^(2^40 - 1)
  feSqN(h, h, 10);
  feMul(T2, h, T2); //            f^(2^50 - 1)
  feSqN(h, T2, 50);
  feMul(h, h, T2); //             f^(2^100 - 1)
  feSqN(T0, h, 100);
  feMul(h, T0, h); //             f^(2^200 - 1)
  feSqN(h, h, 50);
  feMul(h, h, T2); //             f^(2^250 - 1)
}

// h = f^(p - 2) = f^(2^255 - 21) = 1/f (Fermat); 0 maps to 0.
// (2^250 - 1) * 2^5 + 11 = 2^255 - 21.
export function feInvert(h: usize, f: usize): void {
  pow2250m1(h, f);
  feSqN(h, h, 5);
  feMul(h, h, T1);
}

// h = f^((p - 5) / 8) = f^(2^252 - 3), the exponent of the square root in RFC 8032 §5.1.3.
// (2^250 - 1) * 4 + 1 = 2^252 - 3. f must not alias h.
export function fePow22523(h: usize, f: usize): void {
  pow2250m1(h, f);
  feSqN(h, h, 2);
  feMul(h, h, f);
}
