// Randomized differential check of a candidate core against the reference (core-wasm/README.md, hot swap):
// random valid inputs of every primitive and corrupted, truncated, oversized, non-canonical and
// out-of-range variants of them; any disagreement refuses the candidate. Signatures are made
// with node:crypto (fast) and @noble (Ed25519, zkimg-1), so that the check takes about a second.
import { generateKeyPairSync, randomBytes, randomInt, sign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { buildZkimgProof } from './known-answers.ts';
import type { CryptoCore, ZkimgInput } from './types.ts';
import { bigIntToBytesLE, bytesToBigIntLE, ED25519_L } from './zkimg-transcript.ts';

export interface DifferentialOptions {
  /** Valid signatures per curve, each also tried in about ten corrupted forms. */
  signatures?: number;
  /** Random hash and Hamming inputs. */
  samples?: number;
}

const P256_N = p256.Point.Fn.ORDER;
// y = 2^255 - 1 >= p: not a canonical Ed25519 encoding.
const NON_CANONICAL_POINT = Uint8Array.from([...new Uint8Array(31).fill(0xff), 0x7f]);

function withPaddingBit(errors: Uint8Array): Uint8Array {
  const out = errors.slice();
  out[out.length - 1] |= 1; // the last bit of the template: past m when n > m, else a code bit
  return out;
}

function flipRandomBit(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return Uint8Array.of(1);
  const bit = randomInt(out.length * 8);
  out[bit >>> 3] ^= 1 << (bit & 7);
  return out;
}

function be32(v: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
}

function hex(x: unknown): string {
  return x instanceof Uint8Array ? bytesToHex(x) : JSON.stringify(x);
}

/** Returns the first disagreement found, or null when the candidate agreed on every input. */
export function runDifferential(candidate: CryptoCore, reference: CryptoCore, options: DifferentialOptions = {}): string | null {
  const signatures = options.signatures ?? 6;
  const samples = options.samples ?? 40;
  let mismatch: string | null = null;
  const same = (what: string, got: unknown, want: unknown, args: unknown[]): void => {
    if (mismatch) return;
    const g = got instanceof Uint8Array ? bytesToHex(got) : JSON.stringify(got);
    const w = want instanceof Uint8Array ? bytesToHex(want) : JSON.stringify(want);
    if (g !== w) mismatch = `${what}: candidate ${g}, reference ${w}; input ${args.map(hex).join(' ')}`;
  };

  // Hashes: every length around the block and padding boundaries, then random ones.
  const lengths = [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000, 65537];
  for (let i = 0; i < samples; i++) lengths.push(randomInt(4096));
  for (const len of lengths) {
    const data = randomBytes(len);
    same('sha256', candidate.sha256(data), reference.sha256(data), [data]);
    same('sha512', candidate.sha512(data), reference.sha512(data), [data]);
  }

  // Hamming: random sizes, bit counts not a multiple of 8, counts past the buffers, empty input.
  for (let i = 0; i < samples; i++) {
    const len = randomInt(1, 600);
    const a = randomBytes(len);
    const b = i % 3 === 0 ? flipRandomBit(a) : randomBytes(len);
    const bits = i % 5 === 0 ? len * 8 + randomInt(1, 9) : randomInt(len * 8 + 1);
    same('hammingDistance', candidate.hammingDistance(a, b, bits), reference.hammingDistance(a, b, bits), [a, b, bits]);
  }
  same('hammingDistance(-1)', candidate.hammingDistance(new Uint8Array(4), new Uint8Array(4), -1), reference.hammingDistance(new Uint8Array(4), new Uint8Array(4), -1), []);
  same('hammingDistance(1.5)', candidate.hammingDistance(new Uint8Array(4), new Uint8Array(4), 1.5), -1, []);

  // Ed25519: valid signatures and their corruptions.
  for (let i = 0; i < signatures && !mismatch; i++) {
    const sk = randomBytes(32);
    const pk = ed25519.getPublicKey(sk);
    const msg = randomBytes(randomInt(0, 200));
    const sig = ed25519.sign(msg, sk);
    const S = bytesToBigIntLE(sig.subarray(32));
    const cases: Array<[string, Uint8Array, Uint8Array, Uint8Array]> = [
      ['valid', pk, msg, sig],
      ['signature bit flipped', pk, msg, flipRandomBit(sig)],
      ['message bit flipped', pk, flipRandomBit(msg), sig],
      ['key bit flipped', flipRandomBit(pk), msg, sig],
      ['S + L', pk, msg, Uint8Array.from([...sig.subarray(0, 32), ...bigIntToBytesLE(S + ED25519_L, 32)])],
      ['short signature', pk, msg, sig.subarray(0, 63)],
      ['long key', Uint8Array.from([...pk, 0]), msg, sig],
      // y = p + 1 (non-canonical encoding of y = 1, the identity): refused by strict decoding.
      ['non-canonical R', pk, msg, Uint8Array.from([...bigIntToBytesLE(2n ** 255n - 19n + 1n, 32), ...sig.subarray(32)])],
      ['small-order key', bigIntToBytesLE(1n, 32), msg, sig],
    ];
    for (const [what, k, m, s] of cases) same(`ed25519Verify (${what})`, candidate.ed25519Verify(k, m, s), reference.ed25519Verify(k, m, s), [k, m, s]);
  }

  // P-256: node:crypto signatures in DER and raw form and their corruptions.
  for (let i = 0; i < signatures && !mismatch; i++) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x!, 'base64url');
    const y = Buffer.from(jwk.y!, 'base64url');
    const uncompressed = Uint8Array.from([4, ...x, ...y]);
    const compressed = Uint8Array.from([2 | (y[31]! & 1), ...x]);
    const msg = randomBytes(randomInt(0, 200));
    const der = new Uint8Array(sign('sha256', msg, { key: privateKey, dsaEncoding: 'der' }));
    const raw = new Uint8Array(sign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
    const r = raw.subarray(0, 32);
    const s = bytesToBigIntLE(Uint8Array.from(raw.subarray(32)).reverse());
    const pk = i % 2 === 0 ? uncompressed : compressed;
    const cases: Array<[string, Uint8Array, Uint8Array, Uint8Array, 'der' | 'raw']> = [
      ['valid DER', pk, msg, der, 'der'],
      ['valid raw', pk, msg, raw, 'raw'],
      ['other S (n - s)', pk, msg, Uint8Array.from([...r, ...be32(P256_N - s)]), 'raw'],
      ['DER bit flipped', pk, msg, flipRandomBit(der), 'der'],
      ['raw bit flipped', pk, msg, flipRandomBit(raw), 'raw'],
      ['message bit flipped', pk, flipRandomBit(msg), der, 'der'],
      ['key bit flipped', flipRandomBit(pk), msg, raw, 'raw'],
      ['s = 0', pk, msg, Uint8Array.from([...r, ...be32(0n)]), 'raw'],
      ['s = n', pk, msg, Uint8Array.from([...r, ...be32(P256_N)]), 'raw'],
      ['r = n + 1', pk, msg, Uint8Array.from([...be32(P256_N + 1n), ...raw.subarray(32)]), 'raw'],
      ['DER truncated', pk, msg, der.subarray(0, der.length - 1), 'der'],
      ['DER with trailing byte', pk, msg, Uint8Array.from([...der, 0]), 'der'],
      ['raw given as DER', pk, msg, raw, 'der'],
    ];
    for (const [what, k, m, sg, enc] of cases) {
      same(`p256Verify (${what})`, candidate.p256Verify(k, m, sg, enc), reference.p256Verify(k, m, sg, enc), [k, m, sg, enc]);
    }
  }

  // zkimg-1: valid proofs of random sizes and noise, and each tampering of the protocol page.
  for (let i = 0; i < Math.max(2, signatures >> 1) && !mismatch; i++) {
    const n = 8 * randomInt(96, 1024);
    let r = Math.floor(n / 256);
    if (r % 2 === 0) r -= 1;
    const proof = buildZkimgProof(randomInt(1 << 30), n, randomInt(0, 256 * r));
    const variants: Array<[string, ZkimgInput]> = [
      ['valid', proof],
      ['errors bit flipped', { ...proof, errors: flipRandomBit(proof.errors) }],
      ['R bit flipped', { ...proof, R: flipRandomBit(proof.R) }],
      ['s bit flipped', { ...proof, s: flipRandomBit(proof.s) }],
      ['Y bit flipped', { ...proof, Y: flipRandomBit(proof.Y) }],
      ['other user', { ...proof, username: proof.username + 'x' }],
      ['other challenge', { ...proof, challengeId: proof.challengeId.replace(/.$/, 'f') }],
      ['n off by 8', { ...proof, n: proof.n + 8 }],
      ['r + 2', { ...proof, r: proof.r + 2 }],
      ['errors short', { ...proof, errors: proof.errors.subarray(1) }],
      ['s + L', { ...proof, s: bigIntToBytesLE(bytesToBigIntLE(proof.s) + ED25519_L, 32) }],
      // Several faults at once: both cores must report the first in the ABI's order of checks.
      ['s + L and non-canonical R', { ...proof, R: NON_CANONICAL_POINT, s: bigIntToBytesLE(bytesToBigIntLE(proof.s) + ED25519_L, 32) }],
      ['padding bit and s + L', { ...proof, errors: withPaddingBit(proof.errors), s: bigIntToBytesLE(bytesToBigIntLE(proof.s) + ED25519_L, 32) }],
      ['non-canonical Y', { ...proof, Y: NON_CANONICAL_POINT }],
    ];
    for (const [what, input] of variants) same(`zkimgVerify (${what})`, candidate.zkimgVerify(input), reference.zkimgVerify(input), [input.n, input.r]);
  }
  return mismatch;
}
