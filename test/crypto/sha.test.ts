// SHA-256 and SHA-512 on both cores: FIPS 180-4 example vectors (through the known-answer set the
// hot-swap holder uses), then every length across the block and padding boundaries against
// node:crypto (OpenSSL), an independent implementation.
import { createHash, randomBytes } from 'node:crypto';
import test from 'ava';
import fc from 'fast-check';
import { reference, wasmCore } from './_cores.ts';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('FIPS 180-4 examples: "abc" and the two-block messages', async (t) => {
  const w = await wasmCore();
  for (const core of [w, reference]) {
    const abc = new TextEncoder().encode('abc');
    t.is(hexOf(core.sha256(abc)), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', core.name);
    t.is(
      hexOf(core.sha512(abc)),
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      core.name,
    );
    const two = new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    t.is(hexOf(core.sha256(two)), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1', core.name);
  }
});

test('every length from 0 to 300 bytes matches node:crypto', async (t) => {
  const w = await wasmCore();
  for (let len = 0; len <= 300; len++) {
    const data = randomBytes(len);
    const want256 = createHash('sha256').update(data).digest('hex');
    const want512 = createHash('sha512').update(data).digest('hex');
    for (const core of [w, reference]) {
      t.is(hexOf(core.sha256(data)), want256, `${core.name} sha256 of ${len} bytes`);
      t.is(hexOf(core.sha512(data)), want512, `${core.name} sha512 of ${len} bytes`);
    }
  }
});

test('random inputs up to 3 MiB match node:crypto (property)', async (t) => {
  const w = await wasmCore();
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3 << 20 }), (len) => {
      const data = randomBytes(len);
      return hexOf(w.sha256(data)) === createHash('sha256').update(data).digest('hex') && hexOf(w.sha512(data)) === createHash('sha512').update(data).digest('hex');
    }),
    { numRuns: 25 },
  );
  t.pass();
});

test('a digest is a fresh copy: the next call does not change it', async (t) => {
  const w = await wasmCore();
  const first = w.sha256(new Uint8Array(10));
  const copy = hexOf(first);
  w.sha256(randomBytes(5000));
  t.is(hexOf(first), copy);
});
