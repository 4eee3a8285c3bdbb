// Ed25519 verification in the WASM core (core-wasm/assembly/ed25519), on the raw module ABI:
// RFC 8032 §7.1 vectors, the strictness rules of CRYPTO-ABI.md, and differential property tests
// against @noble/curves (fast-check).
//
// "Strict" here is the reference core's definition (core-wasm/js/reference-core.ts): noble's
// decoding with zip215 = false (canonical A and R), S < L, small-order A rejected, and the
// cofactorless equation [S]B = R + [k]A. noble's own `verify(..., { zip215: false })` uses the
// cofactored equation; the two agree except when R or A carries a small-order component, and the
// tests below pin exactly that difference.
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const P = Point.Fp.ORDER;

// --- a minimal loader of core-wasm/build/core.wasm on its raw ABI (built by `make wasm`) ---
interface Raw {
  memory: WebAssembly.Memory;
  inputBuffer(len: number): number;
  ed25519Verify(pk: number, msg: number, msgLen: number, sig: number): number;
}
const wasmPath = new URL('../../core-wasm/build/core.wasm', import.meta.url);
const raw = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmPath)), {
  env: { abort: () => { throw new Error('abort called'); } },
}).exports as unknown as Raw;

function wasmVerify(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pk.length !== 32 || sig.length !== 64) throw new Error('test bug: fixed sizes');
  const p = raw.inputBuffer(96 + msg.length);
  const mem = new Uint8Array(raw.memory.buffer);
  mem.set(pk, p);
  mem.set(sig, p + 32);
  mem.set(msg, p + 96);
  const result = raw.ed25519Verify(p, p + 96, msg.length, p + 32);
  if (result !== 0 && result !== 1) throw new Error(`ed25519Verify returned ${result}`);
  return result === 1;
}

// --- the strict rule, written out on noble's points (the definition the WASM core must meet) ---
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
function challenge(R: Uint8Array, A: Uint8Array, msg: Uint8Array): bigint {
  return leToBig(sha512.create().update(R).update(A).update(msg).digest()) % L;
}
function strictVerify(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  try {
    const A = Point.fromBytes(pk, false);
    const R = Point.fromBytes(sig.subarray(0, 32), false);
    const S = leToBig(sig.subarray(32));
    if (S >= L || A.isSmallOrder()) return false;
    const k = challenge(sig.subarray(0, 32), pk, msg);
    return Point.BASE.multiplyUnsafe(S).equals(R.add(A.multiplyUnsafe(k)));
  } catch {
    return false;
  }
}
const nobleVerify = (pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean =>
  ed25519.verify(sig, msg, pk, { zip215: false });

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

// The 8 points of small order: multiples of a point of order 8, found as [L]Q for points Q.
const torsion: InstanceType<typeof Point>[] = (() => {
  for (let seed = 1; ; seed++) {
    const y = bigToLe(BigInt(seed));
    let Q;
    try { Q = Point.fromBytes(y, false); } catch { continue; }
    const T = Q.multiplyUnsafe(L - 1n).add(Q); // [L]Q
    if (!T.multiplyUnsafe(4n).is0()) return Array.from({ length: 8 }, (_, i) => (i === 0 ? Point.ZERO : T.multiplyUnsafe(BigInt(i))));
  }
})();

function keyFromSeed(seed: Uint8Array): { sk: Uint8Array; pk: Uint8Array; a: bigint } {
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
  return { sk: seed, pk: pointBytes, a: scalar };
}

// Signs with an arbitrary R = [r]B + T and public key A (whose discrete log part is a), bypassing
// RFC 8032's nonce derivation: S = r + k a.
function forge(a: bigint, A: Uint8Array, msg: Uint8Array, r: bigint, T = Point.ZERO): Uint8Array {
  const R = Point.BASE.multiplyUnsafe(r).add(T).toBytes();
  const k = challenge(R, A, msg);
  return concat(R, bigToLe((r + k * a) % L));
}

test('RFC 8032 §7.1 test vectors (TEST 1, 2, 3, SHA(abc)) verify, and noble reproduces them', (t) => {
  const vectors = [
    ['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '',
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'],
    ['4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72',
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'],
    ['c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7', 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025', 'af82',
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'],
    ['833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42', 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
      Buffer.from(sha512(new TextEncoder().encode('abc'))).toString('hex'),
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704'],
  ] as const;
  for (const [skHex, pkHex, msgHex, sigHex] of vectors) {
    const sk = hex(skHex), pk = hex(pkHex), msg = hex(msgHex), sig = hex(sigHex);
    t.deepEqual(ed25519.getPublicKey(sk), pk, 'vector public key');
    t.deepEqual(ed25519.sign(msg, sk), sig, 'vector signature');
    t.true(wasmVerify(pk, msg, sig), `vector ${pkHex.slice(0, 8)} verifies`);
    const bad = sig.slice();
    bad[63] ^= 0x01;
    t.false(wasmVerify(pk, msg, bad));
    if (msg.length > 0) t.false(wasmVerify(pk, msg.subarray(1), sig));
  }
});

test('random valid signatures verify, for messages of 0 to 2048 bytes', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 2048 }), (seed, msg) => {
      const { sk, pk } = keyFromSeed(seed);
      const sig = ed25519.sign(msg, sk);
      return wasmVerify(pk, msg, sig) && nobleVerify(pk, msg, sig);
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('any corruption of one byte of the public key, the signature or the message agrees with the reference', (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      (seed, msg, where, mask) => {
        const { sk, pk } = keyFromSeed(seed);
        const sig = ed25519.sign(msg, sk);
        const buf = concat(pk, sig, msg);
        const i = where % buf.length;
        buf[i]! ^= mask;
        const [pk2, sig2, msg2] = [buf.subarray(0, 32), buf.subarray(32, 96), buf.subarray(96)];
        const got = wasmVerify(pk2, msg2, sig2);
        return got === strictVerify(pk2, msg2, sig2) && got === nobleVerify(pk2, msg2, sig2) && got === false;
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

test('random keys and signatures (mostly invalid encodings) agree with the reference', (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      fc.uint8Array({ maxLength: 64 }),
      fc.boolean(),
      (pk, sig, msg, validPk) => {
        const key = validPk ? keyFromSeed(pk).pk : pk;
        // Half of the time S is brought below L so that decoding and the equation are reached.
        if (validPk) sig.set(bigToLe(leToBig(sig.subarray(32)) % L), 32);
        return wasmVerify(key, msg, sig) === strictVerify(key, msg, sig);
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

test('S >= L is rejected: S = L, L + 1, S + L (the malleable twin), 2^253, 2^256 - 1; S = L - 1 reaches the equation', (t) => {
  const { sk, pk, a } = keyFromSeed(randomBytes(32));
  const msg = randomBytes(40);
  const sig = ed25519.sign(msg, sk);
  const S = leToBig(sig.subarray(32));
  for (const bad of [L, L + 1n, S + L, (1n << 256n) - 1n, (1n << 253n)]) {
    const s2 = concat(sig.subarray(0, 32), bigToLe(bad));
    t.false(wasmVerify(pk, msg, s2), `S = ${bad}`);
    t.false(nobleVerify(pk, msg, s2));
  }
  // S in range but wrong: rejected by the equation only.
  t.false(wasmVerify(pk, msg, concat(sig.subarray(0, 32), bigToLe(L - 1n))));
  // Signatures made with arbitrary (not RFC-derived) nonces r are just as valid.
  for (let r = 1n; r <= 5n; r++) {
    const m = randomBytes(8);
    t.true(wasmVerify(pk, m, forge(a, pk, m, r)));
  }
});

test('non-canonical encodings of A and R (y >= p) are rejected, on-curve or not', (t) => {
  const { sk, pk } = keyFromSeed(randomBytes(32));
  const msg = randomBytes(16);
  const sig = ed25519.sign(msg, sk);
  let onCurve = 0;
  for (let y = P; y < 1n << 255n; y++) {
    for (const sign of [0, 0x80]) {
      const enc = bigToLe(y);
      enc[31]! |= sign;
      try { Point.fromBytes(enc, true); onCurve++; } catch { /* not a point even read mod p */ }
      t.false(wasmVerify(enc, msg, sig), `A = ${y - P} + p`);
      t.false(wasmVerify(pk, msg, concat(enc, sig.subarray(32))), `R = ${y - P} + p`);
      t.false(nobleVerify(enc, msg, sig));
    }
  }
  // y = p (= 0) and y = p + 1 (= 1) are encodings of real points: the rejection is about encoding.
  t.true(onCurve >= 3);
});

test('x = 0 with the sign bit set is rejected (y = 1 and y = p - 1), the canonical forms decode', (t) => {
  const { sk, pk } = keyFromSeed(randomBytes(32));
  const msg = randomBytes(16);
  const sig = ed25519.sign(msg, sk);
  for (const y of [1n, P - 1n]) {
    const enc = bigToLe(y);
    enc[31]! |= 0x80;
    t.false(wasmVerify(pk, msg, concat(enc, sig.subarray(32))));
    t.false(wasmVerify(enc, msg, sig));
  }
  // R = identity (y = 1, sign 0) is a canonical encoding: with S = k a... it is accepted when the
  // equation holds, i.e. [S]B = [k]A.
  const { a } = keyFromSeed(randomBytes(32));
  const A = Point.BASE.multiplyUnsafe(a).toBytes();
  const R = Point.ZERO.toBytes();
  const k = challenge(R, A, msg);
  const s = concat(R, bigToLe((k * a) % L));
  t.true(wasmVerify(A, msg, s));
  t.true(strictVerify(A, msg, s));
});

test('every small-order A is rejected, even with a signature that satisfies the equation', (t) => {
  const S = 12345n;
  for (const T of torsion) {
    const A = T.toBytes();
    // [k]A is one of the torsion points, so R = [S]B - T' satisfies [S]B = R + [k]A as soon as
    // [k(R)]T = T'. Try the 8 candidates T' over a few messages until one is consistent.
    let found: { msg: Uint8Array; sig: Uint8Array } | undefined;
    for (let tries = 0; !found && tries < 64; tries++) {
      const msg = randomBytes(20);
      for (const Tp of torsion) {
        const R = Point.BASE.multiplyUnsafe(S).subtract(Tp).toBytes();
        if (T.multiplyUnsafe(challenge(R, A, msg)).equals(Tp)) { found = { msg, sig: concat(R, bigToLe(S)) }; break; }
      }
    }
    if (!found) return t.fail('no consistent signature found');
    const { msg, sig } = found;
    const R = Point.fromBytes(sig.subarray(0, 32));
    t.true(Point.BASE.multiplyUnsafe(S).equals(R.add(T.multiplyUnsafe(challenge(sig.subarray(0, 32), A, msg)))), 'equation holds');
    t.false(wasmVerify(A, msg, sig), `A = ${Buffer.from(A).toString('hex')}`);
    t.false(nobleVerify(A, msg, sig));
    t.false(strictVerify(A, msg, sig));
  }
});

test('small-order R: only the identity can satisfy the cofactorless equation (noble, cofactored, accepts all 8)', (t) => {
  const { pk, a } = keyFromSeed(randomBytes(32));
  const msg = randomBytes(24);
  for (const T of torsion) {
    // R = T, S = k a: [S]B = [k]A, so R + [k]A = [S]B + T.
    const R = T.toBytes();
    const k = challenge(R, pk, msg);
    const sig = concat(R, bigToLe((k * a) % L));
    const expected = T.is0();
    t.is(wasmVerify(pk, msg, sig), expected);
    t.is(strictVerify(pk, msg, sig), expected);
    t.true(nobleVerify(pk, msg, sig), 'noble checks [8]R + [8][k]A = [8][S]B');
  }
});

test('mixed-order R (R + T) is rejected; noble accepts it: the one pinned difference', (t) => {
  const { pk, a } = keyFromSeed(randomBytes(32));
  for (const T of torsion.slice(1)) {
    const msg = randomBytes(30);
    const sig = forge(a, pk, msg, 987654321n, T);
    t.false(wasmVerify(pk, msg, sig));
    t.false(strictVerify(pk, msg, sig));
    t.true(nobleVerify(pk, msg, sig));
  }
});

test('mixed-order A (aB + T): accepted exactly when [k]T = 0, as the cofactorless equation says', (t) => {
  const { a } = keyFromSeed(randomBytes(32));
  let accepted = 0, rejected = 0;
  for (const T of torsion.slice(1)) {
    const A = Point.BASE.multiplyUnsafe(a).add(T).toBytes();
    for (let i = 0; i < 12; i++) {
      const msg = randomBytes(10);
      const sig = forge(a, A, msg, BigInt(1000 + i));
      const k = challenge(sig.subarray(0, 32), A, msg);
      const expected = T.multiplyUnsafe(k).is0();
      t.is(wasmVerify(A, msg, sig), expected);
      t.is(strictVerify(A, msg, sig), expected);
      t.true(nobleVerify(A, msg, sig));
      if (expected) accepted++; else rejected++;
    }
  }
  t.true(accepted > 0 && rejected > 0, `both outcomes seen (${accepted} / ${rejected})`);
});

test('the decoded-key cache: more keys than slots, keys sharing a slot, small-order keys seen twice', (t) => {
  // The module keeps recently decoded public keys (core-wasm/assembly/ed25519/pointcache.ts);
  // a hit must answer exactly as decoding again would.
  const keys = Array.from({ length: 20 }, () => keyFromSeed(randomBytes(32)));
  const msg = randomBytes(32);
  const sigs = keys.map((k) => ed25519.sign(msg, k.sk));
  for (let round = 0; round < 3; round++) {
    keys.forEach((k, i) => {
      t.true(wasmVerify(k.pk, msg, sigs[i]!));
      t.false(wasmVerify(k.pk, msg, sigs[(i + 1) % keys.length]!));
    });
  }
  // -A has the same first bytes as A (only the sign bit differs), so it lands in the same slot.
  const { pk } = keys[0]!;
  const negated = pk.slice();
  negated[31]! ^= 0x80;
  for (let i = 0; i < 3; i++) {
    t.true(wasmVerify(pk, msg, sigs[0]!));
    t.false(wasmVerify(negated, msg, sigs[0]!));
  }
  // Small-order keys stay rejected on a cache hit.
  for (let i = 0; i < 2; i++) {
    for (const T of torsion) t.false(wasmVerify(T.toBytes(), msg, sigs[0]!));
  }
  t.true(wasmVerify(pk, msg, sigs[0]!));
});

test('a message may lie anywhere in the input buffer and have any length; memory stays flat', (t) => {
  const { sk, pk } = keyFromSeed(randomBytes(32));
  const before = raw.memory.buffer.byteLength;
  for (const len of [0, 1, 63, 64, 111, 112, 127, 128, 129, 255, 1000, 4096, 20000]) {
    const msg = randomBytes(len);
    const sig = ed25519.sign(msg, sk);
    t.true(wasmVerify(pk, msg, sig), `length ${len}`);
    t.false(wasmVerify(pk, msg, concat(sig.subarray(0, 32), bigToLe((leToBig(sig.subarray(32)) + 1n) % L))));
  }
  const msg = randomBytes(64);
  const sig = ed25519.sign(msg, sk);
  for (let i = 0; i < 500; i++) wasmVerify(pk, msg, sig);
  t.is(raw.memory.buffer.byteLength, before);
  // A message length that runs past the end of memory is refused, not a trap.
  const p = raw.inputBuffer(96);
  t.is(raw.ed25519Verify(p, p + 96, raw.memory.buffer.byteLength, p + 32), 0);
  t.is(raw.ed25519Verify(raw.memory.buffer.byteLength - 16, p + 96, 0, p + 32), 0);
});

