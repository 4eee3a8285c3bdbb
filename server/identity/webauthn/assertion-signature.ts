/**
 * The assertion signature (WebAuthn Level 2 §7.2 steps 19-20): the credential key signs
 * `authenticatorData || SHA-256(clientDataJSON)`. Checked through the gateway's crypto core
 * (docs/architecture.md, Crypto core: every WebAuthn assertion goes through the CryptoCore interface):
 * - ES256 (COSE -7, EC2 on P-256, RFC 9053 §2.1): `p256Verify` with the key as SEC1 uncompressed
 *   `04 || x || y` and the signature DER-encoded, as authenticators send it (§6.5.6); high-S is
 *   accepted, since authenticators do not normalise S.
 * - EdDSA (COSE -8, OKP on Ed25519, RFC 9053 §2.2): strict RFC 8032 `ed25519Verify`.
 * - RS256 (COSE -257, RSASSA-PKCS1-v1_5 with SHA-256): outside the core's primitives, so through
 *   @simplewebauthn's verifier on node:crypto (docs/architecture.md names RSA as a library's job).
 * Any other key is refused; registration only accepts these three algorithms.
 */
import { cose, decodeCredentialPublicKey, verifySignature } from '@simplewebauthn/server/helpers';
import type { CryptoCore } from '../../../core-wasm/js/index.ts';

/** The algorithms the gateway registers and verifies (COSE ids), in order of preference. */
export const SUPPORTED_COSE_ALGS = [cose.COSEALG.EdDSA, cose.COSEALG.ES256, cose.COSEALG.RS256];

export type CredentialKey =
  | { alg: -7; kind: 'p256'; sec1: Uint8Array }
  | { alg: -8; kind: 'ed25519'; publicKey: Uint8Array }
  | { alg: -257; kind: 'rsa'; cose: Uint8Array };

/** The verification key of a COSE_Key, or null when it is not one of the supported kinds. */
export function credentialKeyOf(coseKey: Uint8Array): CredentialKey | null {
  let key: cose.COSEPublicKey;
  try {
    key = decodeCredentialPublicKey(new Uint8Array(coseKey));
  } catch {
    return null;
  }
  const alg = key.get(cose.COSEKEYS.alg);
  if (alg === cose.COSEALG.ES256 && cose.isCOSEPublicKeyEC2(key)) {
    const x = key.get(cose.COSEKEYS.x);
    const y = key.get(cose.COSEKEYS.y);
    if (key.get(cose.COSEKEYS.crv) !== cose.COSECRV.P256 || x?.length !== 32 || y?.length !== 32) return null;
    const sec1 = new Uint8Array(65);
    sec1[0] = 0x04;
    sec1.set(x, 1);
    sec1.set(y, 33);
    return { alg: -7, kind: 'p256', sec1 };
  }
  if (alg === cose.COSEALG.EdDSA && cose.isCOSEPublicKeyOKP(key)) {
    const x = key.get(cose.COSEKEYS.x);
    if (key.get(cose.COSEKEYS.crv) !== cose.COSECRV.ED25519 || x?.length !== 32) return null;
    return { alg: -8, kind: 'ed25519', publicKey: new Uint8Array(x) };
  }
  if (alg === cose.COSEALG.RS256 && cose.isCOSEPublicKeyRSA(key)) return { alg: -257, kind: 'rsa', cose: new Uint8Array(coseKey) };
  return null;
}

/** §7.2 steps 19-20: `authData || hash` where hash is SHA-256 of the exact clientDataJSON bytes. */
export function signedData(core: CryptoCore, authenticatorData: Uint8Array, clientDataJSON: Uint8Array): Uint8Array {
  const hash = core.sha256(clientDataJSON);
  const data = new Uint8Array(authenticatorData.length + hash.length);
  data.set(authenticatorData, 0);
  data.set(hash, authenticatorData.length);
  return data;
}

export async function verifyAssertionSignature(
  core: CryptoCore,
  key: CredentialKey,
  input: { authenticatorData: Uint8Array; clientDataJSON: Uint8Array; signature: Uint8Array },
): Promise<boolean> {
  const data = signedData(core, input.authenticatorData, input.clientDataJSON);
  switch (key.kind) {
    case 'p256':
      return core.p256Verify(key.sec1, data, input.signature, 'der');
    case 'ed25519':
      return core.ed25519Verify(key.publicKey, data, input.signature);
    case 'rsa':
      try {
        return await verifySignature({ signature: new Uint8Array(input.signature), data: new Uint8Array(data), credentialPublicKey: new Uint8Array(key.cose) });
      } catch {
        return false;
      }
  }
}
