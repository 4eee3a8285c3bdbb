// Ed25519 verification and the zkimg-1 check (owned by the ed25519 engineer).
// This file is the entry of the ed25519 part of the crypto core: re-export here
// `ed25519Verify` (ed25519/verify.ts), `zkimgVerify` and `zkimgErrorBits` (ed25519/zkimg.ts).
// Until they land it exports nothing; core-wasm/assembly/index.ts re-exports it unconditionally.
export {};
