// Ed25519 verification and the zkimg-1 check (owned by the ed25519 engineer).
// This file is the entry of the ed25519 part of the crypto core, re-exported by
// core-wasm/assembly/index.ts.
//
// Layout: field.ts (GF(2^255 - 19)), scalar.ts (mod L, window recoding), group.ts (points,
// decoding, the base-point table), scalarmult.ts ([a]B + [b]P), verify.ts (RFC 8032), zkimg.ts.
export { ed25519Verify } from './verify';
export { zkimgVerify, zkimgErrorBits } from './zkimg';
