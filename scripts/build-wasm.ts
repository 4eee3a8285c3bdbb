// Builds the crypto core: core-wasm/assembly/index.ts -> core-wasm/build/core.wasm (and a .wat
// text form beside it for review). Invoked by `make wasm`.
//
// Flags are fixed by CRYPTO-ABI: SIMD on, -O3, the stub runtime (a bump allocator that never
// frees: the module allocates nothing per call), bounds checks kept (no --noAssert).
// The output is deterministic: asc has no timestamps or random seeds in its output, and the
// build hashes the module so two builds of one tree can be compared.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const WASM_FLAGS = ['--enable', 'simd', '-O3', '--runtime', 'stub'] as const;

/**
 * Compiles one AssemblyScript entry file to `outFile` (and `textFile` when given). Throws with
 * asc's diagnostics on failure. `flags` defaults to the production flags; tests build variants
 * with `-O0` to save time.
 */
/**
 * asc keeps compiler state per process, and two `asc.main` calls in flight at once (tests build
 * several variants concurrently) can stall; compilations therefore run one after another.
 */
let compiling: Promise<unknown> = Promise.resolve();

export function compileAssemblyScript(entry: string, outFile: string, textFile?: string, flags: readonly string[] = WASM_FLAGS): Promise<void> {
  const run = compiling.then(() => compileNow(entry, outFile, textFile, flags));
  compiling = run.catch(() => undefined);
  return run;
}

async function compileNow(entry: string, outFile: string, textFile: string | undefined, flags: readonly string[]): Promise<void> {
  mkdirSync(dirname(outFile), { recursive: true });
  const args = [entry, ...flags, '--outFile', outFile];
  if (textFile) args.push('--textFile', textFile);
  let diagnostics = '';
  const { error } = await asc.main(args, {
    stdout: { write: (s: string) => { diagnostics += s; return true; } } as never,
    stderr: { write: (s: string) => { diagnostics += s; return true; } } as never,
  });
  if (error) throw new Error(`asc failed for ${entry}: ${error.message}\n${diagnostics}`);
}

async function main(): Promise<void> {
  const entry = resolve(root, 'core-wasm/assembly/index.ts');
  const out = resolve(root, 'core-wasm/build/core.wasm');
  await compileAssemblyScript(entry, out, resolve(root, 'core-wasm/build/core.wat'));
  const bytes = readFileSync(out);
  const digest = createHash('sha256').update(bytes).digest('hex');
  console.log(`core-wasm/build/core.wasm: ${bytes.length} bytes, sha256 ${digest}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
