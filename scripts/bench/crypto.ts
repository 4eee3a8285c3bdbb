// `npm run bench:crypto`: one table from one run, operations per second of the WASM core, the
// @noble reference core and node:crypto side by side, and the targets the README states.
//
// Each cell is the best of 7 timed runs of about 0.3 s after a warm-up, the implementations of a
// row taking turns run by run. Best rather than median: on a shared 2-core machine other processes
// only ever slow a run down, so the fastest run is the closest to the code's own speed.
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createReferenceCore, DEFAULT_WASM_URL, loadWasmCore, type CryptoCore, type WasmCryptoCore, type ZkimgInput } from '../../core-wasm/js/index.ts';
import { buildZkimgProof } from '../../core-wasm/js/known-answers.ts';

const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 300);
const RUNS = 7;

/** Operations per second of `fn` over one timed run of about RUN_MS. */
function timedRun(fn: () => unknown): number {
  let ops = 0;
  let batch = 1;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < RUN_MS) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    elapsed = performance.now() - start;
    if (elapsed < RUN_MS / 20) batch *= 2;
  }
  return (ops * 1000) / elapsed;
}

/**
 * Operations per second of each implementation: the best of RUNS runs, the implementations taking
 * turns run by run, so that a change in machine load affects all columns of a row alike.
 */
function measureRow(fns: Array<(() => unknown) | null>): Array<number | null> {
  for (const fn of fns) if (fn) for (let i = 0; i < 3; i++) fn(); // warm-up (and tier-up of WASM code)
  const rates: number[][] = fns.map(() => []);
  for (let run = 0; run < RUNS; run++) fns.forEach((fn, i) => fn && rates[i]!.push(timedRun(fn)));
  return rates.map((r) => (r.length ? Math.max(...r) : null));
}

// The best plain-JS Hamming distance we know: 32-bit words and a SWAR popcount.
function hammingJs32(a: Uint8Array, b: Uint8Array): number {
  const wa = new Uint32Array(a.buffer, a.byteOffset, a.length >>> 2);
  const wb = new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
  let count = 0;
  for (let i = 0; i < wa.length; i++) {
    let x = wa[i]! ^ wb[i]!;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    count += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return count;
}

/** hammingDistance of the module itself on two templates copied into its memory once. */
async function rawHamming(path: string, a: Uint8Array, b: Uint8Array): Promise<() => number> {
  const { instance } = await WebAssembly.instantiate(await readFile(path), { env: { abort: () => { throw new Error('abort'); } } });
  const e = instance.exports as { memory: WebAssembly.Memory; inputBuffer(len: number): number; hammingDistance(a: number, b: number, bits: number): number };
  const ptr = e.inputBuffer(a.length + b.length);
  new Uint8Array(e.memory.buffer).set(a, ptr);
  new Uint8Array(e.memory.buffer).set(b, ptr + a.length);
  const bits = a.length * 8;
  if (e.hammingDistance(ptr, ptr + a.length, bits) !== hammingJs32(a, b)) throw new Error('raw Hamming disagreement');
  return () => e.hammingDistance(ptr, ptr + a.length, bits);
}

async function zkimgCase(): Promise<ZkimgInput> {
  // The ed25519 engineer's reference client, when it is in the tree; else the self-test prover.
  const helper = fileURLToPath(new URL('../../test/helpers/zkimg-client.ts', import.meta.url));
  if (existsSync(helper)) {
    const c = (await import(helper)) as typeof import('../../test/helpers/zkimg-client.ts');
    const template = c.templateFromSeed([64, 64], 'bench');
    const enrolment = c.enrol({ template, dim: [64, 64], cipherKey: 'bench-cipher-key', tenantId: 'default', username: 'bench' });
    const challenge = c.makeChallenge(enrolment.commitment);
    const fresh = c.flip(template, c.flipsForPercent(4096, 5), 'bench-noise');
    const proof = c.prove({ challenge, template: fresh, Y: enrolment.Y, username: 'bench' });
    return { Y: enrolment.Y, R: proof.R, s: proof.s, nonce: challenge.nonce, challengeId: challenge.id, username: 'bench', errors: proof.errors, n: 4096, r: challenge.r };
  }
  return buildZkimgProof(1, 4096, 200);
}

interface Row {
  name: string;
  wasm: number | null;
  reference: number | null;
  node: number | null;
  /** Bytes processed per operation, for a GB/s column. */
  bytes?: number;
}

async function main(): Promise<void> {
  const wasmPath = fileURLToPath(DEFAULT_WASM_URL);
  if (!existsSync(wasmPath)) throw new Error(`${wasmPath} is missing: run make wasm`);
  const wasm: WasmCryptoCore = await loadWasmCore(wasmPath, { partial: true });
  const ref: CryptoCore = createReferenceCore();
  const has = (name: string) => wasm.exports.includes(name);
  const rows: Row[] = [];

  // Ed25519, 64-byte message.
  {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const msg = randomBytes(64);
    const sig = new Uint8Array(sign(null, msg, privateKey));
    const pk = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
    if (!ref.ed25519Verify(pk, msg, sig)) throw new Error('Ed25519 bench signature does not verify');
    if (has('ed25519Verify') && !wasm.ed25519Verify(pk, msg, sig)) throw new Error('WASM refuses the Ed25519 bench signature');
    const [w, r, n] = measureRow([
      has('ed25519Verify') ? () => wasm.ed25519Verify(pk, msg, sig) : null,
      () => ref.ed25519Verify(pk, msg, sig),
      () => nodeVerify(null, msg, publicKey, sig),
    ]);
    rows.push({ name: 'Ed25519 verify (64 B msg)', wasm: w, reference: r, node: n });
  }

  // P-256 / SHA-256, DER signature (WebAuthn), uncompressed key.
  {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const msg = randomBytes(64);
    const der = new Uint8Array(sign('sha256', msg, { key: privateKey, dsaEncoding: 'der' }));
    const pk = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(26));
    const key: KeyObject = createPublicKey(publicKey.export({ format: 'pem', type: 'spki' }));
    if (!ref.p256Verify(pk, msg, der, 'der')) throw new Error('P-256 bench signature does not verify');
    if (has('p256Verify') && !wasm.p256Verify(pk, msg, der, 'der')) throw new Error('WASM refuses the P-256 bench signature');
    const [w, r, n] = measureRow([
      has('p256Verify') ? () => wasm.p256Verify(pk, msg, der, 'der') : null,
      () => ref.p256Verify(pk, msg, der, 'der'),
      () => nodeVerify('sha256', msg, { key, dsaEncoding: 'der' }, der),
    ]);
    rows.push({ name: 'P-256 verify (DER)', wasm: w, reference: r, node: n });
  }

  for (const [name, size, algo] of [
    ['SHA-256 1 KiB', 1024, 'sha256'],
    ['SHA-256 1 MiB', 1 << 20, 'sha256'],
    ['SHA-512 1 KiB', 1024, 'sha512'],
  ] as const) {
    const data = randomBytes(size);
    const [w, r, n] = measureRow([() => wasm[algo](data), () => ref[algo](data), () => createHash(algo).update(data).digest()]);
    rows.push({ name, wasm: w, reference: r, node: n, bytes: size });
  }

  {
    const a = randomBytes(32768);
    const b = randomBytes(32768);
    if (wasm.hammingDistance(a, b, 262144) !== hammingJs32(a, b)) throw new Error('Hamming disagreement');
    const [w, r, js] = measureRow([() => wasm.hammingDistance(a, b, 262144), () => ref.hammingDistance(a, b, 262144), () => hammingJs32(a, b)]);
    rows.push({ name: 'Hamming 32 KiB', wasm: w, reference: r, node: null, bytes: 32768 });
    rows.push({ name: 'Hamming 32 KiB, best plain JS (Uint32 SWAR)', wasm: null, reference: js, node: null, bytes: 32768 });
    // The module's primitive alone, templates already in its memory: what the wrapper's two
    // 32 KiB copies per call cost is the difference to the row above.
    const raw = await rawHamming(wasmPath, a, b);
    const [m] = measureRow([raw]);
    rows.push({ name: 'Hamming 32 KiB, module only (no copy in)', wasm: m, reference: null, node: null, bytes: 32768 });
  }

  {
    const input = await zkimgCase();
    if (!ref.zkimgVerify(input).ok) throw new Error('zkimg bench proof does not verify on the reference');
    if (has('zkimgVerify') && !wasm.zkimgVerify(input).ok) throw new Error('WASM refuses the zkimg bench proof');
    const [w, r] = measureRow([has('zkimgVerify') ? () => wasm.zkimgVerify(input) : null, () => ref.zkimgVerify(input)]);
    rows.push({ name: 'zkimg-1 verify, 4,096-bit template', wasm: w, reference: r, node: null });
  }

  printTable(rows);
  printTargets(rows);
}

const fmt = (x: number | null): string => (x === null ? 'n/a' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
const gbps = (ops: number | null, bytes?: number): string => (ops === null || !bytes ? '' : ` (${((ops * bytes) / 1e9).toFixed(2)} GB/s)`);

function printTable(rows: Row[]): void {
  const header = ['primitive', 'WASM ops/s', 'reference ops/s', 'node:crypto ops/s', 'WASM/ref', 'WASM/node'];
  const body = rows.map((r) => [
    r.name,
    fmt(r.wasm) + gbps(r.wasm, r.bytes),
    fmt(r.reference) + gbps(r.reference, r.bytes),
    fmt(r.node) + gbps(r.node, r.bytes),
    r.wasm !== null && r.reference ? `${(r.wasm / r.reference).toFixed(1)}x` : '',
    r.wasm !== null && r.node ? `${(r.wasm / r.node).toFixed(2)}x` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`);
  for (const row of body) console.log(line(row));
}

function printTargets(rows: Row[]): void {
  const row = (name: string) => rows.find((r) => r.name === name || r.name.startsWith(name + ' ') || r.name.startsWith(name + ','))!;
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);
  const targets: Array<[string, number | null, number, string]> = [
    ['Ed25519 WASM >= 10x reference', ratio(row('Ed25519').wasm, row('Ed25519').reference), 10, 'x'],
    ['Ed25519 WASM >= 0.7x node:crypto', ratio(row('Ed25519').wasm, row('Ed25519').node), 0.7, 'x'],
    ['P-256 WASM >= 10x reference', ratio(row('P-256').wasm, row('P-256').reference), 10, 'x'],
    ['P-256 WASM >= 0.3x node:crypto', ratio(row('P-256').wasm, row('P-256').node), 0.3, 'x'],
    ['SHA-256 1 MiB WASM >= 3x reference', ratio(row('SHA-256 1 MiB').wasm, row('SHA-256 1 MiB').reference), 3, 'x'],
    ['Hamming 32 KiB WASM >= 5 GB/s (through CryptoCore)', row('Hamming 32 KiB').wasm === null ? null : (row('Hamming 32 KiB').wasm! * 32768) / 1e9, 5, ' GB/s'],
    ['Hamming 32 KiB WASM >= 5 GB/s (module only)', (row('Hamming 32 KiB, module').wasm! * 32768) / 1e9, 5, ' GB/s'],
  ];
  console.log('\nTargets:');
  for (const [what, got, want, unit] of targets) {
    const verdict = got === null ? 'not measured (primitive missing from core.wasm)' : got >= want ? 'MET' : `MISSED by ${(((want - got) / want) * 100).toFixed(0)} %`;
    console.log(`  ${what}: ${got === null ? 'n/a' : got.toFixed(2) + unit} -> ${verdict}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
