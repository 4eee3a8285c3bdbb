// ECDSA P-256 verification: the entry of the p256 part of the crypto core (CRYPTO-ABI.md),
// re-exported by core-wasm/assembly/index.ts.
export { p256Verify } from './verify';
