// The P-256 arithmetic below the ECDSA interface, against BigInt: field operations mod p in
// random chains (loose and normalised limbs mixed, edge values such as 0, p - 1, p, 2^256 - 1),
// and the mod-n inverse and product used for w, u1, u2.
//
// These functions are not exports of the crypto core, so the test compiles a small entry of its
// own (in a temporary folder, never shipped) that drives them through a byte buffer.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { compileAssemblyScript } from '../../scripts/build-wasm.ts';

const root = resolve(import.meta.dirname, '../..');
const P256_DIR = resolve(root, 'core-wasm/assembly/p256');

const p = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

interface Harness {
  memory: WebAssembly.Memory;
  buf(): number;
  runField(nops: number): void;
  runScalar(count: number): void;
}

async function build(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'p256-field-'));
  try {
    const rel = relative(dir, P256_DIR).split('\\').join('/');
    // Layout of BUF: 8 field registers in (32 bytes each) at 0; ops (op, dst, a, b) at 512;
    // results out at 4096 (8 x 32 bytes), then isZero flags (8) and equal-to-register-0 flags (8).
    // Scalar part: pairs (a, b) in at 8192 (64 bytes each), (a^-1, a·b mod n) out at 32768.
    const entry = `
import { fmul, fsqr, fadd, fsub, fmulSmall, flin, fsub2, ftoMont, ffromMont, limbsFromBytes, limbsToBytes, feq, fisZero } from "${rel}/field";
import { sinv, smulMod } from "${rel}/scalar";
const BUF: usize = memory.data(65536, 8);
const REG: usize = memory.data(72 * 8, 8);
const S1: usize = memory.data(72, 8);
const S2: usize = memory.data(72, 8);
const S3: usize = memory.data(72, 8);
export function buf(): usize { return BUF; }
export function runField(nops: i32): void {
  for (let i: usize = 0; i < 8; i++) { limbsFromBytes(REG + i * 72, BUF + i * 32); ftoMont(REG + i * 72, REG + i * 72); }
  for (let k = 0; k < nops; k++) {
    const q = BUF + 512 + <usize>k * 4;
    const op = load<u8>(q);
    const d = REG + <usize>load<u8>(q, 1) * 72, a = REG + <usize>load<u8>(q, 2) * 72, b = REG + <usize>load<u8>(q, 3) * 72;
    if (op == 0) fmul(d, a, b); else if (op == 1) fsqr(d, a); else if (op == 2) fadd(d, a, b);
    else if (op == 3) fsub(d, a, b); else if (op == 4) fmulSmall(d, a, 3); else if (op == 5) fmulSmall(d, a, 4);
    else if (op == 6) fmulSmall(d, a, 8);
    else if (op == 7) flin(d, a, 1, b, 8); else if (op == 8) flin(d, a, 3, b, 3); else if (op == 9) flin(d, a, 4, b, 1);
    else {
      const c = REG + <usize>((load<u8>(q, 3) + 1) & 7) * 72;
      if (op == 10) fsub2(d, a, b, c, 1); else if (op == 11) fsub2(d, a, b, c, 2); else fsub2(d, a, b, c, 8);
    }
  }
  for (let i: usize = 0; i < 8; i++) {
    store<u8>(BUF + 4352 + i, fisZero(REG + i * 72) ? 1 : 0);
    store<u8>(BUF + 4360 + i, feq(REG + i * 72, REG) ? 1 : 0);
  }
  for (let i: usize = 0; i < 8; i++) {
    ffromMont(REG + i * 72, REG + i * 72);
    limbsToBytes(BUF + 4096 + i * 32, REG + i * 72);
  }
}
export function runScalar(count: i32): void {
  for (let k: usize = 0; k < <usize>count; k++) {
    limbsFromBytes(S1, BUF + 8192 + k * 64);
    limbsFromBytes(S2, BUF + 8192 + k * 64 + 32);
    sinv(S3, S1);
    limbsToBytes(BUF + 32768 + k * 64, S3);
    smulMod(S3, S2, S1);
    limbsToBytes(BUF + 32768 + k * 64 + 32, S3);
  }
}
`;
    writeFileSync(join(dir, 'entry.ts'), entry);
    await compileAssemblyScript(join(dir, 'entry.ts'), join(dir, 'harness.wasm'));
    const { instance } = await WebAssembly.instantiate(readFileSync(join(dir, 'harness.wasm')), {
      env: { abort: () => { throw new Error('wasm abort'); } },
    });
    return instance.exports as unknown as Harness;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const h = await build();

function toBytes32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}
const fromBytes = (b: Uint8Array): bigint => b.reduce((a, v) => (a << 8n) | BigInt(v), 0n);
const random256 = (): bigint => fromBytes(randomBytes(32));

test('field operations mod p agree with BigInt over random chains with edge values (mul, sqr, add, sub, small multiples, fused linear forms)', (t) => {
  // Inputs may exceed p (up to 2^256 - 1): the field code reduces whatever it is given.
  const edge = [0n, 1n, 2n, 3n, p - 1n, p - 2n, p, p + 1n, 2n ** 256n - 1n, 2n ** 255n, 2n ** 224n, 2n ** 192n - 1n];
  const B = h.buf();
  let checked = 0;
  for (let trial = 0; trial < 400; trial++) {
    const mem = new Uint8Array(h.memory.buffer);
    const regs: bigint[] = [];
    for (let i = 0; i < 8; i++) {
      const x = trial % 2 === 0 && i < 6 ? edge[(trial * 7 + i * 3) % edge.length]! : random256();
      regs.push(x % p);
      mem.set(toBytes32(x), B + i * 32);
    }
    const nops = 120;
    for (let k = 0; k < nops; k++) {
      const [op, d, a, b] = [randomBytes(1)[0]! % 13, randomBytes(1)[0]! % 8, randomBytes(1)[0]! % 8, randomBytes(1)[0]! % 8];
      mem.set([op, d, a, b], B + 512 + k * 4);
      const x = regs[a]!, y = regs[b]!, z = regs[(b + 1) & 7]!;
      const results = [
        x * y, x * x, x + y, x - y, 3n * x, 4n * x, 8n * x, // mul, sqr, add, sub, small multiples
        x - 8n * y, 3n * x - 3n * y, 4n * x - y, // flin
        x - y - z, x - y - 2n * z, x - y - 8n * z, // fsub2
      ];
      regs[d] = ((results[op]! % p) + p) % p;
    }
    h.runField(nops);
    const out = new Uint8Array(h.memory.buffer);
    for (let i = 0; i < 8; i++) {
      const got = fromBytes(out.slice(B + 4096 + i * 32, B + 4096 + (i + 1) * 32));
      if (got !== regs[i]) t.fail(`trial ${trial} register ${i}: ${got.toString(16)} != ${regs[i]!.toString(16)}`);
      if ((out[B + 4352 + i] === 1) !== (regs[i] === 0n)) t.fail(`trial ${trial} register ${i}: isZero wrong`);
      if ((out[B + 4360 + i] === 1) !== (regs[i] === regs[0])) t.fail(`trial ${trial} register ${i}: equality wrong`);
      checked++;
    }
  }
  t.is(checked, 3200);
});

test('zero is recognised however it was reached: p as input, (p - 1) + 1, x - x, 0·x', (t) => {
  // x - x, p·1, and (p - 1) + 1 reach zero through different limb patterns.
  const B = h.buf();
  const mem = new Uint8Array(h.memory.buffer);
  const inputs = [p - 1n, 1n, p, 0n, 2n ** 256n - 1n, 2n ** 256n - 1n - p, 5n, 7n];
  inputs.forEach((x, i) => mem.set(toBytes32(x), B + i * 32));
  const ops = [
    [2, 0, 0, 1], // r0 = (p - 1) + 1 = 0
    [3, 4, 4, 5], // r4 = (2^256 - 1) - (2^256 - 1 - p) = p ≡ 0
    [0, 6, 6, 3], // r6 = 5·0 = 0
    [3, 7, 7, 7], // r7 = 7 - 7 = 0
  ];
  ops.forEach((o, k) => mem.set(o, B + 512 + k * 4));
  h.runField(ops.length);
  const out = new Uint8Array(h.memory.buffer);
  for (const i of [0, 2, 3, 4, 6, 7]) t.is(out[B + 4352 + i], 1, `register ${i} is zero`);
  for (const i of [1, 5]) t.is(out[B + 4352 + i], 0, `register ${i} is not zero`);
});

test('scalar inverse and product mod n agree with BigInt', (t) => {
  const B = h.buf();
  const pow = (b: bigint, e: bigint, m: bigint): bigint => {
    let r = 1n;
    for (b %= m; e > 0n; e >>= 1n, b = (b * b) % m) if (e & 1n) r = (r * b) % m;
    return r;
  };
  const edge = [1n, 2n, n - 1n, n - 2n, (n - 1n) / 2n, 2n ** 255n, 3n];
  const count = 200;
  const pairs: Array<[bigint, bigint]> = [];
  const mem = new Uint8Array(h.memory.buffer);
  for (let k = 0; k < count; k++) {
    const a = k < edge.length ? edge[k]! : (random256() % (n - 1n)) + 1n;
    const b = k % 3 === 0 ? 2n ** 256n - 1n - BigInt(k) : random256(); // the hash e may exceed n
    pairs.push([a, b]);
    mem.set(toBytes32(a), B + 8192 + k * 64);
    mem.set(toBytes32(b), B + 8192 + k * 64 + 32);
  }
  h.runScalar(count);
  const out = new Uint8Array(h.memory.buffer);
  for (const [k, [a, b]] of pairs.entries()) {
    const inv = fromBytes(out.slice(B + 32768 + k * 64, B + 32768 + k * 64 + 32));
    const prod = fromBytes(out.slice(B + 32768 + k * 64 + 32, B + 32768 + k * 64 + 64));
    if (inv !== pow(a, n - 2n, n)) t.fail(`inverse of ${a.toString(16)}`);
    if (prod !== (b * a) % n) t.fail(`product ${b.toString(16)} · ${a.toString(16)}`);
  }
  t.pass();
});
