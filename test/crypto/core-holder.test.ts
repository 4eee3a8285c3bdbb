// Hot swap (core-wasm/js/core-holder.ts): a valid module is taken; a module with the wrong ABI, one with a
// deliberately wrong primitive, one missing a primitive, and a truncated file are refused with a
// reason while the old core keeps serving; rollback; SIGHUP-style reload; start-up fallback.
// Variants are built here with asc from small generated entry files under .tmp/ that re-export
// the real sources and replace one function.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { createCoreHolder, type CoreEvent } from '../../core-wasm/js/index.ts';
import { compileAssemblyScript } from '../../scripts/build-wasm.ts';
import { WASM_PATH } from './_cores.ts';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const variantsDir = join(root, '.tmp', `core-variants-${process.pid}`);
// asc resolves imports relative to the importing file only (an absolute path is read as a library path).
const src = (p: string): string => JSON.stringify(`../../core-wasm/assembly/${p.replace(/\.ts$/, '')}`);

// The real module's exports, minus those a variant replaces or drops.
function entry(without: string[], extra: string): string {
  const lines = [
    ['abiVersion', `export { abiVersion } from ${src('abi.ts')};`],
    ['inputBuffer', `export { inputBuffer } from ${src('memory.ts')};`],
    ['sha256', `export { sha256 } from ${src('sha256.ts')};`],
    ['sha512', `export { sha512 } from ${src('sha512.ts')};`],
    ['hammingDistance', `export { hammingDistance } from ${src('hamming.ts')};`],
    ['ed25519', `export * from ${src('ed25519/index.ts')};`],
    ['p256', `export * from ${src('p256/index.ts')};`],
  ];
  return lines.filter(([name]) => !without.includes(name!)).map(([, line]) => line).join('\n') + '\n' + extra + '\n';
}

const VARIANTS: Record<string, string> = {
  // Same sources, other optimisation level: different bytes, same behaviour.
  valid: entry([], ''),
  wrongAbi: entry(['abiVersion'], 'export function abiVersion(): i32 { return 2; }'),
  // SHA-256 with one output bit flipped: caught by the known answers.
  brokenSha256: entry(
    ['sha256'],
    `import { sha256 as real } from ${src('sha256.ts')};
export function sha256(ptr: usize, len: usize, out: usize): void { real(ptr, len, out); store<u8>(out, load<u8>(out) ^ 1); }`,
  ),
  // Hamming off by one only above 1,000 bits: passes the small known answers, caught by the
  // randomized differential check.
  brokenHamming: entry(
    ['hammingDistance'],
    `import { hammingDistance as real } from ${src('hamming.ts')};
export function hammingDistance(a: usize, b: usize, bits: u32): i32 { const c = real(a, b, bits); return bits > 1000 ? c + 1 : c; }`,
  ),
  // No P-256 at all.
  missingP256: entry(['p256'], ''),
};

const built = new Map<string, Promise<Uint8Array>>();
function variant(name: keyof typeof VARIANTS): Promise<Uint8Array> {
  if (!built.has(name)) {
    built.set(
      name,
      (async () => {
        mkdirSync(variantsDir, { recursive: true });
        const file = join(variantsDir, `${name}.ts`);
        writeFileSync(file, VARIANTS[name]!);
        const out = join(variantsDir, `${name}.wasm`);
        await compileAssemblyScript(file, out, undefined, ['--enable', 'simd', '-O0', '--runtime', 'stub']);
        return new Uint8Array(readFileSync(out));
      })(),
    );
  }
  return built.get(name)!;
}

const quiet = { log: () => {} };

test.after.always(() => rmSync(variantsDir, { recursive: true, force: true }));

test.serial('a valid module is taken, then another valid one, and rollback returns to the first', async (t) => {
  const holder = createCoreHolder(quiet);
  t.is(holder.current().name, 'reference');
  const first = await holder.swap(new Uint8Array(readFileSync(WASM_PATH)), 'test');
  t.true(first.ok, first.ok ? '' : first.reason);
  const firstCore = holder.current();
  t.is(firstCore.name, 'wasm');
  const second = await holder.swap(await variant('valid'), 'test');
  t.true(second.ok, second.ok ? '' : second.reason);
  t.not(holder.current().version, firstCore.version);
  // A caller that took the first core before the swap still gets right answers from it.
  t.is(Buffer.from(firstCore.sha256(new Uint8Array(0))).toString('hex').slice(0, 8), 'e3b0c442');
  const back = holder.rollback('test');
  t.true(back.ok);
  t.is(holder.current(), firstCore);
  t.deepEqual(holder.history().map((e) => e.type), ['swap', 'swap', 'rollback']);
});

for (const [name, pattern] of [
  ['wrongAbi', /ABI version 2, expected 1/],
  ['brokenSha256', /known-answer tests failed: sha256/],
  ['brokenHamming', /differential check against the reference failed: hammingDistance/],
  ['missingP256', /missing exports: p256Verify/],
] as const) {
  test.serial(`${name} is refused with a reason and the current core keeps serving`, async (t) => {
      const events: CoreEvent[] = [];
    const holder = createCoreHolder(quiet);
    holder.onEvent((e) => events.push(e));
    t.true((await holder.swap(new Uint8Array(readFileSync(WASM_PATH)), 'test')).ok);
    const serving = holder.current();
    const result = await holder.swap(await variant(name), 'admin-key-1');
    t.false(result.ok);
    if (!result.ok) t.regex(result.reason, pattern);
    t.is(holder.current(), serving);
    t.true(serving.ed25519Verify(
      Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex'),
      new Uint8Array(0),
      Buffer.from('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b', 'hex'),
    ));
    const refusal = events.at(-1)!;
    t.is(refusal.type, 'refusal');
    t.is(refusal.actor, 'admin-key-1');
    t.regex(refusal.reason!, pattern);
    t.is(refusal.from, refusal.to);
  });
}

test('a truncated file and garbage are refused; the reference keeps serving', async (t) => {
  const holder = createCoreHolder(quiet);
  const bytes = new Uint8Array(readFileSync(WASM_PATH));
  const truncated = await holder.swap(bytes.subarray(0, bytes.length >> 1), 'test');
  t.false(truncated.ok);
  if (!truncated.ok) t.regex(truncated.reason, /does not compile/);
  const garbage = await holder.swap(new TextEncoder().encode('not a wasm module'), 'test');
  t.false(garbage.ok);
  const empty = await holder.swap(new Uint8Array(0), 'test');
  t.false(empty.ok);
  t.is(holder.current().name, 'reference');
  t.deepEqual(holder.history().map((e) => e.type), ['refusal', 'refusal', 'refusal']);
});

test('rollback with nothing to roll back to is refused', (t) => {
  const holder = createCoreHolder(quiet);
  const result = holder.rollback('test');
  t.false(result.ok);
  t.is(holder.current().name, 'reference');
  t.is(holder.history()[0]!.type, 'refusal');
});

test('start-up with a missing module falls back to the reference core, loudly', async (t) => {
  const logged: string[] = [];
  const holder = createCoreHolder({ log: (m) => logged.push(m) });
  const status = await holder.init({ path: join(variantsDir, 'does-not-exist.wasm') });
  t.is(status.name, 'reference');
  t.is(holder.history().at(-1)!.type, 'fallback');
  t.regex(logged.join('\n'), /CRYPTO CORE: .* serving on the reference core/);
});

test('start-up with a broken module falls back to the reference core', async (t) => {
  mkdirSync(variantsDir, { recursive: true });
  const path = join(variantsDir, 'broken.wasm');
  writeFileSync(path, readFileSync(WASM_PATH).subarray(0, 100));
  const logged: string[] = [];
  const holder = createCoreHolder({ log: (m) => logged.push(m) });
  const status = await holder.init({ path });
  t.is(status.name, 'reference');
  t.deepEqual(holder.history().map((e) => e.type), ['refusal', 'fallback']);
  t.is(logged.length, 1);
});

test.serial('start-up and SIGHUP-style reload take the built module', async (t) => {
  const holder = createCoreHolder(quiet);
  const status = await holder.init();
  t.is(status.name, 'wasm');
  t.is(status.previous?.name, 'reference');
  const reload = await holder.reloadFromFile(WASM_PATH, 'sighup');
  t.true(reload.ok);
  t.deepEqual(holder.history().map((e) => `${e.type}:${e.actor}`), ['swap:startup', 'reload:sighup', 'swap:sighup']);
  const missing = await holder.reloadFromFile(join(variantsDir, 'nope.wasm'), 'sighup');
  t.false(missing.ok);
  t.is(holder.current().name, 'wasm');
});

test.serial('concurrent swaps run one after the other', async (t) => {
  const holder = createCoreHolder(quiet);
  const built = new Uint8Array(readFileSync(WASM_PATH));
  const other = await variant('valid');
  const [first, second] = await Promise.all([holder.swap(built, 'a'), holder.swap(other, 'b')]);
  t.true(first.ok && second.ok);
  t.is(second.core.previous?.version, first.core.version);
  t.is(holder.current().version, second.core.version);
  t.deepEqual(holder.history().map((e) => `${e.type}:${e.actor}`), ['swap:a', 'swap:b']);
});
