// Entry of the crypto core module. Every export of the ABI (core-wasm/README.md) is re-exported
// here; the names are fixed by the ABI and checked by the hot-swap holder.
//
// The incremental hash functions (sha256Reset/Update/Final, sha512Reset/Update/Final) are for use
// inside the module only and are deliberately not exported.
export { abiVersion } from "./abi";
export { inputBuffer } from "./memory";
export { sha256 } from "./sha256";
export { sha512 } from "./sha512";
export { hammingDistance } from "./hamming";
export * from "./ed25519/index";
export * from "./p256/index";
