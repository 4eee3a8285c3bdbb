// zkimg-1 challenge hash, written once for the reference core and the self-test prover:
// h = SHA512("zkimg-1:c" || R || Y || nonce || id || username || SHA256(errors)) mod L
// (docs/zkimg-1.md, Proof step 5; the 64-byte digest is read little-endian, as RFC 8032 does).
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

export const ED25519_L = ed25519.Point.Fn.ORDER;
const DOMAIN_C = new TextEncoder().encode('zkimg-1:c');

export function bytesToBigIntLE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

export function bigIntToBytesLE(v: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function zkimgChallengeScalar(
  R: Uint8Array,
  Y: Uint8Array,
  nonce: Uint8Array,
  id: Uint8Array,
  user: Uint8Array,
  errors: Uint8Array,
): bigint {
  const digest = sha512
    .create()
    .update(DOMAIN_C)
    .update(R)
    .update(Y)
    .update(nonce)
    .update(id)
    .update(user)
    .update(sha256(errors))
    .digest();
  return bytesToBigIntLE(digest) % ED25519_L;
}
