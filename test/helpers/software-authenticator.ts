/**
 * A software WebAuthn authenticator for tests (WebAuthn L3 §6): it makes credentials and
 * assertions as a platform authenticator and its browser would, and lets a test bend any part
 * (origin, RP ID, client data type, challenge, flags, counter) to play an attacker.
 *
 * - Keys: ES256 (P-256, COSE -7) by default, EdDSA (Ed25519, COSE -8), or RS256 (RSA 2048,
 *   PKCS #1 v1.5, COSE -257, as Windows Hello makes), from node:crypto.
 * - Attestation: `packed` self-attestation (§8.2: `alg` and `sig` over authData || clientDataHash
 *   with the credential key, no x5c) or `none` (§8.7).
 * - A signature counter per credential, incremented by `counterStep` (default 1) on each
 *   assertion; 0 keeps a counter-less authenticator.
 * - CBOR from @levischuck/tiny-cbor with `Map`s (docs/architecture.md, Toolchain notes: @simplewebauthn
 *   refuses maps encoded as plain objects).
 * Outputs are `RegistrationResponseJSON` / `AuthenticationResponseJSON` (§5.1) in base64url.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';

export type CredentialAlg = 'ES256' | 'EdDSA' | 'RS256';

export interface RegistrationJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; attestationObject: string; transports: string[] };
  authenticatorAttachment: 'platform';
  clientExtensionResults: Record<string, unknown>;
}

export interface AuthenticationJSON {
  id: string;
  rawId: string;
  type: 'public-key';
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string };
  authenticatorAttachment: 'platform';
  clientExtensionResults: Record<string, unknown>;
}

export interface StoredCredential {
  id: Uint8Array;
  alg: CredentialAlg;
  privateKey: KeyObject;
  /** The COSE_Key of the public key. */
  cosePublicKey: Uint8Array;
  rpId: string;
  userHandle: Uint8Array;
  signCount: number;
}

/** What the "browser" and the authenticator put in, each overridable by a test. */
export interface CeremonyOverrides {
  origin: string;
  /** RP ID hashed into authenticatorData (default: the options' RP ID). */
  rpId?: string;
  /** Client data `type` (default `webauthn.create` / `webauthn.get`). */
  type?: string;
  /** Client data `challenge` (default: the options' challenge). */
  challenge?: string;
  /** User verified (UV flag); default true. */
  userVerified?: boolean;
  /** User present (UP flag); default true. */
  userPresent?: boolean;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

const COSE_ALG: Record<CredentialAlg, number> = { ES256: -7, EdDSA: -8, RS256: -257 };

/** RFC 9053 §7.1 (EC2), §7.2 (OKP) and RFC 8230 §4 (RSA) COSE_Key of a node:crypto public key. */
function cosePublicKeyOf(alg: CredentialAlg, publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const bytes = (v: string | undefined) => new Uint8Array(Buffer.from(v as string, 'base64url'));
  const key = new Map<number, CBORType>();
  if (alg === 'RS256') {
    key.set(1, 3); // kty: RSA
    key.set(3, -257); // alg: RS256
    key.set(-1, bytes(jwk.n));
    key.set(-2, bytes(jwk.e));
    return encodeCBOR(key);
  }
  const x = bytes(jwk.x);
  if (alg === 'ES256') {
    key.set(1, 2); // kty: EC2
    key.set(3, -7); // alg: ES256
    key.set(-1, 1); // crv: P-256
    key.set(-2, x);
    key.set(-3, new Uint8Array(Buffer.from(jwk.y as string, 'base64url')));
  } else {
    key.set(1, 1); // kty: OKP
    key.set(3, -8); // alg: EdDSA
    key.set(-1, 6); // crv: Ed25519
    key.set(-2, x);
  }
  return encodeCBOR(key);
}

/** ES256 signatures DER-encoded (§6.5.6), Ed25519 raw, RS256 PKCS #1 v1.5. */
function signWith(alg: CredentialAlg, key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(alg === 'EdDSA' ? sign(null, data, key) : sign('sha256', data, key));
}

function generateKeys(alg: CredentialAlg): { privateKey: KeyObject; publicKey: KeyObject } {
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export class SoftwareAuthenticator {
  /** The authenticator model; all zeros is what `none` attestation conveys. */
  readonly aaguid: Uint8Array;
  readonly credentials = new Map<string, StoredCredential>();

  constructor(readonly options: { alg?: CredentialAlg; attestation?: 'packed' | 'none'; counterStep?: number; aaguid?: Uint8Array } = {}) {
    this.aaguid = options.aaguid ?? new Uint8Array(randomBytes(16));
  }

  private clientData(type: string, challenge: string, origin: string): Uint8Array {
    return new Uint8Array(Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8'));
  }

  private flags(o: CeremonyOverrides): number {
    // A synced passkey: backup eligible and backed up (§6.1, BE/BS).
    return (o.userPresent === false ? 0 : FLAG_UP) | (o.userVerified === false ? 0 : FLAG_UV) | FLAG_BE | FLAG_BS;
  }

  /** navigator.credentials.create(): a new credential for `options` (PublicKeyCredentialCreationOptionsJSON). */
  register(
    options: { challenge: string; rp: { id?: string }; user: { id: string } },
    o: CeremonyOverrides & { alg?: CredentialAlg; credentialId?: string },
  ): RegistrationJSON {
    const alg = o.alg ?? this.options.alg ?? 'ES256';
    const { privateKey, publicKey } = generateKeys(alg);
    // A chosen credential id plays a malicious authenticator claiming someone else's credential.
    const id = o.credentialId !== undefined ? new Uint8Array(Buffer.from(o.credentialId, 'base64url')) : new Uint8Array(randomBytes(32));
    const rpId = options.rp.id ?? new URL(o.origin).hostname;
    const cosePublicKey = cosePublicKeyOf(alg, publicKey);
    const credential: StoredCredential = { id, alg, privateKey, cosePublicKey, rpId, userHandle: new Uint8Array(Buffer.from(options.user.id, 'base64url')), signCount: 0 };
    this.credentials.set(b64u(id), credential);

    const clientDataJSON = this.clientData(o.type ?? 'webauthn.create', o.challenge ?? options.challenge, o.origin);
    // §6.5.1 attested credential data: aaguid (16) || credentialIdLength (2) || credentialId || COSE key.
    const idLength = new Uint8Array([id.length >> 8, id.length & 0xff]);
    const attested = concat(this.aaguid, idLength, id, cosePublicKey);
    const authData = concat(sha256(new TextEncoder().encode(o.rpId ?? rpId)), new Uint8Array([this.flags(o) | FLAG_AT]), u32be(0), attested);
    const format = this.options.attestation ?? 'packed';
    const attStmt = new Map<string, CBORType>();
    if (format === 'packed') {
      attStmt.set('alg', COSE_ALG[alg]);
      attStmt.set('sig', signWith(alg, privateKey, concat(authData, sha256(clientDataJSON))));
    }
    const attestationObject = encodeCBOR(new Map<string, CBORType>([['fmt', format], ['attStmt', attStmt], ['authData', authData]]));
    return {
      id: b64u(id),
      rawId: b64u(id),
      type: 'public-key',
      response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attestationObject), transports: ['internal'] },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  /**
   * navigator.credentials.get(): an assertion for `options` (PublicKeyCredentialRequestOptionsJSON)
   * with the first allowed credential this authenticator holds, or `credentialId`.
   */
  login(
    options: { challenge: string; rpId?: string; allowCredentials?: { id: string }[] },
    o: CeremonyOverrides & { credentialId?: string; signCount?: number; withUserHandle?: boolean },
  ): AuthenticationJSON {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const id = o.credentialId ?? (allowed.length > 0 ? allowed.find((a) => this.credentials.has(a)) : [...this.credentials.keys()][0]);
    const credential = id === undefined ? undefined : this.credentials.get(id);
    if (credential === undefined) throw new Error('the software authenticator holds no matching credential');
    credential.signCount = o.signCount ?? credential.signCount + (this.options.counterStep ?? 1);
    const rpId = o.rpId ?? options.rpId ?? credential.rpId;
    const clientDataJSON = this.clientData(o.type ?? 'webauthn.get', o.challenge ?? options.challenge, o.origin);
    const authData = concat(sha256(new TextEncoder().encode(rpId)), new Uint8Array([this.flags(o)]), u32be(credential.signCount));
    const signature = signWith(credential.alg, credential.privateKey, concat(authData, sha256(clientDataJSON)));
    return {
      id: b64u(credential.id),
      rawId: b64u(credential.id),
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        // Discoverable credentials return the user handle (§6.3.3); default on.
        ...(o.withUserHandle === false ? {} : { userHandle: b64u(credential.userHandle) }),
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }
}
