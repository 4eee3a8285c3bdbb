// The deterministic zkimg-1 reference client (test/helpers/zkimg-client.ts) against the protocol
// page (docs/zkimg-1.md): code geometry, enrolment encryption, challenge and proof
// formats. The Vault's HTTP tests and the benchmarks build on it, so it is checked on its own.
import test from 'ava';
import { createDecipheriv } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  answerChallenge, berPercent, bytesToBigIntLE, challengeScalar, commitmentKey, encodeChallengeData, enrol, flip,
  fromB64u, getBit, hashToScalar, L, makeChallenge, openCommitment, parseChallengeData, parseProofChallengeData,
  popcount, repetitionDecode, repetitionEncode, repetitionFactor, templateFromSeed, xorBytes,
} from '../helpers/zkimg-client.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

test('repetition factor: the largest odd r with 256 r <= n; sizes outside [768, 2^20] or not bytes refused', (t) => {
  t.is(repetitionFactor(768), 3);
  t.is(repetitionFactor(1023 + 1), 3); // 1024 / 256 = 4 -> 3
  t.is(repetitionFactor(1280), 5);
  t.is(repetitionFactor(4096), 15);
  t.is(repetitionFactor(65536), 255);
  t.is(repetitionFactor(1048576), 4095);
  for (const bad of [760, 770, 1048584, 0]) t.throws(() => repetitionFactor(bad));
});

test('RC(k) repeats bit j of k (MSB first) at j r .. j r + r - 1 and leaves bits from m on zero; Decode inverts it', (t) => {
  const k = new Uint8Array(32);
  k[0] = 0b1000_0001; // bits 0 and 7
  k[31] = 0x01; // bit 255
  const n = 1024, r = 3;
  const c = repetitionEncode(k, n, r);
  const ones = [...Array(n).keys()].filter((i) => getBit(c, i));
  t.deepEqual(ones, [0, 1, 2, 21, 22, 23, 765, 766, 767]);
  t.deepEqual(repetitionDecode(c, r), k);
  // One flip per group is corrected with r = 3; two are not.
  const once = c.slice();
  once[0]! ^= 0x80;
  t.deepEqual(repetitionDecode(once, r), k);
  const twice = c.slice();
  twice[0]! ^= 0xc0;
  t.notDeepEqual(repetitionDecode(twice, r), k);
});

test('flip(w, count, seed) flips exactly count distinct bits among the first m, deterministically', (t) => {
  const w = templateFromSeed([64, 64], 'flip-test');
  t.deepEqual(templateFromSeed([64, 64], 'flip-test'), w, 'templates are seeded');
  t.notDeepEqual(templateFromSeed([64, 64], 'other'), w);
  const f = flip(w, 100, 's1');
  t.deepEqual(flip(w, 100, 's1'), f);
  const d = xorBytes(w, f);
  t.is(popcount(d), 100);
  t.true(d.subarray(3840 / 8).every((b) => b === 0), 'nothing flipped at or after m = 3840');
  t.is(popcount(xorBytes(w, flip(w, 3840, 'all'))), 3840);
});

test('BER_PERCENT has exactly two decimals, rounded half up on the exact value', (t) => {
  t.is(berPercent(0, 3840), '0.00');
  t.is(berPercent(3840, 3840), '100.00');
  t.is(berPercent(192, 3840), '5.00');
  t.is(berPercent(1, 3840), '0.03'); // 0.026041...
  t.is(berPercent(1, 800), '0.13'); // 0.125 exactly: half up
  t.is(berPercent(16385, 65280), '25.10'); // 25.0995...
});

test('enrolment: helper = RC(k) xor w, Y = HashToScalar("zkimg-1:x" || k) B, commitment sealed with HKDF + AES-256-GCM', (t) => {
  const w = templateFromSeed([32, 32], 'enrol');
  const e = enrol({ template: w, dim: [32, 32], alg: 'test-alg', cipherKey: 'correct horse', tenantId: 'default', username: 'bob' });
  t.is(e.n, 1024);
  t.is(e.r, 3);
  t.deepEqual(xorBytes(e.helper, w), repetitionEncode(e.k, 1024, 3));
  t.deepEqual(e.Y, ed25519.Point.BASE.multiply(hashToScalar(utf8('zkimg-1:x'), e.k)).toBytes());
  t.is(e.commitmentJson, `{"v":"zkimg-1","n":1024,"r":3,"dim":[32,32],"alg":"test-alg","helper":"${Buffer.from(e.helper).toString('base64url')}","Y":"${Buffer.from(e.Y).toString('base64url')}"}`);
  t.deepEqual(commitmentKey('correct horse', 'default', 'bob'), hkdf(sha256, utf8('correct horse'), utf8('zkimg-1'), utf8('default:bob'), 32));
  // Decrypt by hand: iv || ciphertext || tag, aad "zkimg-1:" || username.
  const raw = fromB64u(e.encryptedCommitment);
  const d = createDecipheriv('aes-256-gcm', e.key, raw.subarray(0, 12));
  d.setAAD(utf8('zkimg-1:bob'));
  d.setAuthTag(raw.subarray(raw.length - 16));
  t.is(Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString(), e.commitmentJson);
  t.deepEqual(openCommitment(e.encryptedCommitment, 'correct horse', 'default', 'bob'), e.commitment);
  t.throws(() => openCommitment(e.encryptedCommitment, 'wrong horse', 'default', 'bob'));
  t.throws(() => openCommitment(e.encryptedCommitment, 'correct horse', 'default', 'eve'));
  t.throws(() => openCommitment(e.encryptedCommitment, 'correct horse', 'other-tenant', 'bob'));
});

test('challenge_data round-trips; a proof from a close capture satisfies s B = R + h Y and reports w xor w\'', (t) => {
  const dim: [number, number] = [64, 64];
  const w = templateFromSeed(dim, 'login');
  const e = enrol({ template: w, dim, cipherKey: 'pin-1234-stretched', tenantId: 't1', username: 'carol' });
  const challenge = makeChallenge(e.commitment);
  const challengeData = encodeChallengeData(challenge);
  t.deepEqual(parseChallengeData(challengeData), challenge);
  const fresh = flip(w, 150, 'capture');
  const { proof, body } = answerChallenge({ challengeData, template: fresh, Y: e.Y, username: 'carol', cipherKey: 'pin-1234-stretched' });
  t.deepEqual(proof.k, e.k, 'the key decodes');
  t.deepEqual(proof.errors.subarray(0, 480), xorBytes(w, fresh).subarray(0, 480));
  t.is(proof.errorBits, 150);
  t.is(proof.countBits, 3840);
  t.is(proof.berPercent, '3.91');
  const R = ed25519.Point.fromBytes(proof.R);
  const h = challengeScalar(proof.R, e.Y, challenge.nonce, challenge.id, 'carol', proof.errors);
  t.is(h, proof.h);
  const s = bytesToBigIntLE(proof.s);
  t.true(s < L);
  t.true(ed25519.Point.BASE.multiply(s).equals(R.add(ed25519.Point.fromBytes(e.Y).multiply(h))));
  // The request body of seed 002's Authenticate.
  t.is(body.challenge_id, challenge.id);
  t.deepEqual(body.ber, { ber: { count_bits: 3840, error_bits: 150, BER_PERCENT: '3.91' }, image_dim: [64, 64], algorithm_version: e.commitment.alg });
  const sent = parseProofChallengeData(body.challenge_data);
  t.deepEqual(sent, { R: proof.R, s: proof.s, errors: proof.errors });
});
