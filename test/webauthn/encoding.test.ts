// The WebAuthn building blocks without a gateway: base64/base64url input rules and the COSE keys
// the assertion step accepts (wrong curves, lengths and algorithms are refused, not guessed).
import test from 'ava';
import { generateKeyPairSync, sign } from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';
import { decodeBinary } from '../../server/identity/webauthn/binary-encoding.ts';
import { credentialKeyOf, verifyAssertionSignature } from '../../server/identity/webauthn/assertion-signature.ts';
import { createReferenceCore } from '../../core-wasm/js/index.ts';

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'));

test('base64 and base64url, padded or not, decode to the same bytes; anything else is refused', (t) => {
  const bytes = Uint8Array.from([0xfb, 0xff, 0xbf, 0x01]);
  for (const form of ['-_-_AQ', '-_-_AQ==', '+/+/AQ==', '+/+/AQ', '+/-_AQ']) t.is(hex(decodeBinary(form)), hex(bytes), form);
  t.is(hex(decodeBinary('')), '');
  for (const bad of ['AQ=', 'A', 'AQ===', 'A*Q', 'AQ ==', '=AQ', 'AQ==AQ', 'AQ\n']) t.is(decodeBinary(bad), null, JSON.stringify(bad));
});

function coseKey(entries: [number, CBORType][]): Uint8Array {
  return encodeCBOR(new Map<number, CBORType>(entries));
}

test('COSE keys: P-256 ES256 and Ed25519 EdDSA are taken; other curves, lengths and algorithms are refused', (t) => {
  const x = new Uint8Array(32).fill(1);
  const y = new Uint8Array(32).fill(2);
  const es256 = credentialKeyOf(coseKey([[1, 2], [3, -7], [-1, 1], [-2, x], [-3, y]]));
  t.is(es256?.kind, 'p256');
  t.is(es256?.kind === 'p256' ? es256.sec1.length : 0, 65);
  t.is(credentialKeyOf(coseKey([[1, 1], [3, -8], [-1, 6], [-2, x]]))?.kind, 'ed25519');
  // P-384 under ES256, a short coordinate, Ed448, an unsupported algorithm, not CBOR at all.
  t.is(credentialKeyOf(coseKey([[1, 2], [3, -7], [-1, 2], [-2, x], [-3, y]])), null);
  t.is(credentialKeyOf(coseKey([[1, 2], [3, -7], [-1, 1], [-2, x.slice(1)], [-3, y]])), null);
  t.is(credentialKeyOf(coseKey([[1, 1], [3, -8], [-1, 7], [-2, x]])), null);
  t.is(credentialKeyOf(coseKey([[1, 2], [3, -35], [-1, 1], [-2, x], [-3, y]])), null);
  t.is(credentialKeyOf(Uint8Array.from([0xff, 0x00])), null);
});

test('the assertion signature covers authenticatorData || SHA-256(clientDataJSON), high-S included', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const key = credentialKeyOf(coseKey([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]))!;
  const core = createReferenceCore();
  const authenticatorData = new Uint8Array(37).fill(7);
  const clientDataJSON = new TextEncoder().encode('{"type":"webauthn.get"}');
  const data = Buffer.concat([authenticatorData, core.sha256(clientDataJSON)]);
  const der = new Uint8Array(sign('sha256', data, privateKey));
  t.true(await verifyAssertionSignature(core, key, { authenticatorData, clientDataJSON, signature: der }));
  // The same signature with S replaced by n - S (what some authenticators send) still verifies.
  t.true(await verifyAssertionSignature(core, key, { authenticatorData, clientDataJSON, signature: flipS(der) }));
  t.false(await verifyAssertionSignature(core, key, { authenticatorData, clientDataJSON: new TextEncoder().encode('{"type":"webauthn.get" }'), signature: der }));
});

const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** DER ECDSA signature (r, s) → (r, n - s), re-encoded. */
function flipS(der: Uint8Array): Uint8Array {
  const rLen = der[3]!;
  const r = der.slice(4, 4 + rLen);
  const sLen = der[5 + rLen]!;
  const s = BigInt(`0x${Buffer.from(der.slice(6 + rLen, 6 + rLen + sLen)).toString('hex')}`);
  const int = (v: bigint) => {
    let h = v.toString(16);
    if (h.length % 2) h = `0${h}`;
    const b = Buffer.from(h, 'hex');
    return b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
  };
  const sb = int(N - s);
  const body = Buffer.concat([Buffer.from([0x02, r.length]), r, Buffer.from([0x02, sb.length]), sb]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]));
}
