// Hamming distance on both cores against a plain JS bit-by-bit count (MSB-first packing, as
// docs/zkimg-1.md packs templates), with random lengths and bit counts that are not multiples of 8.
import { randomBytes, randomInt } from 'node:crypto';
import test from 'ava';
import fc from 'fast-check';
import { reference, wasmCore } from './_cores.ts';

function bitByBit(a: Uint8Array, b: Uint8Array, bits: number): number {
  let count = 0;
  for (let i = 0; i < bits; i++) count += ((a[i >> 3]! ^ b[i >> 3]!) >> (7 - (i & 7))) & 1;
  return count;
}

test('random lengths and bit counts agree with a bit-by-bit count', async (t) => {
  const w = await wasmCore();
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), fc.nat(), fc.nat({ max: 100 }), (a, bitsSeed, density) => {
      // b differs from a in about density% of its bytes, so counts range from 0 to dense.
      const b = a.map((x) => (randomInt(100) < density ? x ^ randomInt(256) : x));
      const bits = a.length === 0 ? 0 : bitsSeed % (a.length * 8 + 1);
      const want = bitByBit(a, b, bits);
      return w.hammingDistance(a, b, bits) === want && reference.hammingDistance(a, b, bits) === want;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('a 1 MiB template (the largest zkimg-1 size) agrees with the bit-by-bit count', async (t) => {
  const w = await wasmCore();
  const a = randomBytes(1 << 17);
  const b = randomBytes(1 << 17);
  const bits = (1 << 20) - 3;
  const want = bitByBit(a, b, bits);
  t.is(w.hammingDistance(a, b, bits), want);
  t.is(reference.hammingDistance(a, b, bits), want);
});

test('bits past the count are ignored, MSB first', async (t) => {
  const w = await wasmCore();
  for (const core of [w, reference]) {
    // 0b1110_0000 vs 0: 3 differing bits, all in the first 3 positions.
    t.is(core.hammingDistance(Uint8Array.of(0xe0), Uint8Array.of(0), 2), 2, core.name);
    t.is(core.hammingDistance(Uint8Array.of(0xe0), Uint8Array.of(0), 3), 3, core.name);
    t.is(core.hammingDistance(Uint8Array.of(0x07), Uint8Array.of(0), 5), 0, core.name);
    t.is(core.hammingDistance(new Uint8Array(0), new Uint8Array(0), 0), 0, core.name);
  }
});

test('bad arguments give -1 and never throw', async (t) => {
  const w = await wasmCore();
  const a = new Uint8Array(4);
  for (const core of [w, reference]) {
    t.is(core.hammingDistance(a, a, 33), -1, `${core.name}: more bits than the buffers hold`);
    t.is(core.hammingDistance(a, new Uint8Array(2), 17), -1, `${core.name}: more bits than the shorter buffer`);
    t.is(core.hammingDistance(a, a, -1), -1, `${core.name}: negative`);
    t.is(core.hammingDistance(a, a, 2.5), -1, `${core.name}: fractional`);
    t.is(core.hammingDistance(a, a, Number.NaN), -1, `${core.name}: NaN`);
    t.is(core.hammingDistance(null as unknown as Uint8Array, a, 1), -1, `${core.name}: not bytes`);
    t.is(core.hammingDistance(Uint8Array.of(1), Uint8Array.of(0), 8), 1, `${core.name}: next call still right`);
  }
});
