/**
 * Binary values of WebAuthn JSON (paths.md, Passkeys): accepted in base64 (RFC 4648 §4, with or
 * without padding) and base64url (§5), emitted as unpadded base64url, the encoding WebAuthn L3's
 * `toJSON()` uses (§5.1, "Base64URLString").
 *
 * Node's base64 decoder silently skips characters outside the alphabet, so the shape is checked
 * first: a value that is neither encoding is refused instead of being decoded into other bytes.
 */
import { validationError } from '../../http/errors.ts';

const BASE64_ANY = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** The bytes of a base64 or base64url string, or null when it is neither. */
export function decodeBinary(value: string): Uint8Array | null {
  if (!BASE64_ANY.test(value)) return null;
  const data = value.replace(/=+$/, '');
  // A single leftover character carries 6 bits, never a whole byte: not a valid encoding.
  if (data.length % 4 === 1) return null;
  if (value.length !== data.length && value.length % 4 !== 0) return null;
  return new Uint8Array(Buffer.from(data, 'base64'));
}

export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

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
