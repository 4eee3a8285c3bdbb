// Malformed input of any length returns false (or ok: false with a reason, or -1), never throws,
// and never disturbs the next call (core-wasm/js/input-checks.ts). Property-based over both cores.
import test from 'ava';
import fc from 'fast-check';
import type { CryptoCore } from '../../core-wasm/js/index.ts';
import { buildZkimgProof, RFC8032_CASES } from '../../core-wasm/js/known-answers.ts';
import { coresWith } from './_cores.ts';

const rfc1 = RFC8032_CASES[0]!;
const pk = Buffer.from(rfc1.pk, 'hex');
const sig = Buffer.from(rfc1.sig, 'hex');

function stillRight(core: CryptoCore): boolean {
  return core.ed25519Verify(pk, new Uint8Array(0), sig) === true;
}

const junk = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom(undefined, null, 0, 'string', {}, [1, 2, 3]),
) as fc.Arbitrary<Uint8Array>;

test('Ed25519: random keys, messages and signatures of any length', async (t) => {
  for (const core of await coresWith(t, 'ed25519Verify')) {
    fc.assert(
      fc.property(junk, junk, junk, (k, m, s) => {
        const answer = core.ed25519Verify(k, m, s);
        return typeof answer === 'boolean' && stillRight(core);
      }),
      { numRuns: 150 },
    );
  }
  t.pass();
});

test('P-256: random keys and signatures of any length, in both encodings and unknown ones', async (t) => {
  for (const core of await coresWith(t, 'p256Verify')) {
    fc.assert(
      fc.property(junk, junk, junk, fc.constantFrom('der', 'raw', 'jwk', undefined), (k, m, s, enc) => {
        const answer = core.p256Verify(k, m, s, enc as 'der');
        return answer === false || (answer === true && enc !== 'jwk' && enc !== undefined);
      }),
      { numRuns: 150 },
    );
    // A DER-shaped prefix on a compressed-key-shaped blob: reaches the module's own parsing.
    t.false(core.p256Verify(Uint8Array.of(2, ...new Uint8Array(32)), new Uint8Array(3), Uint8Array.of(0x30, 0x06, 2, 1, 1, 2, 1, 1), 'der'), core.name);
  }
  t.pass();
});

test('zkimg-1: wrong types, lengths and parameters give ok: false with a reason', async (t) => {
  const proof = buildZkimgProof(3, 1024, 10);
  for (const core of await coresWith(t, 'zkimgVerify')) {
    const cases: Array<[unknown, string]> = [
      [null, 'malformed-input'],
      [{}, 'malformed-input'],
      [{ ...proof, Y: proof.Y.subarray(1) }, 'malformed-input'],
      [{ ...proof, nonce: new Uint8Array(31) }, 'malformed-input'],
      [{ ...proof, username: 42 }, 'malformed-input'],
      [{ ...proof, n: 1024.5 }, 'malformed-input'],
      [{ ...proof, errors: new Uint8Array(127) }, 'malformed-input'],
      [{ ...proof, n: 1020, errors: new Uint8Array(127) }, 'bad-parameters'],
      [{ ...proof, n: 512, r: 1, errors: new Uint8Array(64) }, 'bad-parameters'],
      [{ ...proof, r: 5 }, 'bad-parameters'],
    ];
    for (const [input, reason] of cases) {
      const result = core.zkimgVerify(input as never);
      t.false(result.ok, `${core.name} ${JSON.stringify(input)?.slice(0, 60)}`);
      t.is(result.reason as string | undefined, reason, core.name);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: -10, max: 5000 }), fc.integer({ min: -1, max: 40 }), (errors, n, r) => {
        const result = core.zkimgVerify({ ...proof, errors, n, r });
        return result.ok === false && typeof result.reason === 'string';
      }),
      { numRuns: 200 },
    );
    const good = core.zkimgVerify(proof);
    t.true(good.ok, core.name);
    t.is(good.countBits, 768);
  }
});
