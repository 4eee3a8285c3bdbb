// Shared by the crypto tests: the two cores under test. Every primitive of the ABI has landed, so
// the WASM core is loaded strictly: a module missing a primitive fails the tests that need it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { createReferenceCore, DEFAULT_WASM_URL, loadWasmCore, type CryptoCore, type WasmCryptoCore } from '../../core-wasm/js/index.ts';

export const WASM_PATH = fileURLToPath(DEFAULT_WASM_URL);

let wasm: Promise<WasmCryptoCore> | undefined;

/** The built module (`make wasm`), loaded once per test file. */
export function wasmCore(): Promise<WasmCryptoCore> {
  if (!existsSync(WASM_PATH)) throw new Error(`${WASM_PATH} is missing: run \`make wasm\` (make test does it)`);
  wasm ??= loadWasmCore(WASM_PATH);
  return wasm;
}

export const reference: CryptoCore = createReferenceCore();

/**
 * Both cores for a test of `primitive`. (While the primitives were landing this skipped the WASM
 * core when it lacked one; now a missing primitive is a failure.)
 */
export async function coresWith(t: ExecutionContext, primitive: string): Promise<CryptoCore[]> {
  const w = await wasmCore();
  if (!w.exports.includes(primitive)) t.fail(`core.wasm does not export ${primitive}`);
  return [w, reference];
}
