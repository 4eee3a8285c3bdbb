// Every Wycheproof vector for Ed25519 and ECDSA P-256 / SHA-256 (DER and raw r||s), on both cores
// (the files are in test/vectors/wycheproof/; a missing one fails). "valid" must verify and "invalid" must not; for "acceptable" (legal but
// discouraged inputs) both cores must give the same answer, which the test records.
import test from 'ava';
import type { CryptoCore } from '../../core-wasm/js/index.ts';
import { coresWith } from './_cores.ts';
import { wycheproofGroups } from './_vectors.ts';

interface Vector {
  tcId: number;
  comment: string;
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface Group {
  publicKey: { pk?: string; uncompressed?: string };
  tests: Vector[];
}

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

type Verify = (core: CryptoCore, pk: Uint8Array, msg: Uint8Array, sig: Uint8Array) => boolean;

async function runFile(t: import('ava').ExecutionContext, file: string, primitive: string, keyOf: (g: Group) => string, verify: Verify): Promise<void> {
  const groups = wycheproofGroups<Group>(t, file);
  const cores = await coresWith(t, primitive);
  let count = 0;
  const acceptable: string[] = [];
  for (const group of groups) {
    const pk = hex(keyOf(group));
    for (const v of group.tests) {
      const answers = cores.map((core) => verify(core, pk, hex(v.msg), hex(v.sig)));
      for (const [i, core] of cores.entries()) {
        const what = `${file} tcId ${v.tcId} (${v.comment}) on the ${core.name} core`;
        if (v.result === 'acceptable') t.is(answers[i], answers[0], `${what}: cores disagree`);
        else t.is(answers[i], v.result === 'valid', what);
      }
      if (v.result === 'acceptable') acceptable.push(`${v.tcId}:${answers[0] ? 'accepted' : 'refused'}`);
      count++;
    }
  }
  t.log(`${file}: ${count} vectors on ${cores.map((c) => c.name).join(' and ')}; acceptable ones: ${acceptable.join(', ') || 'none'}`);
}

test('Wycheproof Ed25519 (strict RFC 8032) on both cores', async (t) => {
  await runFile(t, 'ed25519_test.json', 'ed25519Verify', (g) => g.publicKey.pk!, (core, pk, msg, sig) => core.ed25519Verify(pk, msg, sig));
});

test('Wycheproof ECDSA P-256 SHA-256 DER on both cores', async (t) => {
  await runFile(t, 'ecdsa_secp256r1_sha256_test.json', 'p256Verify', (g) => g.publicKey.uncompressed!, (core, pk, msg, sig) => core.p256Verify(pk, msg, sig, 'der'));
});

test('Wycheproof ECDSA P-256 SHA-256 raw r||s on both cores', async (t) => {
  await runFile(t, 'ecdsa_secp256r1_sha256_p1363_test.json', 'p256Verify', (g) => g.publicKey.uncompressed!, (core, pk, msg, sig) => core.p256Verify(pk, msg, sig, 'raw'));
});
