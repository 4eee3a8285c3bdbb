// Shared by the crypto tests: the two cores under test, and honest gating of primitives that
// the built module does not export yet (CRYPTO-ABI: the ed25519 and p256 parts land separately).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { createReferenceCore, DEFAULT_WASM_URL, loadWasmCore, type CryptoCore, type WasmCryptoCore } from '../../core-wasm/js/index.ts';

export const WASM_PATH = fileURLToPath(DEFAULT_WASM_URL);

let wasm: Promise<WasmCryptoCore> | undefined;

/** The built module (`make wasm`), loaded once per test file, missing primitives allowed. */
export function wasmCore(): Promise<WasmCryptoCore> {
  if (!existsSync(WASM_PATH)) throw new Error(`${WASM_PATH} is missing: run \`make wasm\` (make test does it)`);
  wasm ??= loadWasmCore(WASM_PATH, { partial: true });
  return wasm;
}

export const reference: CryptoCore = createReferenceCore();

/** Both cores, the WASM one only when it exports `primitive` (logged and skipped otherwise). */
export async function coresWith(t: ExecutionContext, primitive: string): Promise<CryptoCore[]> {
  const w = await wasmCore();
  if (w.exports.includes(primitive)) return [w, reference];
  t.log(`core.wasm does not export ${primitive} yet: WASM core skipped, reference core only`);
  return [reference];
}
