// u1·G + u2·Q for ECDSA verification (FIPS 186-5 §6.4.2 step 5), interleaved wNAF
// ("Shamir's trick" with signed windows): one shared chain of ~256 doublings, plus
//   - for G: width-8 wNAF over a table of the 64 odd multiples G, 3G, ..., 127G in affine form,
//     built once at module start (~256/9 ≈ 28 mixed additions per call);
//   - for Q: width-5 wNAF over the 8 odd multiples Q, 3Q, ..., 15Q in Jacobian form, built per
//     call (~256/6 ≈ 43 full additions).
// Everything lives in static buffers: no allocation per call. Variable-time (public scalars).

import { FE, ONE, fmul, fsqr, fpow, fcopy, fsub, fsetZero, limbsFromBytes, ftoMont, P_BYTES } from './field';
import {
  PT, AFF, pointSetInf, pointIsInf, pointDouble, pointAdd, pointAddAffine, pointNeg,
} from './point';

const MASK: i64 = 0x1fffffff;
const G_W: i32 = 8;
const Q_W: i32 = 5;
const G_COUNT: i32 = 1 << (G_W - 2); // 64
const Q_COUNT: i32 = 1 << (Q_W - 2); // 8

// Base point G (SP 800-186 §3.2.1.3), big-endian x then y.
const G_BYTES: usize = memory.data<u8>([
  0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
  0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96,
  0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16,
  0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
]);

const G_TABLE: usize = memory.data(64 * 144, 8); // G_COUNT affine points
const Q_TABLE: usize = memory.data(8 * 216, 8); // Q_COUNT Jacobian points
const NAF1: usize = memory.data(264);
const NAF2: usize = memory.data(264);
const K: usize = memory.data(72, 8);
const NEG_AFF: usize = memory.data(144, 8);
const NEG_PT: usize = memory.data(216, 8);
const TWICE: usize = memory.data(216, 8);

/**
 * Width-w NAF of the scalar k (9 limbs, < n < 2^256, so len <= 256 + w <= 264, the size of the
 * digit buffers) into out[0..len), least significant digit first:
 * each digit is 0 or odd in (-2^(w-1), 2^(w-1)), and a nonzero digit is followed by >= w-1 zeros.
 * Returns len. The scalar is copied: the caller's k is not modified.
 */
function wnaf(out: usize, k: usize, w: i32): i32 {
  memory.copy(K, k, 72);
  const full: i64 = (<i64>1) << w;
  const half: i64 = full >> 1;
  let len: i32 = 0;
  for (;;) {
    let nonzero: i64 = 0;
    for (let i: usize = 0; i < 9; i++) nonzero |= load<i64>(K + (i << 3));
    if (nonzero == 0) break;
    let k0 = load<i64>(K);
    let shift: i32 = 1;
    if (k0 & 1) {
      let d = k0 & (full - 1);
      if (d >= half) d -= full;
      store<i8>(out + <usize>len, <i8>d);
      // k -= d; a negative d may carry upwards.
      k0 -= d;
      store<i64>(K, k0 & MASK);
      let c = k0 >> 29;
      for (let i: usize = 1; c != 0 && i < 9; i++) {
        const v = load<i64>(K + (i << 3)) + c;
        store<i64>(K + (i << 3), i < 8 ? v & MASK : v);
        c = i < 8 ? v >> 29 : 0;
      }
      // The low w bits are now zero: emit w-1 zero digits and shift by w at once.
      for (let j: i32 = 1; j < w; j++) store<i8>(out + <usize>(len + j), 0);
      len += w;
      shift = w;
    } else {
      store<i8>(out + <usize>len, 0);
      len += 1;
    }
    // K >>= shift
    for (let i: usize = 0; i < 8; i++) {
      const lo = load<i64>(K + (i << 3));
      const hi = load<i64>(K + ((i + 1) << 3));
      store<i64>(K + (i << 3), (lo >> shift) | ((hi << (29 - shift)) & MASK));
    }
    store<i64>(K + 64, load<i64>(K + 64) >> shift);
  }
  return len;
}

/**
 * r = u1·G + u2·Q (Jacobian). u1, u2: scalars as 9 limbs in [0, n); q: affine point (Montgomery
 * coordinates) on the curve. r may be infinity.
 */
export function doubleScalarMul(r: usize, u1: usize, u2: usize, q: usize): void {
  // Odd multiples of Q: T[i] = (2i+1)Q.
  const t0 = Q_TABLE;
  fcopy(t0, q);
  fcopy(t0 + FE, q + FE);
  fcopy(t0 + 2 * FE, ONE);
  pointDouble(TWICE, t0);
  for (let i: i32 = 1; i < Q_COUNT; i++) {
    const t = Q_TABLE + <usize>i * PT;
    pointAdd(t, t - PT, TWICE);
  }

  const n1 = wnaf(NAF1, u1, G_W);
  const n2 = wnaf(NAF2, u2, Q_W);
  const top = n1 > n2 ? n1 : n2;
  pointSetInf(r);
  for (let i: i32 = top - 1; i >= 0; i--) {
    if (!pointIsInf(r)) pointDouble(r, r);
    if (i < n1) {
      const d = <i32>load<i8>(NAF1 + <usize>i);
      if (d > 0) {
        pointAddAffine(r, r, G_TABLE + <usize>(d >> 1) * AFF);
      } else if (d < 0) {
        const a = G_TABLE + <usize>((-d) >> 1) * AFF;
        fcopy(NEG_AFF, a);
        fsetZero(NEG_AFF + FE);
        fsub(NEG_AFF + FE, NEG_AFF + FE, a + FE);
        pointAddAffine(r, r, NEG_AFF);
      }
    }
    if (i < n2) {
      const d = <i32>load<i8>(NAF2 + <usize>i);
      if (d > 0) {
        pointAdd(r, r, Q_TABLE + <usize>(d >> 1) * PT);
      } else if (d < 0) {
        pointNeg(NEG_PT, Q_TABLE + <usize>((-d) >> 1) * PT);
        pointAdd(r, r, NEG_PT);
      }
    }
  }
}

// --- G table, built at module start --------------------------------------------------------

const P_MINUS_2: usize = memory.data(32);
const INIT_ACC: usize = memory.data(216, 8);
const INIT_2G: usize = memory.data(216, 8);
const INIT_Z: usize = memory.data(64 * 72, 8); // Z of each table entry while it is Jacobian
const INIT_PREFIX: usize = memory.data(64 * 72, 8); // Z_0·Z_1·...·Z_i
const INIT_INV: usize = memory.data(72, 8);
const INIT_ZI: usize = memory.data(72, 8);
const INIT_ZI2: usize = memory.data(72, 8);

/** The affine generator in Montgomery form. */
export const G_AFFINE: usize = memory.data(144, 8);

// Makes table entry i affine given zi = 1/Z_i: x = X·zi^2, y = Y·zi^3.
function toAffineEntry(i: i32, zi: usize): void {
  const e = G_TABLE + <usize>i * AFF;
  fsqr(INIT_ZI2, zi);
  fmul(e, e, INIT_ZI2);
  fmul(INIT_ZI2, INIT_ZI2, zi);
  fmul(e + FE, e + FE, INIT_ZI2);
}

function initTable(): void {
  memory.copy(P_MINUS_2, P_BYTES, 32);
  store<u8>(P_MINUS_2 + 31, load<u8>(P_MINUS_2 + 31) - 2); // low byte of p is 0xff: no borrow
  limbsFromBytes(G_AFFINE, G_BYTES);
  limbsFromBytes(G_AFFINE + FE, G_BYTES + 32);
  ftoMont(G_AFFINE, G_AFFINE);
  ftoMont(G_AFFINE + FE, G_AFFINE + FE);
  fcopy(INIT_ACC, G_AFFINE);
  fcopy(INIT_ACC + FE, G_AFFINE + FE);
  fcopy(INIT_ACC + 2 * FE, ONE);
  pointDouble(INIT_2G, INIT_ACC);
  // Jacobian (2i+1)G: X, Y into the table slot, Z aside, with running products of the Z.
  for (let i: i32 = 0; i < G_COUNT; i++) {
    if (i > 0) pointAdd(INIT_ACC, INIT_ACC, INIT_2G);
    const e = G_TABLE + <usize>i * AFF;
    const z = INIT_Z + <usize>i * FE;
    fcopy(e, INIT_ACC);
    fcopy(e + FE, INIT_ACC + FE);
    fcopy(z, INIT_ACC + 2 * FE);
    if (i == 0) fcopy(INIT_PREFIX, z);
    else fmul(INIT_PREFIX + <usize>i * FE, INIT_PREFIX + <usize>(i - 1) * FE, z);
  }
  // One inversion for all entries (Montgomery's trick): inv = 1/(Z_0···Z_i), walking down,
  // 1/Z_i = inv·(Z_0···Z_{i-1}) and then inv·Z_i = 1/(Z_0···Z_{i-1}). Fermat: 1/x = x^(p-2).
  fpow(INIT_INV, INIT_PREFIX + <usize>(G_COUNT - 1) * FE, P_MINUS_2);
  for (let i: i32 = G_COUNT - 1; i > 0; i--) {
    fmul(INIT_ZI, INIT_INV, INIT_PREFIX + <usize>(i - 1) * FE);
    fmul(INIT_INV, INIT_INV, INIT_Z + <usize>i * FE);
    toAffineEntry(i, INIT_ZI);
  }
  toAffineEntry(0, INIT_INV);
}

initTable();
