// Arithmetic modulo the P-256 prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1
// (NIST SP 800-186 §3.2.1.3, FIPS 186-5).
//
// Why this shape: WASM on Node 20 has a 64x64->64 multiply but no 128-bit product, so limbs are
// 29 bits (9 limbs = 261 bits) held in i64: a limb product is < 2^58 and a column of 9 products
// is < 2^62, so a whole schoolbook product accumulates without carries.
//
// Reduction is Montgomery with R = 2^261. Because p ≡ -1 (mod 2^96), -p^-1 ≡ 1 (mod 2^29): the
// Montgomery digit m of each round is simply the low limb, and adding m·p = m·(2^256 - 2^224 +
// 2^192 + 2^96) - m needs shifts only (2^96 = limb 3 << 9, 2^192 = limb 6 << 18, 2^224 = limb 7
// << 21, 2^256 = limb 8 << 24). Measured against the alternative, a Solinas reduction (SP 800-186
// Appendix G.1.2) over 8 x 32-bit words, whose 64-bit limb products must be split into halves
// to sum columns without carries: 91-151 ns vs 160-188 ns per multiplication (same runs, Node 20,
// 2 loaded cores), so Montgomery it is.
//
// Invariant kept by every function: an element is 9 signed limbs whose value is in [0, 2^257)
// (< 3p, not necessarily < p). Products leave limbs normalised (0..7 in [0, 2^29), limb 8 below
// 2^25); additive results are left "loose" to save a second carry pass (normStore): limbs in
// (-2^24, 2^29 + 2^27), limb 8 below 2^24. Either form keeps every product column < 2^62.
// Anything that reads limbs exactly (fcanon, fisZero, feq) normalises first; fcanon() gives the
// unique representative in [0, p) when a comparison or an encoding needs it.
//
// Elements live in linear memory (72 bytes: 9 x i64); functions take pointers, the output may
// alias an input. Verification handles public data only, so all of this is variable-time.

export const FE: usize = 72;
const MASK: i64 = 0x1fffffff;

// p, 4p, 2^522 mod p (R^2, to enter Montgomery form), 1 and R mod p (Montgomery one).
// All are derived at module start from the big-endian bytes of p, not typed in as limbs.
export const P: usize = memory.data(72, 8);
const P4: usize = memory.data(72, 8);
const R2: usize = memory.data(72, 8);
const ONE_PLAIN: usize = memory.data(72, 8);
export const ONE: usize = memory.data(72, 8);

// p = FFFFFFFF 00000001 00000000 00000000 00000000 FFFFFFFF FFFFFFFF FFFFFFFF (SP 800-186).
export const P_BYTES: usize = memory.data<u8>([
  0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
]);

// ---------------------------------------------------------------------------------------------
// Montgomery multiplication and squaring

// Reduces the 17-column product t0..t16 (t17 starts at 0) by R = 2^261 and stores the 9 limbs.
// Round i picks m = t_i mod 2^29 (since -p^-1 ≡ 1), adds m·p·2^(29i): the "-m" clears limb i
// (carrying t_i >> 29 upwards), the other four terms are shifted copies of m.
// Output value < (a·b + R·p)/R < 2^253 + p < 2^257 for inputs < 2^257.
// @ts-ignore: decorator
@inline
function montReduceStore(
  r: usize,
  t0: i64, t1: i64, t2: i64, t3: i64, t4: i64, t5: i64, t6: i64, t7: i64, t8: i64,
  t9: i64, t10: i64, t11: i64, t12: i64, t13: i64, t14: i64, t15: i64, t16: i64,
): void {
  let m: i64;
  m = t0 & MASK; t1 += t0 >> 29; t3 += m << 9; t6 += m << 18; t7 -= m << 21; t8 += m << 24;
  m = t1 & MASK; t2 += t1 >> 29; t4 += m << 9; t7 += m << 18; t8 -= m << 21; t9 += m << 24;
  m = t2 & MASK; t3 += t2 >> 29; t5 += m << 9; t8 += m << 18; t9 -= m << 21; t10 += m << 24;
  m = t3 & MASK; t4 += t3 >> 29; t6 += m << 9; t9 += m << 18; t10 -= m << 21; t11 += m << 24;
  m = t4 & MASK; t5 += t4 >> 29; t7 += m << 9; t10 += m << 18; t11 -= m << 21; t12 += m << 24;
  m = t5 & MASK; t6 += t5 >> 29; t8 += m << 9; t11 += m << 18; t12 -= m << 21; t13 += m << 24;
  m = t6 & MASK; t7 += t6 >> 29; t9 += m << 9; t12 += m << 18; t13 -= m << 21; t14 += m << 24;
  m = t7 & MASK; t8 += t7 >> 29; t10 += m << 9; t13 += m << 18; t14 -= m << 21; t15 += m << 24;
  m = t8 & MASK; t9 += t8 >> 29; t11 += m << 9; t14 += m << 18; t15 -= m << 21; t16 += m << 24;
  // The value is now t9..t16 (signed, unnormalised columns); carry them into 29-bit limbs.
  t10 += t9 >> 29; t11 += t10 >> 29; t12 += t11 >> 29; t13 += t12 >> 29;
  t14 += t13 >> 29; t15 += t14 >> 29; t16 += t15 >> 29;
  const t17 = t16 >> 29;
  store<i64>(r, t9 & MASK, 0);
  store<i64>(r, t10 & MASK, 8);
  store<i64>(r, t11 & MASK, 16);
  store<i64>(r, t12 & MASK, 24);
  store<i64>(r, t13 & MASK, 32);
  store<i64>(r, t14 & MASK, 40);
  store<i64>(r, t15 & MASK, 48);
  store<i64>(r, t16 & MASK, 56);
  store<i64>(r, t17, 64);
}

/** r = a·b·R^-1 mod p (Montgomery product). */
export function fmul(r: usize, a: usize, b: usize): void {
  const a0 = load<i64>(a, 0), a1 = load<i64>(a, 8), a2 = load<i64>(a, 16);
  const a3 = load<i64>(a, 24), a4 = load<i64>(a, 32), a5 = load<i64>(a, 40);
  const a6 = load<i64>(a, 48), a7 = load<i64>(a, 56), a8 = load<i64>(a, 64);
  const b0 = load<i64>(b, 0), b1 = load<i64>(b, 8), b2 = load<i64>(b, 16);
  const b3 = load<i64>(b, 24), b4 = load<i64>(b, 32), b5 = load<i64>(b, 40);
  const b6 = load<i64>(b, 48), b7 = load<i64>(b, 56), b8 = load<i64>(b, 64);
  montReduceStore(
    r,
    a0 * b0,
    a0 * b1 + a1 * b0,
    a0 * b2 + a1 * b1 + a2 * b0,
    a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0,
    a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0,
    a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0,
    a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0,
    a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0,
    a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0,
    a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1,
    a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2,
    a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3,
    a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4,
    a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5,
    a6 * b8 + a7 * b7 + a8 * b6,
    a7 * b8 + a8 * b7,
    a8 * b8,
  );
}

/** r = a^2·R^-1 mod p: the cross products are computed once and doubled (45 multiplies, not 81). */
export function fsqr(r: usize, a: usize): void {
  const a0 = load<i64>(a, 0), a1 = load<i64>(a, 8), a2 = load<i64>(a, 16);
  const a3 = load<i64>(a, 24), a4 = load<i64>(a, 32), a5 = load<i64>(a, 40);
  const a6 = load<i64>(a, 48), a7 = load<i64>(a, 56), a8 = load<i64>(a, 64);
  const d0 = a0 << 1, d1 = a1 << 1, d2 = a2 << 1, d3 = a3 << 1;
  const d4 = a4 << 1, d5 = a5 << 1, d6 = a6 << 1, d7 = a7 << 1;
  montReduceStore(
    r,
    a0 * a0,
    d0 * a1,
    d0 * a2 + a1 * a1,
    d0 * a3 + d1 * a2,
    d0 * a4 + d1 * a3 + a2 * a2,
    d0 * a5 + d1 * a4 + d2 * a3,
    d0 * a6 + d1 * a5 + d2 * a4 + a3 * a3,
    d0 * a7 + d1 * a6 + d2 * a5 + d3 * a4,
    d0 * a8 + d1 * a7 + d2 * a6 + d3 * a5 + a4 * a4,
    d1 * a8 + d2 * a7 + d3 * a6 + d4 * a5,
    d2 * a8 + d3 * a7 + d4 * a6 + a5 * a5,
    d3 * a8 + d4 * a7 + d5 * a6,
    d4 * a8 + d5 * a7 + a6 * a6,
    d5 * a8 + d6 * a7,
    d6 * a8 + a7 * a7,
    d7 * a8,
    a8 * a8,
  );
}

// ---------------------------------------------------------------------------------------------
// Additive operations

// Carries signed limb sums into 29-bit limbs, then folds the bits at 2^256 and above once using
// 2^256 ≡ 2^224 - 2^192 - 2^96 + 1 (mod p), into limbs 0, 3, 6 and 7 without carrying again
// (measured: 7% off a whole verification). For a positive input below 2^262 the value becomes
// (v mod 2^256) + q(2^224 - 2^192 - 2^96 + 1) with q < 64: positive and below 2^257, with the
// loose limb bounds of the header.
// @ts-ignore: decorator
@inline
function normStore(
  r: usize, c0: i64, c1: i64, c2: i64, c3: i64, c4: i64, c5: i64, c6: i64, c7: i64, c8: i64,
): void {
  c1 += c0 >> 29; c0 &= MASK;
  c2 += c1 >> 29; c1 &= MASK;
  c3 += c2 >> 29; c2 &= MASK;
  c4 += c3 >> 29; c3 &= MASK;
  c5 += c4 >> 29; c4 &= MASK;
  c6 += c5 >> 29; c5 &= MASK;
  c7 += c6 >> 29; c6 &= MASK;
  c8 += c7 >> 29; c7 &= MASK;
  const q = c8 >> 24;
  c8 &= 0xffffff;
  c0 += q; c3 -= q << 9; c6 -= q << 18; c7 += q << 21;
  store<i64>(r, c0, 0);
  store<i64>(r, c1, 8);
  store<i64>(r, c2, 16);
  store<i64>(r, c3, 24);
  store<i64>(r, c4, 32);
  store<i64>(r, c5, 40);
  store<i64>(r, c6, 48);
  store<i64>(r, c7, 56);
  store<i64>(r, c8, 64);
}

/** r = a + b (mod p). */
export function fadd(r: usize, a: usize, b: usize): void {
  normStore(
    r,
    load<i64>(a, 0) + load<i64>(b, 0),
    load<i64>(a, 8) + load<i64>(b, 8),
    load<i64>(a, 16) + load<i64>(b, 16),
    load<i64>(a, 24) + load<i64>(b, 24),
    load<i64>(a, 32) + load<i64>(b, 32),
    load<i64>(a, 40) + load<i64>(b, 40),
    load<i64>(a, 48) + load<i64>(b, 48),
    load<i64>(a, 56) + load<i64>(b, 56),
    load<i64>(a, 64) + load<i64>(b, 64),
  );
}

/** r = a - b (mod p), computed as a + 4p - b so the sum stays positive (b < 2^257 < 4p). */
export function fsub(r: usize, a: usize, b: usize): void {
  normStore(
    r,
    load<i64>(a, 0) - load<i64>(b, 0) + load<i64>(P4, 0),
    load<i64>(a, 8) - load<i64>(b, 8) + load<i64>(P4, 8),
    load<i64>(a, 16) - load<i64>(b, 16) + load<i64>(P4, 16),
    load<i64>(a, 24) - load<i64>(b, 24) + load<i64>(P4, 24),
    load<i64>(a, 32) - load<i64>(b, 32) + load<i64>(P4, 32),
    load<i64>(a, 40) - load<i64>(b, 40) + load<i64>(P4, 40),
    load<i64>(a, 48) - load<i64>(b, 48) + load<i64>(P4, 48),
    load<i64>(a, 56) - load<i64>(b, 56) + load<i64>(P4, 56),
    load<i64>(a, 64) - load<i64>(b, 64) + load<i64>(P4, 64),
  );
}

/**
 * r = ka·a - kb·b (mod p) in one normalisation (fuses the small-constant steps of the point
 * formulas). Offset kb·4p > kb·b keeps the sum positive; ka + 2kb <= 24 keeps it below 2^262.
 */
export function flin(r: usize, a: usize, ka: i64, b: usize, kb: i64): void {
  normStore(
    r,
    load<i64>(a, 0) * ka - load<i64>(b, 0) * kb + load<i64>(P4, 0) * kb,
    load<i64>(a, 8) * ka - load<i64>(b, 8) * kb + load<i64>(P4, 8) * kb,
    load<i64>(a, 16) * ka - load<i64>(b, 16) * kb + load<i64>(P4, 16) * kb,
    load<i64>(a, 24) * ka - load<i64>(b, 24) * kb + load<i64>(P4, 24) * kb,
    load<i64>(a, 32) * ka - load<i64>(b, 32) * kb + load<i64>(P4, 32) * kb,
    load<i64>(a, 40) * ka - load<i64>(b, 40) * kb + load<i64>(P4, 40) * kb,
    load<i64>(a, 48) * ka - load<i64>(b, 48) * kb + load<i64>(P4, 48) * kb,
    load<i64>(a, 56) * ka - load<i64>(b, 56) * kb + load<i64>(P4, 56) * kb,
    load<i64>(a, 64) * ka - load<i64>(b, 64) * kb + load<i64>(P4, 64) * kb,
  );
}

/** r = a - b - kc·c (mod p) in one normalisation, offset (1 + kc)·4p; kc <= 8. */
export function fsub2(r: usize, a: usize, b: usize, c: usize, kc: i64): void {
  const k = kc + 1;
  normStore(
    r,
    load<i64>(a, 0) - load<i64>(b, 0) - load<i64>(c, 0) * kc + load<i64>(P4, 0) * k,
    load<i64>(a, 8) - load<i64>(b, 8) - load<i64>(c, 8) * kc + load<i64>(P4, 8) * k,
    load<i64>(a, 16) - load<i64>(b, 16) - load<i64>(c, 16) * kc + load<i64>(P4, 16) * k,
    load<i64>(a, 24) - load<i64>(b, 24) - load<i64>(c, 24) * kc + load<i64>(P4, 24) * k,
    load<i64>(a, 32) - load<i64>(b, 32) - load<i64>(c, 32) * kc + load<i64>(P4, 32) * k,
    load<i64>(a, 40) - load<i64>(b, 40) - load<i64>(c, 40) * kc + load<i64>(P4, 40) * k,
    load<i64>(a, 48) - load<i64>(b, 48) - load<i64>(c, 48) * kc + load<i64>(P4, 48) * k,
    load<i64>(a, 56) - load<i64>(b, 56) - load<i64>(c, 56) * kc + load<i64>(P4, 56) * k,
    load<i64>(a, 64) - load<i64>(b, 64) - load<i64>(c, 64) * kc + load<i64>(P4, 64) * k,
  );
}

/** r = k·a (mod p) for a small constant 0 <= k <= 8 (the 3, 4 and 8 of the point formulas). */
export function fmulSmall(r: usize, a: usize, k: i64): void {
  normStore(
    r,
    load<i64>(a, 0) * k,
    load<i64>(a, 8) * k,
    load<i64>(a, 16) * k,
    load<i64>(a, 24) * k,
    load<i64>(a, 32) * k,
    load<i64>(a, 40) * k,
    load<i64>(a, 48) * k,
    load<i64>(a, 56) * k,
    load<i64>(a, 64) * k,
  );
}

export function fcopy(r: usize, a: usize): void {
  memory.copy(r, a, FE);
}

export function fsetZero(r: usize): void {
  memory.fill(r, 0, FE);
}

// ---------------------------------------------------------------------------------------------
// Canonical form, comparison, bytes

// r = a - b as integers with borrow propagation (any signed limbs in, normalised limbs out);
// returns the final (signed) top limb, negative iff a < b.
function limbSub(r: usize, a: usize, b: usize): i64 {
  let c: i64 = 0;
  for (let i: usize = 0; i < 8; i++) {
    c += load<i64>(a + (i << 3)) - load<i64>(b + (i << 3));
    store<i64>(r + (i << 3), c & MASK);
    c >>= 29;
  }
  c += load<i64>(a, 64) - load<i64>(b, 64);
  store<i64>(r, c, 64);
  return c;
}

const CANON_T: usize = memory.data(72, 8);
const ZERO: usize = memory.data(72, 8);

/** r = a mod p, the unique representative in [0, p): at most two subtractions since a < 2^257 < 3p. */
export function fcanon(r: usize, a: usize): void {
  // Normalise the (possibly loose) limbs first: r = a - 0.
  limbSub(r, a, ZERO);
  for (let i = 0; i < 2; i++) {
    if (limbSub(CANON_T, r, P) < 0) return;
    fcopy(r, CANON_T);
  }
}

const EQ_A: usize = memory.data(72, 8);
const EQ_B: usize = memory.data(72, 8);

/** a ≡ b (mod p). */
export function feq(a: usize, b: usize): bool {
  fcanon(EQ_A, a);
  fcanon(EQ_B, b);
  return memory.compare(EQ_A, EQ_B, FE) == 0;
}

/** a ≡ 0 (mod p). */
export function fisZero(a: usize): bool {
  // A value < 2^257 is ≡ 0 only as 0, p or 2p, whose low limbs are 0, 2^29 - 1 and 2^29 - 2:
  // any other low limb answers at once (the common case in the addition formulas).
  limbSub(EQ_A, a, ZERO);
  const low = load<i64>(EQ_A);
  if (low != 0 && low != MASK && low != MASK - 1) return false;
  fcanon(EQ_A, EQ_A);
  let acc: i64 = 0;
  for (let i: usize = 0; i < 9; i++) acc |= load<i64>(EQ_A + (i << 3));
  return acc == 0;
}

/** Reads 32 big-endian bytes as an integer (no Montgomery conversion, no reduction). */
export function limbsFromBytes(r: usize, src: usize): void {
  let acc: u64 = 0;
  let bits: u32 = 0;
  let limb: usize = 0;
  for (let i: i32 = 31; i >= 0; i--) {
    acc |= (<u64>load<u8>(src + <usize>i)) << bits;
    bits += 8;
    if (bits >= 29) {
      store<i64>(r + (limb << 3), <i64>(acc & <u64>MASK));
      acc >>= 29;
      bits -= 29;
      limb++;
    }
  }
  store<i64>(r + (limb << 3), <i64>acc); // limb 8: the top 24 bits
}

/** Writes a limb integer below 2^256 as 32 big-endian bytes. */
export function limbsToBytes(dst: usize, a: usize): void {
  let acc: u64 = 0;
  let bits: u32 = 0;
  let limb: usize = 0;
  for (let i: i32 = 31; i >= 0; i--) {
    if (bits < 8) {
      acc |= (<u64>load<i64>(a + (limb << 3))) << bits;
      bits += 29;
      limb++;
    }
    store<u8>(dst + <usize>i, <u8>acc);
    acc >>= 8;
    bits -= 8;
  }
}

/** Compares two integers in normalised limbs: -1, 0 or 1. */
export function limbsCmp(a: usize, b: usize): i32 {
  for (let i: i32 = 8; i >= 0; i--) {
    const x = load<i64>(a + (<usize>i << 3));
    const y = load<i64>(b + (<usize>i << 3));
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** r = a·R mod p (enter Montgomery form); a any element < 2^257. */
export function ftoMont(r: usize, a: usize): void {
  fmul(r, a, R2);
}

/** r = a·R^-1 mod p, canonical (leave Montgomery form). */
export function ffromMont(r: usize, a: usize): void {
  fmul(r, a, ONE_PLAIN);
  fcanon(r, r);
}

/** r = a^e for e given as 32 big-endian bytes (square-and-multiply, left to right). r != a. */
export function fpow(r: usize, a: usize, e: usize): void {
  fcopy(r, ONE);
  for (let i: usize = 0; i < 32; i++) {
    const byte = load<u8>(e + i);
    for (let bit: i32 = 7; bit >= 0; bit--) {
      fsqr(r, r);
      if ((byte >> <u8>bit) & 1) fmul(r, r, a);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Constants, derived once at module start

function initField(): void {
  limbsFromBytes(P, P_BYTES);
  // 4p with plain carries (no fold: it is the offset that keeps subtraction positive).
  let c: i64 = 0;
  for (let i: usize = 0; i < 8; i++) {
    c += load<i64>(P + (i << 3)) << 2;
    store<i64>(P4 + (i << 3), c & MASK);
    c >>= 29;
  }
  store<i64>(P4, c + (load<i64>(P, 64) << 2), 64);
  // R^2 = 2^522 mod p by 522 doublings of 1 (each fadd keeps the value congruent and < 2^257).
  fsetZero(ONE_PLAIN);
  store<i64>(ONE_PLAIN, 1, 0);
  fcopy(R2, ONE_PLAIN);
  for (let i = 0; i < 522; i++) fadd(R2, R2, R2);
  fcanon(R2, R2);
  ftoMont(ONE, ONE_PLAIN);
  fcanon(ONE, ONE);
}

initField();
