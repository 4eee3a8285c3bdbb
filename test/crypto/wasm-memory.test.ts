// The stub runtime never frees, so any allocation per call would grow memory without bound.
// 1,000,000 verifications must leave the module's memory exactly as large as after the first.
import { randomBytes } from 'node:crypto';
import test from 'ava';
import { buildZkimgProof, RFC8032_CASES } from '../../core-wasm/js/known-answers.ts';
import { wasmCore } from './_cores.ts';

test('1,000,000 SHA-256 and Hamming calls leave memory.buffer.byteLength flat', async (t) => {
  const core = await wasmCore();
  const block = randomBytes(64);
  const a = randomBytes(512);
  const b = randomBytes(512);
  core.sha256(block);
  core.hammingDistance(a, b, 4096);
  const before = core.memoryBytes();
  let digest = core.sha256(block);
  for (let i = 0; i < 500_000; i++) digest = core.sha256(digest.length === 32 ? block : digest);
  let total = 0;
  for (let i = 0; i < 500_000; i++) total += core.hammingDistance(a, b, 4096);
  t.is(core.memoryBytes(), before);
  t.is(total, 500_000 * core.hammingDistance(a, b, 4096));
});

test('12,000 Ed25519 and zkimg-1 verifications leave memory flat', async (t) => {
  const core = await wasmCore();
  const c = RFC8032_CASES[2]!;
  const pk = Buffer.from(c.pk, 'hex');
  const msg = Buffer.from(c.msg, 'hex');
  const sig = Buffer.from(c.sig, 'hex');
  const proof = buildZkimgProof(7, 4096, 100);
  t.true(core.ed25519Verify(pk, msg, sig));
  t.true(core.zkimgVerify(proof).ok);
  const before = core.memoryBytes();
  let ok = 0;
  for (let i = 0; i < 10_000; i++) if (core.ed25519Verify(pk, msg, sig)) ok++;
  for (let i = 0; i < 2_000; i++) if (core.zkimgVerify(proof).ok) ok++;
  t.is(ok, 12_000);
  t.is(core.memoryBytes(), before);
});

test('a large input grows the scratch region once; later calls of any smaller size reuse it', async (t) => {
  const core = await wasmCore();
  core.sha512(new Uint8Array(3 << 20));
  const grown = core.memoryBytes();
  for (let len = 0; len < 3 << 20; len += 65_537) core.sha512(new Uint8Array(len));
  t.is(core.memoryBytes(), grown);
});
