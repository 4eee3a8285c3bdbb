/**
 * The Vault's edge for passkey bodies: the two body forms of its verify operations (specs/secrets-vault.yaml),
 * made into the WebAuthn L3 JSON the ceremonies take (identity/webauthn/): the flat form
 * (`client_data_json`, `attestation_object` ...) and WebAuthn L3's `RegistrationResponseJSON` /
 * `AuthenticationResponseJSON` (§5.1, `PublicKeyCredential.toJSON()`). Every binary value may come
 * in base64 or base64url and leaves here as unpadded base64url (L3 §5.1 "Base64URLString");
 * a value that is neither is a 422 naming its field. `id` and `rawId` must name the same bytes
 * (§5.1: `id` is `rawId` base64url-encoded).
 */
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { validationError } from '../../http/errors.ts';
import { decodeBinary, toBase64url } from '../webauthn/binary-encoding.ts';

/**
 * `value` re-encoded as unpadded base64url; a 422 naming `path` when it is not base64 or
 * base64url (the location is the request body, as the API's validation errors report it).
 */
export function canonicalBase64url(value: string, path: (string | number)[]): string {
  const bytes = decodeBinary(value);
  if (bytes === null) {
    throw validationError([{ location: 'body', path, message: 'must be base64url (or base64)', type: 'value_error' }]);
  }
  return toBase64url(bytes);
}

type Schemas = components['schemas'];
export type RegistrationBody = Schemas['VerifyRegistrationRequest'] | Schemas['RegistrationResponseJSON'];
export type AuthenticationBody = Schemas['VerifyAuthRequest'] | Schemas['AuthenticationResponseJSON'];

export interface NormalisedRegistration {
  response: RegistrationResponseJSON;
  /** The passkey's display name, when the body gave one. */
  name: string | null;
}

export interface NormalisedAuthentication {
  response: AuthenticationResponseJSON;
  /** Raw bytes for the signature step. */
  clientDataJSON: Uint8Array;
  authenticatorData: Uint8Array;
  signature: Uint8Array;
  /** Who the caller says it is (both optional in the standard form). */
  username: string | null;
  tenantId: string | null;
}

const isStandard = <S extends object, F extends object>(body: S | F): body is S => 'response' in body;

function credentialId(id: string, rawId: string, rawIdPath: string): string {
  const a = canonicalBase64url(id, ['id']);
  const b = canonicalBase64url(rawId, [rawIdPath]);
  if (a !== b) throw validationError([{ location: 'body', path: [rawIdPath], message: 'must encode the same bytes as id', type: 'value_error' }]);
  return a;
}

function checkType(type: string): void {
  // §5.1: a PublicKeyCredential's type is always "public-key".
  if (type !== 'public-key') throw validationError([{ location: 'body', path: ['type'], message: 'must be "public-key"', type: 'value_error' }]);
}

function bytes(value: string, path: (string | number)[]): Uint8Array {
  return decodeBinary(canonicalBase64url(value, path)) as Uint8Array;
}

export function normaliseRegistration(body: RegistrationBody): NormalisedRegistration {
  if (isStandard<Schemas['RegistrationResponseJSON'], Schemas['VerifyRegistrationRequest']>(body)) {
    checkType(body.type);
    const id = credentialId(body.id, body.rawId, 'rawId');
    return {
      response: {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: canonicalBase64url(body.response.clientDataJSON, ['response', 'clientDataJSON']),
          attestationObject: canonicalBase64url(body.response.attestationObject, ['response', 'attestationObject']),
          transports: (body.response.transports ?? []),
        },
        ...(body.authenticatorAttachment != null ? { authenticatorAttachment: body.authenticatorAttachment } : {}),
        clientExtensionResults: body.clientExtensionResults ?? {},
      },
      name: body.name ?? null,
    };
  }
  const id = credentialId(body.id, body.raw_id, 'raw_id');
  return {
    response: {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: canonicalBase64url(body.client_data_json, ['client_data_json']),
        attestationObject: canonicalBase64url(body.attestation_object, ['attestation_object']),
        transports: (body.transports ?? []),
      },
      ...(body.authenticator_attachment != null ? { authenticatorAttachment: body.authenticator_attachment } : {}),
      clientExtensionResults: {},
    },
    name: body.name ?? null,
  };
}

export function normaliseAuthentication(body: AuthenticationBody): NormalisedAuthentication {
  const standard = isStandard<Schemas['AuthenticationResponseJSON'], Schemas['VerifyAuthRequest']>(body);
  const fields = standard
    ? {
        id: credentialId(body.id, body.rawId, 'rawId'),
        clientDataJSON: [body.response.clientDataJSON, ['response', 'clientDataJSON']] as const,
        authenticatorData: [body.response.authenticatorData, ['response', 'authenticatorData']] as const,
        signature: [body.response.signature, ['response', 'signature']] as const,
        userHandle: [body.response.userHandle ?? null, ['response', 'userHandle']] as const,
        attachment: body.authenticatorAttachment ?? null,
        username: body.username ?? null,
        tenantId: body.tenant_id ?? null,
      }
    : {
        id: credentialId(body.id, body.raw_id, 'raw_id'),
        clientDataJSON: [body.client_data_json, ['client_data_json']] as const,
        authenticatorData: [body.authenticator_data, ['authenticator_data']] as const,
        signature: [body.signature, ['signature']] as const,
        userHandle: [body.user_handle ?? null, ['user_handle']] as const,
        attachment: body.authenticator_attachment ?? null,
        username: body.username,
        tenantId: body.tenant_id,
      };
  if (standard) checkType(body.type);
  const clientDataJSON = bytes(fields.clientDataJSON[0], [...fields.clientDataJSON[1]]);
  const authenticatorData = bytes(fields.authenticatorData[0], [...fields.authenticatorData[1]]);
  const signature = bytes(fields.signature[0], [...fields.signature[1]]);
  const userHandle = fields.userHandle[0] === null || fields.userHandle[0] === '' ? null : canonicalBase64url(fields.userHandle[0], [...fields.userHandle[1]]);
  const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  return {
    response: {
      id: fields.id,
      rawId: fields.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authenticatorData),
        signature: b64u(signature),
        ...(userHandle !== null ? { userHandle } : {}),
      },
      ...(fields.attachment !== null ? { authenticatorAttachment: fields.attachment } : {}),
      clientExtensionResults: {},
    },
    clientDataJSON,
    authenticatorData,
    signature,
    username: fields.username,
    tenantId: fields.tenantId,
  };
}
