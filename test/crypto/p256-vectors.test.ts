// Known answers for P-256 verification on both cores, through the CryptoCore interface:
//   - RFC 6979 §A.2.5 (P-256, SHA-256): its published key and (r, s) for "sample" and "test",
//     in both signature encodings, both SEC1 key forms, and with s replaced by n - s (high-S is
//     valid ECDSA and must be accepted);
//   - every Wycheproof P-256 / SHA-256 vector (DER and raw) with the group's key re-encoded in
//     SEC1 compressed form: test/crypto/wycheproof.test.ts runs them with the uncompressed keys,
//     this adds the square-root decoding path of both cores.
import test from 'ava';
import { p256 } from '@noble/curves/nist.js';
import type { CryptoCore } from '../../core-wasm/js/index.ts';
import { coresWith } from './_cores.ts';
import { wycheproofGroups } from './_vectors.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const { n } = p256.Point.CURVE();

function toBytes32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

/** SEC1 §2.3.3 compressed form of an uncompressed key: 02/03 by the parity of y, then x. */
function compress(uncompressed: Uint8Array): Uint8Array {
  return Uint8Array.from([uncompressed[64]! & 1 ? 0x03 : 0x02, ...uncompressed.subarray(1, 33)]);
}

// DER Ecdsa-Sig-Value for r, s in [1, 2^256) (X.690 minimal INTEGERs).
function der(r: bigint, s: bigint): Uint8Array {
  const int = (x: bigint) => {
    const b = Array.from(toBytes32(x));
    while (b.length > 1 && b[0] === 0) b.shift();
    if (b[0]! & 0x80) b.unshift(0);
    return [0x02, b.length, ...b];
  };
  const body = [...int(r), ...int(s)];
  return Uint8Array.from([0x30, body.length, ...body]);
}

// RFC 6979 §A.2.5: public key U = xG of the P-256 example key, signatures with SHA-256.
const RFC6979_KEY = hex(
  '04' +
  '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6' +
  '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
);
const RFC6979_SIGS: Array<{ msg: string; r: bigint; s: bigint }> = [
  {
    msg: 'sample',
    r: 0xefd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716n,
    s: 0xf7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8n,
  },
  {
    msg: 'test',
    r: 0xf1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367n,
    s: 0x019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083n,
  },
];

test('RFC 6979 A.2.5 signatures verify in every encoding, key form and S half, on both cores', async (t) => {
  const cores = await coresWith(t, 'p256Verify');
  for (const core of cores) {
    for (const pk of [RFC6979_KEY, compress(RFC6979_KEY)]) {
      for (const { msg, r, s } of RFC6979_SIGS) {
        for (const sv of [s, n - s]) {
          const what = `${core.name}: "${msg}", ${pk.length}-byte key, s ${sv === s ? 'as published' : 'negated'}`;
          t.true(core.p256Verify(pk, utf8(msg), der(r, sv), 'der'), `${what}, DER`);
          t.true(core.p256Verify(pk, utf8(msg), Uint8Array.from([...toBytes32(r), ...toBytes32(sv)]), 'raw'), `${what}, raw`);
        }
        // The other message's digest must not verify, nor a raw signature passed as DER.
        const other = msg === 'sample' ? 'test' : 'sample';
        t.false(core.p256Verify(pk, utf8(other), der(r, s), 'der'), `${core.name}: "${other}" under the "${msg}" signature`);
        t.false(core.p256Verify(pk, utf8(msg), Uint8Array.from([...toBytes32(r), ...toBytes32(s)]), 'der'), `${core.name}: raw bytes as DER`);
      }
    }
  }
});


interface Group {
  publicKey: { uncompressed: string };
  tests: Array<{ tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }>;
}

async function runCompressed(t: import('ava').ExecutionContext, file: string, encoding: 'der' | 'raw'): Promise<void> {
  const groups = wycheproofGroups<Group>(t, file);
  const cores: CryptoCore[] = await coresWith(t, 'p256Verify');
  let count = 0;
  for (const g of groups) {
    const pk = compress(hex(g.publicKey.uncompressed));
    for (const v of g.tests) {
      const answers = cores.map((c) => c.p256Verify(pk, hex(v.msg), hex(v.sig), encoding));
      for (const [i, c] of cores.entries()) {
        const what = `${file} tcId ${v.tcId} (${v.comment}), compressed key, ${c.name} core`;
        if (v.result === 'acceptable') t.is(answers[i], answers[0], what);
        else t.is(answers[i], v.result === 'valid', what);
      }
      count++;
    }
  }
  t.log(`${file}: ${count} vectors with compressed keys on ${cores.map((c) => c.name).join(' and ')}`);
}

test('Wycheproof P-256 DER vectors with compressed keys', (t) => runCompressed(t, 'ecdsa_secp256r1_sha256_test.json', 'der'));
test('Wycheproof P-256 raw r||s vectors with compressed keys', (t) => runCompressed(t, 'ecdsa_secp256r1_sha256_p1363_test.json', 'raw'));
