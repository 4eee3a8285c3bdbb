// The reference core's deliberate choices, each pinned by an input that separates them.
import { randomBytes } from 'node:crypto';
import test from 'ava';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bigIntToBytesLE, bytesToBigIntLE, ED25519_L } from '../../core-wasm/js/zkimg-transcript.ts';
import { coresWith, reference } from './_cores.ts';

const Point = ed25519.Point;

// A signature whose R carries a small-order component T: S = r + k'a with R' = rB + T, so
// [S]B = R' - T + [k']A. The cofactored equation (noble's verify) multiplies T away and accepts;
// the cofactorless equation of the issue ([S]B = R + [k]A) refuses.
function torsionSignature(): { pk: Uint8Array; msg: Uint8Array; sig: Uint8Array } {
  const { scalar: a, pointBytes: pk } = ed25519.utils.getExtendedPublicKey(randomBytes(32));
  const T = Point.fromBytes(new Uint8Array(32)); // y = 0: the point (sqrt(-1), 0), of order 4
  const r = bytesToBigIntLE(randomBytes(64)) % ED25519_L;
  const R = Point.BASE.multiply(r).add(T).toBytes();
  const msg = randomBytes(40);
  const k = bytesToBigIntLE(sha512.create().update(R).update(pk).update(msg).digest()) % ED25519_L;
  const S = (r + k * a) % ED25519_L;
  return { pk, msg, sig: Uint8Array.from([...R, ...bigIntToBytesLE(S, 32)]) };
}

test('Ed25519 uses the cofactorless equation: an R with a small-order component is refused', async (t) => {
  const { pk, msg, sig } = torsionSignature();
  t.true(Point.fromBytes(new Uint8Array(32)).isSmallOrder());
  t.true(ed25519.verify(sig, msg, pk, { zip215: false }), 'noble verify (cofactored) accepts it');
  for (const core of await coresWith(t, 'ed25519Verify')) t.false(core.ed25519Verify(pk, msg, sig), core.name);
});

test('Ed25519 refuses a small-order public key even with a signature that satisfies the equation', async (t) => {
  // A = identity (y = 1), R = identity, S = 0: [0]B = O + [k]O holds for every message.
  const identity = bigIntToBytesLE(1n, 32);
  const sig = Uint8Array.from([...identity, ...new Uint8Array(32)]);
  for (const core of await coresWith(t, 'ed25519Verify')) t.false(core.ed25519Verify(identity, randomBytes(8), sig), core.name);
});

test('Ed25519 refuses a non-canonical A (y >= p) that decodes under ZIP-215', async (t) => {
  // y = p + 1 encodes the identity non-canonically; with zip215 noble would decode it.
  const nonCanonical = bigIntToBytesLE(2n ** 255n - 19n + 1n, 32);
  t.notThrows(() => Point.fromBytes(nonCanonical, true));
  t.throws(() => Point.fromBytes(nonCanonical, false));
  for (const core of await coresWith(t, 'ed25519Verify')) {
    t.false(core.ed25519Verify(nonCanonical, new Uint8Array(0), new Uint8Array(64)), core.name);
  }
});

test('P-256 accepts high-S (lowS: false) and refuses a hybrid 0x06 key', async (t) => {
  const { p256 } = await import('@noble/curves/nist.js');
  const sk = p256.utils.randomSecretKey();
  const pk = p256.getPublicKey(sk, false);
  const msg = randomBytes(32);
  const low = p256.Signature.fromBytes(p256.sign(msg, sk, { lowS: true }), 'compact');
  const high = new p256.Signature(low.r, p256.Point.Fn.ORDER - low.s);
  for (const core of await coresWith(t, 'p256Verify')) {
    t.true(core.p256Verify(pk, msg, low.toBytes('compact'), 'raw'), `${core.name} low S`);
    t.true(core.p256Verify(pk, msg, high.toBytes('der'), 'der'), `${core.name} high S`);
    const hybrid = pk.slice();
    hybrid[0] = 6 | (pk[64]! & 1);
    t.false(core.p256Verify(hybrid, msg, low.toBytes('compact'), 'raw'), `${core.name} hybrid key`);
  }
  t.is(reference.name, 'reference');
});
