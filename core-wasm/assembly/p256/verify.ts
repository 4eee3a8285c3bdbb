// ECDSA P-256 / SHA-256 signature verification, FIPS 186-5 §6.4.2.
//
// p256Verify(pk, pkLen, msg, msgLen, sig, sigLen, encoding) -> 1 valid, 0 invalid.
//   encoding 0: strict DER (WebAuthn), 1: raw r || s of 64 bytes (JOSE); anything else: 0.
//   pk: SEC1 compressed (33) or uncompressed (65) (encoding.ts).
// r and s must lie in [1, n-1] (§6.4.2 step 2); both low-S and high-S are accepted, as FIPS
// 186-5 does (only some protocols add a low-S rule). The message is hashed here with SHA-256;
// e is the whole 256-bit digest since the hash and n have the same bit length (§6.4.2 steps 3-4).
//
// No secrets are involved in verification, so this code is variable-time throughout.
// It allocates nothing: every temporary is a static buffer (memory.data), so memory stays flat.

import { sha256Reset, sha256Update, sha256Final } from '../sha256';
import { FE, fmul, fsqr, fisZero, feq, limbsFromBytes, limbsCmp, ftoMont, P } from './field';
import { N, N_BYTES, sinv, smulMod } from './scalar';
import { bytesLess, decodePublicKey, parseDerSignature, parseRawSignature } from './encoding';
import { doubleScalarMul } from './mul';

const R_BYTES: usize = memory.data(32);
const S_BYTES: usize = memory.data(32);
const E_BYTES: usize = memory.data(32);
const Q: usize = memory.data(144, 8);
const RL: usize = memory.data(72, 8);
const SL: usize = memory.data(72, 8);
const EL: usize = memory.data(72, 8);
const W: usize = memory.data(72, 8);
const U1: usize = memory.data(72, 8);
const U2: usize = memory.data(72, 8);
const ACC: usize = memory.data(216, 8);
const Z2: usize = memory.data(72, 8);
const T: usize = memory.data(72, 8);

// 1 <= v <= n - 1 for 32 big-endian bytes.
function inScalarRange(v: usize): bool {
  let any: u8 = 0;
  for (let i: usize = 0; i < 32; i++) any |= load<u8>(v + i);
  return any != 0 && bytesLess(v, N_BYTES, 32);
}

export function p256Verify(
  pk: usize, pkLen: usize, msg: usize, msgLen: usize, sig: usize, sigLen: usize, encoding: i32,
): i32 {
  if (encoding == 0) {
    if (!parseDerSignature(sig, sigLen, R_BYTES, S_BYTES)) return 0;
  } else if (encoding == 1) {
    if (!parseRawSignature(sig, sigLen, R_BYTES, S_BYTES)) return 0;
  } else {
    return 0;
  }
  if (!inScalarRange(R_BYTES) || !inScalarRange(S_BYTES)) return 0;
  if (!decodePublicKey(Q, pk, pkLen)) return 0;

  sha256Reset();
  sha256Update(msg, msgLen);
  sha256Final(E_BYTES);

  limbsFromBytes(RL, R_BYTES);
  limbsFromBytes(SL, S_BYTES);
  limbsFromBytes(EL, E_BYTES);
  sinv(W, SL); // w = s^-1 mod n
  smulMod(U1, EL, W); // u1 = e·w mod n
  smulMod(U2, RL, W); // u2 = r·w mod n
  doubleScalarMul(ACC, U1, U2, Q); // R = u1·G + u2·Q
  if (fisZero(ACC + 2 * FE)) return 0; // R = infinity (§6.4.2 step 6)

  // Accept iff x(R) mod n == r, without inverting Z: x(R) = X/Z^2 is an integer in [0, p), and
  // since n < p < 2n its residue mod n is r exactly when x(R) = r or x(R) = r + n (< p).
  fsqr(Z2, ACC + 2 * FE);
  ftoMont(T, RL);
  fmul(T, T, Z2);
  if (feq(T, ACC)) return 1;
  // r + n, only when it is below p.
  let c: i64 = 0;
  for (let i: usize = 0; i < 8; i++) {
    c += load<i64>(RL + (i << 3)) + load<i64>(N + (i << 3));
    store<i64>(T + (i << 3), c & 0x1fffffff);
    c >>= 29;
  }
  store<i64>(T + 64, c + load<i64>(RL + 64) + load<i64>(N + 64));
  if (limbsCmp(T, P) >= 0) return 0;
  ftoMont(T, T);
  fmul(T, T, Z2);
  return feq(T, ACC) ? 1 : 0;
}
