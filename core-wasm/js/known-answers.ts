// Known-answer tests a candidate core must pass before the holder switches to it. Each case has
// its expected result from a published source (FIPS 180-4 examples, RFC 8032 §7.1, RFC 6979
// A.2.5) or, for zkimg-1, from a proof built here with @noble (docs/zkimg-1.md, Proof).
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { CryptoCore, ZkimgInput, ZkimgResult } from './types.ts';
import { bigIntToBytesLE, bytesToBigIntLE, ED25519_L, zkimgChallengeScalar } from './zkimg-transcript.ts';
import { sha512 } from '@noble/hashes/sha2.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

// FIPS 180-4 example messages (NIST CSRC "Examples with Intermediate Values").
const SHA_CASES: Array<{ msg: Uint8Array; sha256: string; sha512: string }> = [
  {
    msg: ascii(''),
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    sha512: 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
  {
    msg: ascii('abc'),
    sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    sha512: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
  {
    msg: ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
    sha256: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    sha512: '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
  },
  {
    msg: ascii('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'),
    sha256: 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    sha512: '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
  },
  {
    msg: new Uint8Array(1_000_000).fill(0x61), // one million 'a'
    sha256: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    sha512: 'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b',
  },
];

// RFC 8032 §7.1, TEST 1, 2 and 3 (public key, message, signature).
export const RFC8032_CASES = [
  {
    pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    pk: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    msg: 'af82',
    sig: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

// RFC 6979 A.2.5: P-256 key, SHA-256 signatures of "sample" and "test".
export const RFC6979_P256 = {
  pk: '04' + '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6' + '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
  cases: [
    {
      msg: 'sample',
      r: 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
      s: 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
    },
    {
      msg: 'test',
      r: 'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367',
      s: '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083',
    },
  ],
};

/** DER encoding of an ECDSA signature (r, s) given as big-endian bytes. */
export function derSignature(r: Uint8Array, s: Uint8Array): Uint8Array {
  const int = (x: Uint8Array): number[] => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0) i++;
    const body = Array.from(x.subarray(i));
    if (body[0]! & 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const seq = [...int(r), ...int(s)];
  return Uint8Array.from([0x30, seq.length, ...seq]);
}

/** Builds a valid zkimg-1 proof (docs/zkimg-1.md, Proof) for a fixed key and an errors pattern. */
export function buildZkimgProof(seed: number, n: number, flips: number, username = 'alice'): ZkimgInput {
  let r = Math.floor(n / 256);
  if (r % 2 === 0) r -= 1;
  const m = 256 * r;
  const bytesOf = (label: string): Uint8Array => sha512(ascii(`zkimg-1 self-test ${label} ${seed}`));
  const x = bytesToBigIntLE(bytesOf('x')) % ED25519_L;
  const t = bytesToBigIntLE(bytesOf('t')) % ED25519_L;
  const Y = ed25519.Point.BASE.multiply(x).toBytes();
  const R = ed25519.Point.BASE.multiply(t).toBytes();
  const nonce = bytesOf('nonce').subarray(0, 32);
  const errors = new Uint8Array(n / 8);
  const positions = bytesOf('positions');
  for (let i = 0; i < flips; i++) {
    const pos = ((positions[i % 64]! << 8) | positions[(i * 7 + 3) % 64]!) * (i + 1) % m;
    errors[pos >>> 3] |= 0x80 >>> (pos & 7);
  }
  const challengeId = `00000000-0000-4000-8000-${String(seed).padStart(12, '0')}`;
  const h = zkimgChallengeScalar(R, Y, nonce, ascii(challengeId), ascii(username), errors);
  const s = bigIntToBytesLE((t + h * x) % ED25519_L, 32);
  return { Y, R, s, nonce, challengeId, username, errors, n, r };
}

function popcount(bytes: Uint8Array): number {
  let c = 0;
  for (const b of bytes) for (let v = b; v; v &= v - 1) c++;
  return c;
}

/**
 * Runs every known answer on `core`; returns a list of failures (empty when all pass).
 * Each expected value is fixed by its source, not by asking the reference core.
 */
export function runKnownAnswers(core: CryptoCore): string[] {
  const failures: string[] = [];
  const check = (what: string, ok: boolean): void => {
    if (!ok) failures.push(what);
  };

  for (const c of SHA_CASES) {
    check(`sha256 of ${c.msg.length} bytes`, bytesToHex(core.sha256(c.msg)) === c.sha256);
    check(`sha512 of ${c.msg.length} bytes`, bytesToHex(core.sha512(c.msg)) === c.sha512);
  }

  RFC8032_CASES.forEach((c, i) => {
    const pk = hexToBytes(c.pk);
    const msg = hexToBytes(c.msg);
    const sig = hexToBytes(c.sig);
    check(`ed25519 RFC 8032 TEST ${i + 1} accepted`, core.ed25519Verify(pk, msg, sig) === true);
    const bad = sig.slice();
    bad[63] ^= 0x01;
    check(`ed25519 RFC 8032 TEST ${i + 1} with a changed S refused`, core.ed25519Verify(pk, msg, bad) === false);
    const sPlusL = bigIntToBytesLE(bytesToBigIntLE(sig.subarray(32)) + ED25519_L, 32);
    check(`ed25519 RFC 8032 TEST ${i + 1} with S + L refused`, core.ed25519Verify(pk, msg, Uint8Array.from([...sig.subarray(0, 32), ...sPlusL])) === false);
  });

  const p256pk = hexToBytes(RFC6979_P256.pk);
  const compressed = p256.Point.fromBytes(p256pk).toBytes(true);
  for (const c of RFC6979_P256.cases) {
    const msg = ascii(c.msg);
    const r = hexToBytes(c.r);
    const s = hexToBytes(c.s);
    const raw = Uint8Array.from([...r, ...s]);
    check(`p256 RFC 6979 "${c.msg}" raw accepted`, core.p256Verify(p256pk, msg, raw, 'raw') === true);
    check(`p256 RFC 6979 "${c.msg}" DER accepted`, core.p256Verify(p256pk, msg, derSignature(r, s), 'der') === true);
    check(`p256 RFC 6979 "${c.msg}" compressed key accepted`, core.p256Verify(compressed, msg, raw, 'raw') === true);
    // n - s: the same signature with the other S, valid ECDSA (high/low S both accepted).
    const otherS = p256.Point.Fn.ORDER - BigInt('0x' + c.s);
    const flippedS = hexToBytes(otherS.toString(16).padStart(64, '0'));
    check(`p256 RFC 6979 "${c.msg}" with n - s accepted`, core.p256Verify(p256pk, msg, Uint8Array.from([...r, ...flippedS]), 'raw') === true);
    check(`p256 RFC 6979 "${c.msg}" other message refused`, core.p256Verify(p256pk, ascii(c.msg + '!'), raw, 'raw') === false);
    check(`p256 RFC 6979 "${c.msg}" raw given as DER refused`, core.p256Verify(p256pk, msg, raw, 'der') === false);
  }

  const ones = new Uint8Array(8).fill(0xff);
  const zeros = new Uint8Array(8);
  check('hamming 13 bits', core.hammingDistance(ones, zeros, 13) === 13);
  check('hamming 64 bits', core.hammingDistance(ones, zeros, 64) === 64);
  check('hamming MSB-first', core.hammingDistance(Uint8Array.of(0xf0), Uint8Array.of(0x0f), 4) === 4);
  check('hamming beyond buffer', core.hammingDistance(ones, zeros, 65) === -1);

  const proof = buildZkimgProof(1, 4096, 300);
  const expectEq = (what: string, got: ZkimgResult, ok: boolean, reason?: string): void =>
    check(`zkimg ${what} (got ${JSON.stringify(got)})`, got.ok === ok && got.reason === reason);
  const good = core.zkimgVerify(proof);
  expectEq('valid 4096-bit proof accepted', good, true);
  check('zkimg counts', good.errorBits === popcount(proof.errors) && good.countBits === 256 * 15);
  const tamperedErrors = proof.errors.slice();
  tamperedErrors[0] ^= 0x01;
  expectEq('tampered errors refused', core.zkimgVerify({ ...proof, errors: tamperedErrors }), false, 'equation-failed');
  const sL = bigIntToBytesLE(bytesToBigIntLE(proof.s) + ED25519_L, 32);
  expectEq('s + L refused', core.zkimgVerify({ ...proof, s: sL }), false, 's-not-below-L');
  expectEq('wrong r refused', core.zkimgVerify({ ...proof, r: 13 }), false, 'bad-parameters');
  const padded = proof.errors.slice();
  padded[padded.length - 1] = 1;
  expectEq('bits past m refused', core.zkimgVerify({ ...proof, errors: padded }), false, 'nonzero-padding-bits');
  const nonCanonical = proof.R.slice();
  nonCanonical.fill(0xff, 0, 31);
  nonCanonical[31] = 0x7f; // y = 2^255 - 1 >= p
  expectEq('non-canonical R refused', core.zkimgVerify({ ...proof, R: nonCanonical }), false, 'non-canonical-point');
  return failures;
}
