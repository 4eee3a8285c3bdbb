/**
 * PKCE (RFC 7636), S256 only.
 * - `code_challenge_method` must be `S256`; `plain` is refused (RFC 7636 §7.2: plain protects
 *   nothing once the authorization request leaks; OAuth 2.0 Security BCP, RFC 9700 §2.1.1).
 * - A challenge is BASE64URL(SHA-256(verifier)): exactly 43 base64url characters (§4.2).
 * - A verifier is 43 to 128 characters of [A-Z a-z 0-9 - . _ ~] (§4.1).
 * - The verifier is checked against the stored challenge in constant time (§4.6).
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../secrets/hash.ts';

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export const isValidCodeChallenge = (challenge: string): boolean => CHALLENGE.test(challenge);
export const isValidCodeVerifier = (verifier: string): boolean => VERIFIER.test(verifier);

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Whether `verifier` is well-formed and hashes to `challenge`. */
export function verifyPkce(verifier: string, challenge: string): boolean {
  return isValidCodeVerifier(verifier) && constantTimeEqual(s256Challenge(verifier), challenge);
}
