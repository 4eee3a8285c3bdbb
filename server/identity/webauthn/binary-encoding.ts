/**
 * Binary values of WebAuthn JSON: WebAuthn L3 §5.1 ("Base64URLString") encodes them as unpadded
 * base64url, which is what the ceremonies take and emit. An API whose bodies also allow standard
 * base64 (RFC 4648 §4, with or without padding) converts at its edge with `decodeBinary`, which
 * reads both.
 *
 * Node's base64 decoder silently skips characters outside the alphabet, so the shape is checked
 * first: a value that is neither encoding is refused instead of being decoded into other bytes.
 */
const BASE64_ANY = /^[A-Za-z0-9+/_-]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The bytes of a base64 or base64url string, or null when it is neither. */
export function decodeBinary(value: string): Uint8Array | null {
  if (!BASE64_ANY.test(value)) return null;
  const data = value.replace(/=+$/, '');
  // A single leftover character carries 6 bits, never a whole byte: not a valid encoding.
  if (data.length % 4 === 1) return null;
  if (value.length !== data.length && value.length % 4 !== 0) return null;
  return new Uint8Array(Buffer.from(data, 'base64'));
}

/** The bytes of an unpadded base64url string (WebAuthn L3 JSON), or null when it is not one. */
export function decodeBase64url(value: string): Uint8Array | null {
  return BASE64URL.test(value) ? decodeBinary(value) : null;
}

export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
