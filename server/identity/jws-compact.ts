/**
 * Strict parsing of a compact JWS (RFC 7515 §7.1) before anything else looks at it: three
 * base64url parts without padding, a JSON object header and payload. Done here rather than by a
 * library so that the signature can be checked by the crypto core on exactly the bytes signed.
 */
import { TokenError } from './token-error.ts';

/** Longer tokens are refused unparsed; our own tokens are well under 4 KiB. */
export const MAX_TOKEN_LENGTH = 16 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface ParsedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** ASCII bytes of `header.payload`, the JWS signing input. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

function decodeJsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('malformed', `${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TokenError('malformed', `${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function parseCompactJws(token: unknown): ParsedJws {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed', 'not a compact JWS');
  const parts = token.split('.');
  // The signature part may be empty (an `alg: none` token), so that the algorithm check, not the
  // parser, is what refuses such tokens; header and payload never are.
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part)) || parts[0] === '' || parts[1] === '') {
    throw new TokenError('malformed', 'not a compact JWS');
  }
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = decodeJsonObject(headerPart, 'header');
  // RFC 7515 §4.1.11: a recipient must reject a JWS whose `crit` lists extensions it does not
  // understand; we understand none (this also refuses the unencoded-payload option of RFC 7797).
  if ('crit' in header) throw new TokenError('malformed', 'critical header parameters are not supported');
  const payload = decodeJsonObject(payloadPart, 'payload');
  return {
    header,
    payload,
    signingInput: Buffer.from(`${headerPart}.${payloadPart}`, 'ascii'),
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}
