// Public surface of the crypto core (core-wasm/README.md). Everything else in core-wasm/js is internal.
export type { CryptoCore, ZkimgInput, ZkimgResult, ZkimgFailure, P256SignatureEncoding } from './types.ts';
export { ABI_VERSION } from './types.ts';
export { createReferenceCore } from './reference-core.ts';
export { loadWasmCore, DEFAULT_WASM_URL, REQUIRED_EXPORTS, type WasmCryptoCore, type LoadOptions } from './wasm-core.ts';
export { createCoreHolder, type CoreHolder, type CoreEvent, type CoreEventType, type SwapResult, type CoreStatus } from './core-holder.ts';
