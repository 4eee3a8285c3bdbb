/**
 * Authentication method references (OpenID Connect Core §2 `amr`, values from the RFC 8176
 * registry), one list per way a person proves who they are, so that a relying party can tell the
 * login methods apart. The reasoning is in docs/login-flows.md ("Authentication methods"):
 * - zkimg-1 (docs/zkimg-1.md): `pin` for the PIN or pattern that becomes `cipherKey`, `swk` for
 *   the Schnorr proof of possession of a key that exists in software only when the image unlocks
 *   it, `mfa` because both are needed. Not `face`: the image may be any picture, and no biometric
 *   matcher runs;
 * - a passkey: `hwk`, proof of possession of a key held by a WebAuthn authenticator; with the
 *   user-verified flag (WebAuthn §6.1, UV) the authenticator also checked a PIN or biometric:
 *   `user` and `mfa`.
 * A session stepped up by a second method carries the union and `mfa` (sessions.ts `reauthenticate`).
 */
export type Amr = readonly string[];

export const ZKIMG_AMR: Amr = ['pin', 'swk', 'mfa'];

export function passkeyAmr(userVerified: boolean): Amr {
  return userVerified ? ['hwk', 'user', 'mfa'] : ['hwk'];
}

/** For a session recorded before `amr` was kept: what its method alone says. */
export function amrOfMethod(method: string): string[] {
  if (method === 'zkimg') return [...ZKIMG_AMR];
  if (method === 'passkey') return ['hwk'];
  return [];
}
