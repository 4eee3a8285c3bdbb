// Arithmetic modulo the P-256 group order
// n = FFFFFFFF 00000000 FFFFFFFF FFFFFFFF BCE6FAAD A7179E84 F3B9CAC2 FC632551 (SP 800-186 §3.2.1.3).
//
// ECDSA verification (FIPS 186-5 §6.4.2) needs only w = s^-1, u1 = e·w and u2 = r·w mod n: one
// inversion and a few products per call, so this file favours simple loops over unrolling.
// Same limb layout as field.ts (9 x 29-bit limbs in i64). Products use generic Montgomery
// reduction with R = 2^261 (n has no special form); the inverse uses the binary extended
// Euclidean algorithm, which is variable-time: s is public in verification.

import { limbsFromBytes, limbsCmp } from './field';

const MASK: i64 = 0x1fffffff;
const SC: usize = 72; // bytes per scalar

export const N_BYTES: usize = memory.data<u8>([
  0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
]);

export const N: usize = memory.data(72, 8);
const R2N: usize = memory.data(72, 8); // 2^522 mod n
let N0: i64 = 0; // -n^-1 mod 2^29

const T: usize = memory.data(18 * 8, 8); // product columns

function scopy(r: usize, a: usize): void {
  memory.copy(r, a, SC);
}

// r = a + b as integers (carry-normalised). Both < 2^260 so nothing leaves limb 8.
function sadd(r: usize, a: usize, b: usize): void {
  let c: i64 = 0;
  for (let i: usize = 0; i < 8; i++) {
    c += load<i64>(a + (i << 3)) + load<i64>(b + (i << 3));
    store<i64>(r + (i << 3), c & MASK);
    c >>= 29;
  }
  store<i64>(r + 64, c + load<i64>(a + 64) + load<i64>(b + 64));
}

// r = a - b as integers; the caller guarantees a >= b.
function ssub(r: usize, a: usize, b: usize): void {
  let c: i64 = 0;
  for (let i: usize = 0; i < 8; i++) {
    c += load<i64>(a + (i << 3)) - load<i64>(b + (i << 3));
    store<i64>(r + (i << 3), c & MASK);
    c >>= 29;
  }
  store<i64>(r + 64, c + load<i64>(a + 64) - load<i64>(b + 64));
}

// a >>= 1 across limbs.
function shr1(a: usize): void {
  for (let i: usize = 0; i < 8; i++) {
    const lo = load<i64>(a + (i << 3));
    const hi = load<i64>(a + ((i + 1) << 3));
    store<i64>(a + (i << 3), (lo >> 1) | ((hi & 1) << 28));
  }
  store<i64>(a + 64, load<i64>(a + 64) >> 1);
}

function isOne(a: usize): bool {
  if (load<i64>(a) != 1) return false;
  for (let i: usize = 1; i < 9; i++) if (load<i64>(a + (i << 3)) != 0) return false;
  return true;
}

/** r = a·b·2^-261 mod n, in [0, n); inputs below 2^261 with a·b < n·2^261. */
export function smontMul(r: usize, a: usize, b: usize): void {
  memory.fill(T, 0, 18 * 8);
  for (let i: usize = 0; i < 9; i++) {
    const ai = load<i64>(a + (i << 3));
    for (let j: usize = 0; j < 9; j++) {
      const p = T + ((i + j) << 3);
      store<i64>(p, load<i64>(p) + ai * load<i64>(b + (j << 3)));
    }
  }
  // Montgomery rounds: m makes column i divisible by 2^29, its carry moves up.
  for (let i: usize = 0; i < 9; i++) {
    const ti = load<i64>(T + (i << 3));
    const m = ((ti & MASK) * N0) & MASK;
    for (let j: usize = 1; j < 9; j++) {
      const p = T + ((i + j) << 3);
      store<i64>(p, load<i64>(p) + m * load<i64>(N + (j << 3)));
    }
    const carry = (ti + m * load<i64>(N)) >> 29;
    const p1 = T + ((i + 1) << 3);
    store<i64>(p1, load<i64>(p1) + carry);
  }
  let c: i64 = 0;
  for (let i: usize = 0; i < 8; i++) {
    c += load<i64>(T + ((i + 9) << 3));
    store<i64>(r + (i << 3), c & MASK);
    c >>= 29;
  }
  store<i64>(r + 64, c + load<i64>(T + (17 << 3)));
  // (a·b + M·n)/R < 2n for the inputs used here; bring into [0, n).
  while (limbsCmp(r, N) >= 0) ssub(r, r, N);
}

/** r = a·b mod n for a, b below 2^256 (one of them < n). */
export function smulMod(r: usize, a: usize, b: usize): void {
  smontMul(r, a, b); // a·b/R
  smontMul(r, r, R2N); // ·R
}

const U: usize = memory.data(72, 8);
const V: usize = memory.data(72, 8);
const X1: usize = memory.data(72, 8);
const X2: usize = memory.data(72, 8);

// x = x/2 mod n for x in [0, n): halve directly when even, else halve x + n (which is even).
function halveMod(x: usize): void {
  if (load<i64>(x) & 1) sadd(x, x, N);
  shr1(x);
}

// x = x - y mod n for x, y in [0, n).
function subMod(x: usize, y: usize): void {
  if (limbsCmp(x, y) < 0) sadd(x, x, N);
  ssub(x, x, y);
}

/**
 * r = a^-1 mod n for a in [1, n-1], by the binary extended Euclidean algorithm. Invariants:
 * U ≡ a·X1 and V ≡ a·X2 (mod n), gcd(U, V) = gcd(a, n) = 1 (n is prime), so U and V stay odd
 * after halving, never become equal before one of them is 1, and the loop ends with 1 ≡ a·X.
 */
export function sinv(r: usize, a: usize): void {
  scopy(U, a);
  scopy(V, N);
  memory.fill(X1, 0, SC);
  store<i64>(X1, 1);
  memory.fill(X2, 0, SC);
  while (!isOne(U) && !isOne(V)) {
    while ((load<i64>(U) & 1) == 0) {
      shr1(U);
      halveMod(X1);
    }
    while ((load<i64>(V) & 1) == 0) {
      shr1(V);
      halveMod(X2);
    }
    if (limbsCmp(U, V) >= 0) {
      ssub(U, U, V);
      subMod(X1, X2);
    } else {
      ssub(V, V, U);
      subMod(X2, X1);
    }
  }
  scopy(r, isOne(U) ? X1 : X2);
}

/** 32 big-endian bytes -> limbs. */
export function sfromBytes(r: usize, src: usize): void {
  limbsFromBytes(r, src);
}

function initScalar(): void {
  limbsFromBytes(N, N_BYTES);
  // -n^-1 mod 2^29 by Newton's iteration x <- x(2 - n0·x); each step doubles the correct bits
  // (an odd n0 is its own inverse mod 8, so 3 -> 6 -> 12 -> 24 -> 48 bits).
  const n0 = load<i64>(N);
  let x: i64 = n0;
  for (let i = 0; i < 4; i++) x = (x * (2 - n0 * x)) & MASK;
  N0 = (-x) & MASK;
  // 2^522 mod n by doubling 1 with a conditional subtraction.
  memory.fill(R2N, 0, SC);
  store<i64>(R2N, 1);
  for (let i = 0; i < 522; i++) {
    sadd(R2N, R2N, R2N);
    if (limbsCmp(R2N, N) >= 0) ssub(R2N, R2N, N);
  }
}

initScalar();
