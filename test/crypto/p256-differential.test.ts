// Property-based differential tests: the WASM p256Verify against @noble/curves' p256 with the
// same strictness (prehash SHA-256, lowS: false, DER or compact r||s).
//
// The WASM module is loaded directly (a tiny local loader over its `inputBuffer` export) so these
// tests exercise the AssemblyScript code alone, independent of the JS wrapper.
import test from 'ava';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { compileAssemblyScript } from '../../scripts/build-wasm.ts';

const root = resolve(import.meta.dirname, '../..');

interface CoreExports {
  memory: WebAssembly.Memory;
  inputBuffer(len: number): number;
  p256Verify(pk: number, pkLen: number, msg: number, msgLen: number, sig: number, sigLen: number, encoding: number): number;
}

async function loadCore(): Promise<CoreExports> {
  const path = resolve(root, 'core-wasm/build/core.wasm');
  if (!existsSync(path)) await compileAssemblyScript(resolve(root, 'core-wasm/assembly/index.ts'), path);
  const { instance } = await WebAssembly.instantiate(readFileSync(path), {
    env: { abort: () => { throw new Error('wasm abort'); } },
  });
  return instance.exports as unknown as CoreExports;
}

const core = await loadCore();

type Encoding = 'der' | 'raw';

function wasmVerify(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array, enc: Encoding): boolean {
  const base = core.inputBuffer(pk.length + msg.length + sig.length);
  const mem = new Uint8Array(core.memory.buffer);
  mem.set(pk, base);
  mem.set(msg, base + pk.length);
  mem.set(sig, base + pk.length + msg.length);
  const r = core.p256Verify(base, pk.length, base + pk.length, msg.length, base + pk.length + msg.length, sig.length, enc === 'der' ? 0 : 1);
  if (r !== 0 && r !== 1) throw new Error(`p256Verify returned ${r}`);
  return r === 1;
}

function nobleVerify(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array, enc: Encoding): boolean {
  try {
    return p256.verify(sig, msg, pk, { format: enc === 'der' ? 'der' : 'compact', lowS: false, prehash: true });
  } catch {
    return false;
  }
}

const { n, p } = p256.Point.CURVE();

function toBytes32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

function fromBytes(b: Uint8Array): bigint {
  let x = 0n;
  for (const v of b) x = (x << 8n) | BigInt(v);
  return x;
}

// Minimal DER INTEGER (X.690 §8.3): big-endian magnitude without leading zeros, plus one 0x00
// when the top bit is set. Written here so out-of-range r, s can be encoded (noble refuses to).
function derInt(x: bigint): Uint8Array {
  let bytes = Array.from(toBytes32(x));
  if (x >= 1n << 256n) {
    bytes = [];
    for (let v = x; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  }
  while (bytes.length > 1 && bytes[0] === 0) bytes.shift();
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Uint8Array.from([0x02, bytes.length, ...bytes]);
}

function derSig(r: bigint, s: bigint): Uint8Array {
  const body = [...derInt(r), ...derInt(s)];
  return Uint8Array.from([0x30, body.length, ...body]);
}

function rawSig(r: bigint, s: bigint): Uint8Array {
  return Uint8Array.from([...toBytes32(r), ...toBytes32(s)]);
}

const encode = (r: bigint, s: bigint, enc: Encoding): Uint8Array => (enc === 'der' ? derSig(r, s) : rawSig(r, s));

const arbSecret = fc.bigInt({ min: 1n, max: n - 1n }).map(toBytes32);
const arbMsg = fc.uint8Array({ minLength: 0, maxLength: 200 });
const arbEnc = fc.constantFrom<Encoding>('der', 'raw');

/** A fresh valid signature as (r, s) with its key in both SEC1 forms. */
const arbSigned = fc.record({ sk: arbSecret, msg: arbMsg, enc: arbEnc, compressed: fc.boolean() }).map((c) => {
  const compact = p256.sign(c.msg, c.sk, { lowS: false, prehash: true });
  const r = fromBytes(compact.subarray(0, 32));
  const s = fromBytes(compact.subarray(32));
  return { ...c, r, s, pk: p256.getPublicKey(c.sk, c.compressed) };
});

const RUNS = 60;

test('valid signatures verify in both encodings and both key forms, low-S and high-S', (t) => {
  fc.assert(fc.property(arbSigned, ({ pk, msg, r, s, enc }) => {
    for (const sv of [s, n - s]) {
      const sig = encode(r, sv, enc);
      if (!wasmVerify(pk, msg, sig, enc) || !nobleVerify(pk, msg, sig, enc)) return false;
    }
    return true;
  }), { numRuns: RUNS });
  t.pass();
});

test('a signature does not verify for another message, another key or a swapped encoding', (t) => {
  fc.assert(fc.property(arbSigned, arbSecret, fc.uint8Array({ minLength: 1, maxLength: 8 }), ({ pk, msg, r, s, enc, compressed }, other, extra) => {
    const sig = encode(r, s, enc);
    const otherPk = p256.getPublicKey(other, compressed);
    const otherMsg = Uint8Array.from([...msg, ...extra]);
    const swapped: Encoding = enc === 'der' ? 'raw' : 'der';
    const cases: Array<[Uint8Array, Uint8Array, Uint8Array, Encoding]> = [
      [pk, otherMsg, sig, enc],
      [otherPk, msg, sig, enc],
      [pk, msg, sig, swapped],
    ];
    return cases.every(([k, m, g, e]) => wasmVerify(k, m, g, e) === nobleVerify(k, m, g, e));
  }), { numRuns: RUNS });
  t.pass();
});

test('corrupting any byte of signature, key or message agrees with the reference', (t) => {
  const where = fc.constantFrom('sig', 'pk', 'msg');
  fc.assert(fc.property(arbSigned, where, fc.nat(), fc.integer({ min: 1, max: 255 }), (c, part, pos, xor) => {
    const sig = encode(c.r, c.s, c.enc);
    const parts = { sig: sig.slice(), pk: c.pk.slice(), msg: c.msg.slice() };
    const target = parts[part as keyof typeof parts];
    if (target.length === 0) return true;
    target[pos % target.length]! ^= xor;
    const w = wasmVerify(parts.pk, parts.msg, parts.sig, c.enc);
    return w === nobleVerify(parts.pk, parts.msg, parts.sig, c.enc) && w === false;
  }), { numRuns: 300 });
  t.pass();
});

test('truncated, extended and random-length inputs agree with the reference (all false)', (t) => {
  fc.assert(fc.property(arbSigned, fc.integer({ min: -8, max: 8 }), fc.constantFrom('sig', 'pk'), (c, delta, part) => {
    if (delta === 0) return true;
    let sig = encode(c.r, c.s, c.enc);
    let pk = c.pk;
    const resize = (b: Uint8Array) => (delta < 0 ? b.slice(0, Math.max(0, b.length + delta)) : Uint8Array.from([...b, ...new Uint8Array(delta).fill(delta)]));
    if (part === 'sig') sig = resize(sig); else pk = resize(pk);
    const w = wasmVerify(pk, c.msg, sig, c.enc);
    return w === nobleVerify(pk, c.msg, sig, c.enc) && w === false;
  }), { numRuns: 200 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 140 }), fc.uint8Array({ maxLength: 100 }), arbMsg, arbEnc, (pk, sig, msg, enc) => {
    return wasmVerify(pk, msg, sig, enc) === nobleVerify(pk, msg, sig, enc);
  }), { numRuns: 300 });
  t.pass();
});

test('r or s in {0, n, n+1, 2^256-1} is rejected; n-1 does not trip the range check', (t) => {
  const bad = fc.constantFrom(0n, n, n + 1n, (1n << 256n) - 1n);
  fc.assert(fc.property(arbSigned, bad, fc.boolean(), ({ pk, msg, r, s, enc }, v, which) => {
    const sig = which ? encode(v, s, enc) : encode(r, v, enc);
    return !wasmVerify(pk, msg, sig, enc) && !nobleVerify(pk, msg, sig, enc);
  }), { numRuns: 60 });
  // s = n - 1 (the top of the range): the result must match the reference (almost surely false,
  // but it must be decided by the equation, not refused by the parser).
  fc.assert(fc.property(arbSigned, ({ pk, msg, r, enc }) => {
    const sig = encode(r, n - 1n, enc);
    return wasmVerify(pk, msg, sig, enc) === nobleVerify(pk, msg, sig, enc);
  }), { numRuns: 20 });
  t.pass();
});

test('public keys off the curve, with coordinates >= p, or at infinity are rejected', (t) => {
  const coord = fc.bigInt({ min: 0n, max: p - 1n });
  fc.assert(fc.property(arbSigned, coord, coord, ({ msg, r, s, enc }, x, y) => {
    // A random (x, y) is on the curve with negligible probability.
    const pk = Uint8Array.from([0x04, ...toBytes32(x), ...toBytes32(y)]);
    const sig = encode(r, s, enc);
    return wasmVerify(pk, msg, sig, enc) === nobleVerify(pk, msg, sig, enc);
  }), { numRuns: 100 });
  fc.assert(fc.property(arbSigned, fc.bigInt({ min: 0n, max: p - 1n }), fc.boolean(), ({ msg, r, s, enc }, x, odd) => {
    // About half of all x have no point: compressed decoding must fail exactly like the reference.
    const pk = Uint8Array.from([odd ? 0x03 : 0x02, ...toBytes32(x)]);
    const sig = encode(r, s, enc);
    return wasmVerify(pk, msg, sig, enc) === nobleVerify(pk, msg, sig, enc);
  }), { numRuns: 100 });
  fc.assert(fc.property(arbSigned, fc.bigInt({ min: 0n, max: (1n << 32n) }), fc.boolean(), (c, k, yHigh) => {
    // The signer's own coordinates with p added to one of them: same point mod p, not canonical.
    const full = p256.getPublicKey(c.sk, false);
    const x = fromBytes(full.subarray(1, 33));
    const y = fromBytes(full.subarray(33));
    const bump = p + k;
    const pk = Uint8Array.from([0x04, ...toBytes32(yHigh ? x : x + bump), ...toBytes32(yHigh ? y + bump : y)]);
    if (x + bump >= 1n << 256n || y + bump >= 1n << 256n) return true;
    const sig = encode(c.r, c.s, c.enc);
    return !wasmVerify(pk, c.msg, sig, c.enc) && !nobleVerify(pk, c.msg, sig, c.enc);
  }), { numRuns: 40 });
  const { msg, sig } = fixedSignature();
  for (const pk of [Uint8Array.of(0x00), new Uint8Array(0), new Uint8Array(65), Uint8Array.from([0x04, ...new Uint8Array(64)])]) {
    t.false(wasmVerify(pk, msg, sig, 'der'));
    t.false(nobleVerify(pk, msg, sig, 'der'));
  }
});

function fixedSignature(): { sk: Uint8Array; pk: Uint8Array; msg: Uint8Array; sig: Uint8Array } {
  const sk = toBytes32(0x1234567890abcdefn);
  const msg = new TextEncoder().encode('fixed message');
  return { sk, pk: p256.getPublicKey(sk, false), msg, sig: p256.sign(msg, sk, { format: 'der', lowS: false, prehash: true }) };
}

test('prefix bytes other than 02/03/04 are refused for every key length', (t) => {
  const { pk, msg, sig } = fixedSignature();
  const compressed = Uint8Array.from([pk[64]! & 1 ? 0x03 : 0x02, ...pk.subarray(1, 33)]);
  t.true(wasmVerify(pk, msg, sig, 'der'));
  t.true(wasmVerify(compressed, msg, sig, 'der'));
  for (let prefix = 0; prefix < 256; prefix++) {
    const u = pk.slice(); u[0] = prefix;
    const c = compressed.slice(); c[0] = prefix;
    t.is(wasmVerify(u, msg, sig, 'der'), prefix === 0x04, `uncompressed prefix ${prefix}`);
    t.is(wasmVerify(c, msg, sig, 'der'), prefix === compressed[0], `compressed prefix ${prefix}`);
    t.is(nobleVerify(c, msg, sig, 'der'), prefix === compressed[0]);
  }
});

test('unknown encoding values are refused', (t) => {
  const { pk, msg, sig } = fixedSignature();
  const raw = p256.Signature.fromBytes(sig, 'der').toBytes('compact');
  const call = (s: Uint8Array, e: number) => {
    const base = core.inputBuffer(pk.length + msg.length + s.length);
    const mem = new Uint8Array(core.memory.buffer);
    mem.set(pk, base); mem.set(msg, base + pk.length); mem.set(s, base + pk.length + msg.length);
    return core.p256Verify(base, pk.length, base + pk.length, msg.length, base + pk.length + msg.length, s.length, e);
  };
  t.is(call(sig, 0), 1);
  t.is(call(raw, 1), 1);
  for (const e of [2, -1, 255]) {
    t.is(call(sig, e), 0);
    t.is(call(raw, e), 0);
  }
});

test('non-minimal and BER-style DER variants of a valid signature are refused like the reference', (t) => {
  const { pk, msg, sig } = fixedSignature();
  const parsed = p256.Signature.fromBytes(sig, 'der');
  const r = derInt(parsed.r);
  const s = derInt(parsed.s);
  const padInt = (i: Uint8Array) => Uint8Array.from([0x02, i[1]! + 1, 0x00, ...i.subarray(2)]);
  const longLen = (i: Uint8Array) => Uint8Array.from([0x02, 0x81, i[1]!, ...i.subarray(2)]);
  const seq = (body: number[], lenBytes?: number[]) => Uint8Array.from([0x30, ...(lenBytes ?? [body.length]), ...body]);
  const variants: Array<[string, Uint8Array]> = [
    ['leading zero on r', seq([...padInt(r), ...s])],
    ['leading zero on s', seq([...r, ...padInt(s)])],
    ['long-form r length', seq([...longLen(r), ...s])],
    ['long-form sequence length', seq([...r, ...s], [0x81, r.length + s.length])],
    ['trailing byte after the sequence', Uint8Array.from([...sig, 0x00])],
    ['trailing integer inside the sequence', seq([...r, ...s, 0x02, 0x01, 0x01])],
    ['sequence length one short', Uint8Array.from([0x30, sig[1]! - 1, ...sig.subarray(2)])],
    ['sequence length one long', Uint8Array.from([0x30, sig[1]! + 1, ...sig.subarray(2)])],
    ['wrong sequence tag', Uint8Array.from([0x31, ...sig.subarray(1)])],
    ['wrong integer tag', seq([0x03, ...r.subarray(1), ...s])],
    ['negative r', seq([0x02, r[1]!, r[2]! | 0x80, ...r.subarray(3), ...s])],
    ['empty r', seq([0x02, 0x00, ...s])],
    ['indefinite length', Uint8Array.from([0x30, 0x80, ...r, ...s, 0x00, 0x00])],
  ];
  t.true(wasmVerify(pk, msg, sig, 'der'));
  for (const [name, v] of variants) {
    t.false(wasmVerify(pk, msg, v, 'der'), name);
    t.false(nobleVerify(pk, msg, v, 'der'), `reference: ${name}`);
  }
});

test('memory does not grow over many valid and invalid calls', (t) => {
  const { pk, msg, sig } = fixedSignature();
  wasmVerify(pk, msg, sig, 'der');
  const before = core.memory.buffer.byteLength;
  const bad = sig.slice(); bad[10]! ^= 1;
  for (let i = 0; i < 300; i++) {
    t.true(wasmVerify(pk, msg, sig, 'der'));
    t.false(wasmVerify(pk, msg, bad, 'der'));
    t.false(wasmVerify(pk.subarray(0, 10), msg, sig, 'der'));
  }
  t.is(core.memory.buffer.byteLength, before);
});
