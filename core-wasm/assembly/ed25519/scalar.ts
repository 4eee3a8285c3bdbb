// Scalars modulo the group order L = 2^252 + 27742317777372353535851937790883648493
// (RFC 8032 §5.1), as 32-byte little-endian strings, and their signed-window recoding for the
// scalar multiplications. Scalars in verification are public: variable-time code.

// L as eight 32-bit little-endian words.
const L_WORDS: usize = memory.data<u32>([
  0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de, 0x00000000, 0x00000000, 0x00000000, 0x10000000,
]);

// Barrett constant mu = floor(2^512 / L) (260 bits, nine words), for HAC Algorithm 14.42 with
// base b = 2^32 and k = 8 words. test/crypto/ed25519-internals.test.ts re-derives it with BigInt.
const MU_WORDS: usize = memory.data<u32>([
  0x0a2c131b, 0xed9ce5a3, 0x086329a7, 0x2106215d, 0xffffffeb, 0xffffffff, 0xffffffff, 0xffffffff,
  0x0000000f,
]);

const Q2: usize = memory.data(18 * 4, 8); // q1 * mu
const R2: usize = memory.data(9 * 4, 8); // (q3 * L) mod b^9
const RW: usize = memory.data(9 * 4, 8); // the remainder being reduced

// True when the 32-byte little-endian integer at s is below L (RFC 8032 §5.1.7: reject S >= L).
export function scIsCanonical(s: usize): bool {
  for (let i = 7; i >= 0; i--) {
    const a = load<u32>(s + (<usize>i << 2));
    const l = load<u32>(L_WORDS + (<usize>i << 2));
    if (a < l) return true;
    if (a > l) return false;
  }
  return false; // s == L
}

// True when the 9-word value at RW is >= L.
function rwAtLeastL(): bool {
  if (load<u32>(RW + 32) != 0) return true;
  for (let i = 7; i >= 0; i--) {
    const a = load<u32>(RW + (<usize>i << 2));
    const l = load<u32>(L_WORDS + (<usize>i << 2));
    if (a != l) return a > l;
  }
  return true;
}

// out (32 bytes) = the 64-byte little-endian integer at x, mod L. out may alias x.
// Barrett reduction (HAC 14.42): q3 = floor(floor(x / b^7) * mu / b^9) is at most 2 below
// floor(x / L), so r = x - q3 L (computed mod b^9) needs at most two final subtractions of L.
export function scReduce512(out: usize, x: usize): void {
  // q2 = q1 * mu, with q1 = words 7..15 of x.
  memory.fill(Q2, 0, 18 * 4);
  for (let i: usize = 0; i < 9; i++) {
    const a = <u64>load<u32>(x + ((i + 7) << 2));
    let carry: u64 = 0;
    for (let j: usize = 0; j < 9; j++) {
      const p = Q2 + ((i + j) << 2);
      const t = <u64>load<u32>(p) + a * <u64>load<u32>(MU_WORDS + (j << 2)) + carry;
      store<u32>(p, <u32>t);
      carry = t >> 32;
    }
    store<u32>(Q2 + ((i + 9) << 2), <u32>carry);
  }
  // r2 = (q3 * L) mod b^9, q3 = words 9..17 of q2.
  memory.fill(R2, 0, 9 * 4);
  for (let i: usize = 0; i < 9; i++) {
    const a = <u64>load<u32>(Q2 + ((i + 9) << 2));
    let carry: u64 = 0;
    for (let j: usize = 0; i + j < 9 && j < 8; j++) {
      const p = R2 + ((i + j) << 2);
      const t = <u64>load<u32>(p) + a * <u64>load<u32>(L_WORDS + (j << 2)) + carry;
      store<u32>(p, <u32>t);
      carry = t >> 32;
    }
    if (i + 8 < 9) {
      const p = R2 + ((i + 8) << 2);
      store<u32>(p, <u32>(<u64>load<u32>(p) + carry));
    }
  }
  // r = (x mod b^9) - r2 mod b^9.
  let borrow: i64 = 0;
  for (let i: usize = 0; i < 9; i++) {
    const t = <i64>load<u32>(x + (i << 2)) - <i64>load<u32>(R2 + (i << 2)) + borrow;
    store<u32>(RW + (i << 2), <u32>t);
    borrow = t >> 32;
  }
  while (rwAtLeastL()) {
    borrow = 0;
    for (let i: usize = 0; i < 9; i++) {
      const l: i64 = i < 8 ? <i64>load<u32>(L_WORDS + (i << 2)) : 0;
      const t = <i64>load<u32>(RW + (i << 2)) - l + borrow;
      store<u32>(RW + (i << 2), <u32>t);
      borrow = t >> 32;
    }
  }
  memory.copy(out, RW, 32);
}

// Signed-window (width-w NAF) recoding of the 32-byte scalar at s (s < 2^253, which holds for
// every scalar below L) into 256 signed digits at naf: the scalar equals sum naf[i] 2^i, every
// nonzero digit is odd with |digit| < 2^(w-1), and any w consecutive digits hold at most one
// nonzero. So a scalar multiplication needs only the odd multiples 1, 3, ..., 2^(w-1) - 1 of its
// point, and one addition per nonzero digit (about 256 / (w + 1) of them).
// `words` is a 40-byte scratch area (the scalar plus two zero words, so a window read near the
// top never leaves it).
export function scRecode(naf: usize, s: usize, w: i32, words: usize): void {
  memory.copy(words, s, 32);
  store<u64>(words, 0, 32);
  memory.fill(naf, 0, 256);
  const width: i32 = 1 << w;
  const mask: u64 = <u64>(width - 1);
  const half: i32 = width >> 1;
  let carry: i32 = 0;
  let pos: i32 = 0;
  while (pos < 256) {
    const at = words + (<usize>(pos >> 5) << 2);
    const bits = <i32>(((<u64>load<u32>(at) | (<u64>load<u32>(at, 4) << 32)) >> <u64>(pos & 31)) & mask);
    const window = carry + bits;
    // The pending carry and the scalar's bit at pos sum to an even number: the digit here is 0
    // and the carry (if any) moves on to pos + 1.
    if ((window & 1) == 0) {
      pos++;
      continue;
    }
    if (window < half) {
      carry = 0;
      store<i8>(naf + <usize>pos, <i8>window);
    } else {
      // Take window - 2^w here and carry 2^w into position pos + w.
      carry = 1;
      store<i8>(naf + <usize>pos, <i8>(window - width));
    }
    pos += w;
  }
}
