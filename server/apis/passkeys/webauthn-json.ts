/**
 * LoginID's WebAuthn bodies (seed 003 CreationResult, AuthenticatorAssertionResponse, the option
 * schemas) at the edge of the core's ceremonies, which speak WebAuthn L3 JSON (§5.1
 * `toJSON()`): byte fields in base64 or base64url in, unpadded base64url out, converted at this
 * edge. Options are cut down to the members the spec declares.
 */
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { components } from '../../../generated/passkeys/schema.ts';
import { validationError } from '../../http/errors.ts';
import { decodeBinary, toBase64url } from '../../identity/webauthn/binary-encoding.ts';

type S = components['schemas'];
const TRANSPORTS = new Set(['usb', 'nfc', 'ble', 'internal', 'hybrid', 'cable', 'smart-card']);
type Transport = NonNullable<S['PubKeyCredentialDescriptor']['transports']>[number];

function descriptors(list: { id: string; transports?: string[] }[] | undefined): S['PubKeyCredentialDescriptor'][] | undefined {
  return list?.map((c) => ({
    id: c.id,
    type: 'public-key' as const,
    ...(c.transports?.length ? { transports: c.transports.filter((t) => TRANSPORTS.has(t)) as Transport[] } : {}),
  }));
}

export function toCreationOptions(o: PublicKeyCredentialCreationOptionsJSON): S['PublicKeyCredentialCreationOptions'] {
  const sel = o.authenticatorSelection;
  const exclude = descriptors(o.excludeCredentials);
  return {
    rp: { name: o.rp.name, ...(o.rp.id ? { id: o.rp.id } : {}) },
    user: { id: o.user.id, name: o.user.name, displayName: o.user.displayName },
    challenge: o.challenge,
    pubKeyCredParams: o.pubKeyCredParams.map((p) => ({ alg: p.alg as S['PublicKeyCredentialParameters']['alg'], type: 'public-key' as const })),
    ...(o.timeout !== undefined ? { timeout: o.timeout } : {}),
    attestation: o.attestation ?? 'none',
    ...(sel
      ? {
          authenticatorSelection: {
            requireResidentKey: sel.requireResidentKey ?? false,
            ...(sel.residentKey ? { residentKey: sel.residentKey } : {}),
            ...(sel.userVerification ? { userVerification: sel.userVerification } : {}),
            ...(sel.authenticatorAttachment ? { authenticatorAttachment: sel.authenticatorAttachment } : {}),
          },
        }
      : {}),
    ...(exclude?.length ? { excludeCredentials: exclude } : {}),
  };
}

export function toRequestOptions(o: PublicKeyCredentialRequestOptionsJSON): S['PublicKeyCredentialRequestOptions'] {
  const allow = descriptors(o.allowCredentials);
  return {
    challenge: o.challenge,
    ...(o.rpId ? { rpId: o.rpId } : {}),
    ...(o.timeout !== undefined ? { timeout: o.timeout } : {}),
    ...(o.userVerification ? { userVerification: o.userVerification } : {}),
    ...(allow?.length ? { allowCredentials: allow } : {}),
  };
}

/** A byte field in base64 or base64url as unpadded base64url; a 400 naming the field otherwise. */
function b64u(value: string, path: string[]): string {
  const bytes = decodeBinary(value);
  if (bytes === null) throw validationError([{ location: 'body', path, message: 'must be base64url (or base64)', type: 'value_error' }]);
  return toBase64url(bytes);
}

export function registrationOf(result: S['CreationResult']): RegistrationResponseJSON {
  const id = b64u(result.credentialId, ['creationResult', 'credentialId']);
  return {
    id,
    rawId: id,
    type: 'public-key',
    response: {
      clientDataJSON: b64u(result.clientDataJSON, ['creationResult', 'clientDataJSON']),
      attestationObject: b64u(result.attestationObject, ['creationResult', 'attestationObject']),
      transports: (result.transports ?? []).filter((t) => TRANSPORTS.has(t)) as AuthenticatorTransport[],
    },
    clientExtensionResults: {},
  };
}

export function assertionOf(a: { authenticatorData: string; clientDataJSON: string; credentialId: string; signature: string; userHandle?: string }, at: string): AuthenticationResponseJSON {
  const id = b64u(a.credentialId, [at, 'credentialId']);
  return {
    id,
    rawId: id,
    type: 'public-key',
    response: {
      clientDataJSON: b64u(a.clientDataJSON, [at, 'clientDataJSON']),
      authenticatorData: b64u(a.authenticatorData, [at, 'authenticatorData']),
      signature: b64u(a.signature, [at, 'signature']),
      ...(a.userHandle ? { userHandle: b64u(a.userHandle, [at, 'userHandle']) } : {}),
    },
    clientExtensionResults: {},
  };
}
