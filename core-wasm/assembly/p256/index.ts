// ECDSA P-256 verification (owned by the p256 engineer).
// This file is the entry of the p256 part of the crypto core: re-export here `p256Verify`
// (p256/verify.ts). Until it lands it exports nothing; core-wasm/assembly/index.ts re-exports it.
export {};
