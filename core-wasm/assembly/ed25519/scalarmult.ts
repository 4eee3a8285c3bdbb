// [a]B + [b]P for the fixed base point B and a variable point P, as one interleaved
// double-and-add (Straus / Shamir): both scalars are recoded into signed windows, and a single
// chain of about 253 doublings serves both, with an addition wherever either has a nonzero digit.
// B uses width-8 windows over a table computed once (group.ts), P width-5 windows over the odd
// multiples P, 3P, ..., 15P (a "point table", built by buildPointTable and possibly cached by the
// caller, see pointcache.ts). Public inputs only: variable-time.

import {
  AFFINE_SIZE, BASE_TABLE, BASE_WINDOW, CACHED_SIZE, geAdd, geAddAffine, geCompletedToP2,
  geCompletedToP3, geDouble, geIdentity, geSub, geSubAffine, geToCached,
} from './group';
import { scRecode } from './scalar';

const POINT_WINDOW: i32 = 5;
/** Bytes of a point table: the 8 odd multiples P .. 15P in cached form. */
export const POINT_TABLE_SIZE: usize = 8 * CACHED_SIZE;

const NAF_A: usize = memory.data(256, 8);
const NAF_B: usize = memory.data(256, 8);
const WORDS: usize = memory.data(40, 8);
const TWO_P: usize = memory.data(160, 8); // 2P, cached
const C: usize = memory.data(160, 8); // completed
const U: usize = memory.data(160, 8); // P3
const P2: usize = memory.data(160, 8); // P2 (room for T unused)

// table[i] = (2 i + 1) p in cached form, i = 0..7, for the P3 point p.
export function buildPointTable(table: usize, p: usize): void {
  geToCached(table, p);
  geDouble(C, p);
  geCompletedToP3(U, C);
  geToCached(TWO_P, U);
  for (let i: usize = 1; i < 8; i++) {
    geAdd(C, i == 1 ? p : U, TWO_P);
    geCompletedToP3(U, C);
    geToCached(table + i * CACHED_SIZE, U);
  }
}

// r (P3) = [a]B + [b]P for 32-byte scalars a, b < 2^253, P given by its table (buildPointTable).
export function doubleScalarMulBase(r: usize, a: usize, b: usize, table: usize): void {
  scRecode(NAF_A, a, BASE_WINDOW, WORDS);
  scRecode(NAF_B, b, POINT_WINDOW, WORDS);
  // Interleave: the P3 state is only needed when an addition follows a doubling.
  let top: i32 = 255;
  while (top >= 0 && load<i8>(NAF_A + <usize>top) == 0 && load<i8>(NAF_B + <usize>top) == 0) top--;
  geIdentity(P2);
  for (let i = top; i >= 0; i--) {
    geDouble(C, P2);
    const da = <i32>load<i8>(NAF_A + <usize>i);
    const db = <i32>load<i8>(NAF_B + <usize>i);
    if (db != 0) {
      geCompletedToP3(U, C);
      if (db > 0) geAdd(C, U, table + <usize>(db >> 1) * CACHED_SIZE);
      else geSub(C, U, table + <usize>((-db) >> 1) * CACHED_SIZE);
    }
    if (da != 0) {
      geCompletedToP3(U, C);
      if (da > 0) geAddAffine(C, U, BASE_TABLE + <usize>(da >> 1) * AFFINE_SIZE);
      else geSubAffine(C, U, BASE_TABLE + <usize>((-da) >> 1) * AFFINE_SIZE);
    }
    if (i == 0) geCompletedToP3(r, C);
    else geCompletedToP2(P2, C);
  }
  if (top < 0) geIdentity(r);
}
