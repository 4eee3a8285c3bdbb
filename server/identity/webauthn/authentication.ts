/**
 * Passkey login (WebAuthn §7.2; step numbers as in Level 2), for any API of the gateway.
 *
 * Options: a login by username lists the user's credentials in `allowCredentials`; a
 * discoverable login (no username) lists none and lets the authenticator choose (§5.5). An unknown
 * username gets the same answer as a user without passkeys, bound to no user, so it can never
 * verify; the options do not reveal which usernames exist.
 *
 * Verification, in this order (each refusal names its reason for the audit log):
 * 1. the caller found the credential by the response's id in this tenant (§7.2 step 5,
 *    `findByCredentialId`; it needs the owner first for lockout and its own rules), and the user
 *    handle, when the authenticator returns one, is that credential's (step 6);
 * 2. the challenge in the client data is consumed: it must be this tenant's, unexpired, unused
 *    and, when the options named a user, made for the credential's owner (answers once, right or
 *    wrong);
 * 3. the signature counter must increase when either counter is non-zero (§6.1.1, step 21): a
 *    counter that does not is a possibly cloned authenticator, refused;
 * 4. the signature through the crypto core (assertion-signature.ts), an explicit step of its own;
 * 5. @simplewebauthn's `verifyAuthenticationResponse` for the rest of the ceremony: client data
 *    type `webauthn.get`, challenge, origin, no unexpected top origin, RP ID hash, UP, and UV when
 *    the challenge's policy requires it (steps 11-17). It checks the signature once more with
 *    node:crypto; both must accept;
 * 6. the new counter is stored with one update guarded on the counter read, so a concurrent
 *    assertion with the same counter loses (clone detection across gateway instances).
 */
import { generateAuthenticationOptions, verifyAuthenticationResponse, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import type { CryptoCore } from '../../../core-wasm/js/index.ts';
import type { PasskeyCredentialDoc, Store, UserDoc, WebauthnChallengeDoc } from '../../store/collections.ts';
import { decodeBinary } from './binary-encoding.ts';
import { consumeAuthenticationChallenge, OPTIONS_TIMEOUT_MS, storeChallenge } from './challenges.ts';
import { credentialKeyOf, verifyAssertionSignature } from './assertion-signature.ts';
import { listUserCredentials, recordAssertion } from './credentials.ts';
import { challengeOf, type UserVerification } from './registration.ts';
import type { RelyingParty } from './relying-party.ts';
import type { NormalisedAuthentication } from './response-json.ts';

export async function authenticationOptions(
  store: Store,
  input: { rp: RelyingParty; tenantId: string; byUsername: boolean; user: UserDoc | null; userVerification: UserVerification },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const credentials = input.user === null ? [] : await listUserCredentials(store, input.tenantId, input.user._id);
  const options = await generateAuthenticationOptions({
    rpID: input.rp.id,
    allowCredentials: credentials.map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: input.userVerification,
    timeout: OPTIONS_TIMEOUT_MS,
  });
  const challenge: Omit<WebauthnChallengeDoc, 'createdAt' | 'expiresAt' | 'usedAt'> = {
    _id: options.challenge,
    tenantId: input.tenantId,
    purpose: 'authentication',
    userId: input.user?._id ?? null,
    byUsername: input.byUsername,
    allowCredentialIds: credentials.map((c) => c.credentialId),
    userVerification: input.userVerification,
  };
  await storeChallenge(store, challenge);
  return options;
}

export type AssertionFailure =
  | 'unknown_credential'
  | 'user_handle_mismatch'
  | 'stale_challenge'
  | 'malformed_authenticator_data'
  | 'sign_count'
  | 'unsupported_key'
  | 'signature'
  | 'ceremony'
  | 'concurrent_use';

export type AssertionResult =
  | { ok: true; credential: PasskeyCredentialDoc; userVerified: boolean; signCount: number }
  | { ok: false; reason: AssertionFailure; detail: string; credential: PasskeyCredentialDoc | null; signCount?: number };

export async function verifyAssertion(
  deps: { store: Store; core: CryptoCore },
  input: { rp: RelyingParty; tenantId: string; credential: PasskeyCredentialDoc | null; ip: string | null; userAgent: string | null },
  body: NormalisedAuthentication,
): Promise<AssertionResult> {
  const { store } = deps;
  // 1. The credential, and the user handle it was created for.
  const { credential } = input;
  if (credential === null || credential.tenantId !== input.tenantId || credential.credentialId !== body.response.id) {
    return { ok: false, reason: 'unknown_credential', detail: 'Unknown passkey', credential: null };
  }
  const fail = (reason: AssertionFailure, detail: string, extra: { signCount?: number } = {}): AssertionResult => ({ ok: false, reason, detail, credential, ...extra });
  const userHandle = body.response.response.userHandle;
  if (userHandle !== undefined && userHandle !== credential.userHandle) return fail('user_handle_mismatch', 'The user handle is not this passkey\'s');

  // 2. The challenge answers once.
  const challenge = await consumeAuthenticationChallenge(store, {
    challenge: challengeOf(body.response.response.clientDataJSON),
    tenantId: input.tenantId,
    userId: credential.userId,
  });
  if (challenge === null) return fail('stale_challenge', 'Unknown, expired or already used challenge');
  // §7.2 step 6: a login that named no user learns it from the user handle, which must be there.
  if (!challenge.byUsername && userHandle === undefined) return fail('user_handle_mismatch', 'A login without a username needs the user handle');
  if (challenge.byUsername && !challenge.allowCredentialIds.includes(credential.credentialId)) return fail('unknown_credential', 'This passkey was not offered for this login');

  // 3. Clone detection on the signature counter.
  let counter: number;
  try {
    counter = parseAuthenticatorData(new Uint8Array(body.authenticatorData)).counter;
  } catch {
    return fail('malformed_authenticator_data', 'authenticatorData is malformed');
  }
  if ((counter > 0 || credential.signCount > 0) && counter <= credential.signCount) {
    return fail('sign_count', 'The signature counter did not increase: the authenticator may have been cloned', { signCount: counter });
  }

  // 4. The signature, through the crypto core.
  const key = credentialKeyOf(decodeBinary(credential.publicKey) as Uint8Array);
  if (key === null) return fail('unsupported_key', 'The stored public key is not supported');
  const signed = await verifyAssertionSignature(deps.core, key, body);
  if (!signed) return fail('signature', 'The passkey signature does not verify');

  // 5. The rest of the ceremony.
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response: body.response,
      expectedChallenge: challenge._id,
      expectedOrigin: input.rp.origin,
      expectedRPID: input.rp.id,
      credential: { id: credential.credentialId, publicKey: decodeBinary(credential.publicKey) as Uint8Array<ArrayBuffer>, counter: credential.signCount },
      requireUserVerification: challenge.userVerification === 'required',
    });
  } catch (error) {
    return fail('ceremony', `The passkey assertion does not verify: ${error instanceof Error ? error.message : 'invalid response'}`);
  }
  if (!verification.verified) return fail('signature', 'The passkey signature does not verify');

  // 6. The counter moves forward once.
  const info = verification.authenticationInfo;
  const updated = await recordAssertion(store, credential, { newSignCount: info.newCounter, backedUp: info.credentialBackedUp, ip: input.ip, userAgent: input.userAgent });
  if (updated === null) return fail('concurrent_use', 'The passkey was used concurrently; try again');
  return { ok: true, credential: updated, userVerified: info.userVerified, signCount: info.newCounter };
}
