// The building blocks of the WASM Ed25519 code (core-wasm/assembly/ed25519), tested one by one
// against BigInt and @noble/curves: field arithmetic mod 2^255 - 19 (including limbs at the
// documented bound |limb| <= 2^27), canonical encoding, inversion, point decoding/encoding,
// Barrett reduction mod L and the signed-window recoding. The module's exports do not expose
// these, so the test compiles a small AssemblyScript harness that imports them (a few seconds).
import test from 'ava';
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import { compileAssemblyScript } from '../../scripts/build-wasm.ts';

const P = (1n << 255n) - 19n;
const L = ed25519.Point.Fn.ORDER;

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = `${root}.tmp/ed25519-harness`;
const HARNESS = `
import { feFromBytes, feToBytes, feMul, feSq, feInvert, feAdd, feSub } from '../../core-wasm/assembly/ed25519/field';
import { geDecode, geEncode, geInit } from '../../core-wasm/assembly/ed25519/group';
import { scReduce512, scIsCanonical, scRecode } from '../../core-wasm/assembly/ed25519/scalar';
const F: usize = memory.data(40, 8);
const G: usize = memory.data(40, 8);
const PT: usize = memory.data(160, 8);
const WORDS: usize = memory.data(40, 8);
export const io: usize = memory.data(1024, 8);
export function mulBytes(a: usize, b: usize, out: usize): void { feFromBytes(F, a); feFromBytes(G, b); feMul(F, F, G); feToBytes(out, F); }
export function sqBytes(a: usize, out: usize): void { feFromBytes(F, a); feSq(F, F); feToBytes(out, F); }
export function invBytes(a: usize, out: usize): void { feFromBytes(F, a); feInvert(F, F); feToBytes(out, F); }
export function canonical(a: usize, out: usize): void { feFromBytes(F, a); feToBytes(out, F); }
// f and g given as raw limbs (10 x i32): out = f * g, f^2, f + g, f - g (canonical bytes)
export function mulLimbs(f: usize, g: usize, out: usize): void { feMul(F, f, g); feToBytes(out, F); }
export function sqLimbs(f: usize, out: usize): void { feSq(F, f); feToBytes(out, F); }
export function toBytesLimbs(f: usize, out: usize): void { feToBytes(out, f); }
export function addSubLimbs(f: usize, g: usize, outAdd: usize, outSub: usize): void { feAdd(F, f, g); feToBytes(outAdd, F); feSub(F, f, g); feToBytes(outSub, F); }
export function decodeEncode(a: usize, out: usize): i32 { geInit(); if (!geDecode(PT, a)) return 0; geEncode(out, PT); return 1; }
export function reduce(a: usize, out: usize): void { scReduce512(out, a); }
export function isCanonicalScalar(a: usize): i32 { return scIsCanonical(a) ? 1 : 0; }
export function recode(s: usize, w: i32, naf: usize): void { scRecode(naf, s, w, WORDS); }
`;

interface Harness {
  memory: WebAssembly.Memory;
  io: WebAssembly.Global;
  mulBytes(a: number, b: number, out: number): void;
  sqBytes(a: number, out: number): void;
  invBytes(a: number, out: number): void;
  canonical(a: number, out: number): void;
  mulLimbs(f: number, g: number, out: number): void;
  sqLimbs(f: number, out: number): void;
  toBytesLimbs(f: number, out: number): void;
  addSubLimbs(f: number, g: number, outAdd: number, outSub: number): void;
  decodeEncode(a: number, out: number): number;
  reduce(a: number, out: number): void;
  isCanonicalScalar(a: number): number;
  recode(s: number, w: number, naf: number): void;
}

let h: Harness;
let io = 0;
test.before(async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/harness.ts`, HARNESS);
  await compileAssemblyScript(`${dir}/harness.ts`, `${dir}/harness.wasm`);
  const { instance } = await WebAssembly.instantiate(await readFile(`${dir}/harness.wasm`), { env: { abort: () => { throw new Error('abort'); } } });
  h = instance.exports as unknown as Harness;
  io = h.io.value as number;
});

const mem = (): Uint8Array => new Uint8Array(h.memory.buffer);
function leToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}
function bigToLe(v: bigint, len = 32): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) { out[i] = Number(v & 0xffn); v >>= 8n; }
  return out;
}
const mod = (a: bigint, m = P): bigint => ((a % m) + m) % m;
function put(offset: number, bytes: Uint8Array): number { mem().set(bytes, io + offset); return io + offset; }
function get(offset: number, len = 32): bigint { return leToBig(mem().slice(io + offset, io + offset + len)); }
function putLimbs(offset: number, limbs: number[]): number {
  const v = new DataView(h.memory.buffer);
  limbs.forEach((l, i) => v.setInt32(io + offset + 4 * i, l, true));
  return io + offset;
}
// Limb i of the radix-2^25.5 representation has weight 2^ceil(25.5 i).
const WEIGHTS = [0, 26, 51, 77, 102, 128, 153, 179, 204, 230].map((e) => 1n << BigInt(e));
const limbValue = (limbs: number[]): bigint => limbs.reduce((acc, l, i) => acc + BigInt(l) * WEIGHTS[i]!, 0n);

// Values < 2^255 (frombytes ignores bit 255), biased towards the edges around 0, p and 2^255.
const fieldInput = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 255n) - 1n }),
  fc.bigInt({ min: 0n, max: 40n }),
  fc.bigInt({ min: P - 40n, max: (1n << 255n) - 1n }),
  fc.constantFrom(P - 1n, P, P + 1n, (1n << 255n) - 1n, 1n << 254n, (1n << 128n) - 1n),
);
const LIMB_BOUND = 1 << 27;
const limbs = fc.array(fc.integer({ min: -LIMB_BOUND, max: LIMB_BOUND }), { minLength: 10, maxLength: 10 });

test('field: multiplication, squaring, inversion and canonical encoding agree with BigInt mod p', (t) => {
  fc.assert(fc.property(fieldInput, fieldInput, (a, b) => {
    const pa = put(0, bigToLe(a)), pb = put(32, bigToLe(b));
    h.mulBytes(pa, pb, io + 64);
    h.sqBytes(pa, io + 96);
    h.canonical(pa, io + 128);
    h.invBytes(pa, io + 160);
    const inv = mod(a) === 0n ? 0n : modPow(mod(a), P - 2n);
    return get(64) === mod(a * b) && get(96) === mod(a * a) && get(128) === mod(a) && get(160) === inv;
  }), { numRuns: 400 });
  t.pass();
});

test('field: limbs anywhere within |2^27| (the documented input bound) multiply, square, add and encode exactly', (t) => {
  fc.assert(fc.property(limbs, limbs, (f, g) => {
    const pf = putLimbs(0, f), pg = putLimbs(40, g);
    h.mulLimbs(pf, pg, io + 80);
    h.sqLimbs(pf, io + 112);
    h.toBytesLimbs(pf, io + 144);
    const F = limbValue(f), G = limbValue(g);
    const ok = get(80) === mod(F * G) && get(112) === mod(F * F) && get(144) === mod(F);
    // feToBytes takes |limb| <= 2^27: a sum or difference of two limbs within 2^26.
    const fh = f.map((x) => x >> 1), gh = g.map((x) => x >> 1);
    h.addSubLimbs(putLimbs(0, fh), putLimbs(40, gh), io + 176, io + 208);
    const FH = limbValue(fh), GH = limbValue(gh);
    return ok && get(176) === mod(FH + GH) && get(208) === mod(FH - GH);
  }), { numRuns: 400 });
  // The extremes themselves.
  for (const v of [LIMB_BOUND, -LIMB_BOUND]) {
    const f = Array(10).fill(v) as number[];
    h.mulLimbs(putLimbs(0, f), putLimbs(40, f), io + 80);
    h.sqLimbs(putLimbs(0, f), io + 112);
    t.is(get(80), mod(limbValue(f) ** 2n));
    t.is(get(112), mod(limbValue(f) ** 2n));
  }
});

function modPow(b: bigint, e: bigint, m = P): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) { if (e & 1n) r = (r * b) % m; b = (b * b) % m; e >>= 1n; }
  return r;
}

test('point decoding accepts exactly what noble (zip215: false) accepts, and re-encodes to the same bytes', (t) => {
  const check = (enc: Uint8Array): boolean => {
    let expected: Uint8Array | undefined;
    try { expected = ed25519.Point.fromBytes(enc, false).toBytes(); } catch { expected = undefined; }
    const ok = h.decodeEncode(put(0, enc), io + 32);
    if (ok !== (expected ? 1 : 0)) return false;
    return !expected || Buffer.from(mem().slice(io + 32, io + 64)).equals(Buffer.from(expected));
  };
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), check), { numRuns: 400 });
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => check(ed25519.getPublicKey(seed))), { numRuns: 100 });
  // Small y, y near p and past it, with both signs.
  for (const base of [0n, P - 20n]) {
    for (let d = 0n; d < 40n; d++) {
      for (const sign of [0, 0x80]) {
        const enc = bigToLe(base + d);
        if (enc[31]! & 0x80) continue;
        enc[31]! |= sign;
        t.true(check(enc), `y = ${base + d}, sign ${sign}`);
      }
    }
  }
});

test('scalars: Barrett reduction of 64-byte values mod L and the S < L check agree with BigInt', (t) => {
  // mu in scalar.ts is floor(2^512 / L); re-derive the constant the code embeds.
  t.is((1n << 512n) / L, 0x0000000fffffffffffffffffffffffffffffffeb2106215d086329a7ed9ce5a30a2c131bn);
  const wide = fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << 512n) - 1n }),
    fc.bigInt({ min: 0n, max: 3n * L }),
    fc.bigInt({ min: (1n << 512n) - 1000n, max: (1n << 512n) - 1n }),
    fc.nat(1000).map((k) => (((1n << 512n) - 1n) / L - BigInt(k)) * L + BigInt(k % 3) - 1n).filter((v) => v >= 0n),
  );
  fc.assert(fc.property(wide, (x) => {
    h.reduce(put(0, bigToLe(x, 64)), io + 64);
    return get(64) === x % L;
  }), { numRuns: 500 });
  for (const s of [0n, 1n, L - 1n, L, L + 1n, (1n << 253n), (1n << 256n) - 1n]) {
    t.is(h.isCanonicalScalar(put(0, bigToLe(s))), s < L ? 1 : 0, `S = ${s}`);
  }
});

test('signed-window recoding: digits sum to the scalar, are odd and below 2^(w-1), one nonzero per w digits', (t) => {
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: L - 1n }), fc.constantFrom(5, 8), (s, w) => {
    h.recode(put(0, bigToLe(s)), w, io + 64);
    const naf = new Int8Array(h.memory.buffer, io + 64, 256);
    let sum = 0n;
    let lastNonzero = -w;
    for (let i = 0; i < 256; i++) {
      const d = naf[i]!;
      if (d === 0) continue;
      if (d % 2 === 0 || Math.abs(d) >= 1 << (w - 1) || i - lastNonzero < w) return false;
      lastNonzero = i;
      sum += BigInt(d) << BigInt(i);
    }
    return sum === s;
  }), { numRuns: 300 });
  t.pass();
});
