/**
 * Passkey login and transaction confirmation (WebAuthn L3 §7.2; step numbers as in Level 2), for
 * any API of the gateway. It takes and returns WebAuthn L3 JSON only
 * (`PublicKeyCredentialRequestOptionsJSON`, `AuthenticationResponseJSON`, binary values as
 * unpadded base64url); each API converts its own body at its edge and maps the failure reasons
 * (`AssertionFailure`) to its own errors.
 *
 * Options: a login by username lists the user's credentials in `allowCredentials`; a
 * discoverable login (no username) lists none and lets the authenticator choose (§5.5). An unknown
 * username gets the same answer as a user without passkeys, bound to no user, so it can never
 * verify; the options do not reveal which usernames exist. A transaction ceremony also keeps the
 * transaction's id and hash, and can only be completed with its session.
 *
 * Verification, in this order (each refusal names its reason for the audit log):
 * 1. the response's binary members are base64url, and the caller found the credential by the
 *    response's id in this tenant (§7.2 step 5, `findCredentialWithOwner`; it needs the owner first
 *    for lockout and its own rules), and the user handle, when the authenticator returns one, is
 *    that credential's (step 6);
 * 2. the ceremony of the client data's challenge (and of the session, when the caller has one) is
 *    consumed: it must be this tenant's, of this purpose, unexpired, unused and, when the options
 *    named a user, made for the credential's owner (answers once, right or wrong);
 * 3. the signature counter must increase when either counter is non-zero (§6.1.1, step 21): a
 *    counter that does not is a possibly cloned authenticator, refused;
 * 4. the signature through the crypto core (assertion-signature.ts), an explicit step of its own;
 * 5. @simplewebauthn's `verifyAuthenticationResponse` for the rest of the ceremony: client data
 *    type `webauthn.get`, challenge, origin, no unexpected top origin, RP ID hash, UP, and UV when
 *    the ceremony's policy requires it (steps 11-17). It checks the signature once more with
 *    node:crypto; both must accept;
 * 6. the new counter is stored with one update guarded on the counter read, so a concurrent
 *    assertion with the same counter loses (clone detection across gateway instances).
 */
import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import type { CryptoCore } from '../../../core-wasm/js/index.ts';
import type { PasskeyCredentialDoc, Store } from '../../store/collections.ts';
import { decodeBase64url, decodeBinary } from './binary-encoding.ts';
import { challengeOf, consumeAuthenticationCeremony, OPTIONS_TIMEOUT_MS, storeCeremony, type PendingCeremony } from './ceremonies.ts';
import { credentialKeyOf, verifyAssertionSignature } from './assertion-signature.ts';
import { listUserCredentials, recordAssertion } from './credentials.ts';
import type { UserVerification } from './registration.ts';
import type { RelyingParty } from './relying-party.ts';
import { transactionChallenge } from './transaction-challenge.ts';

export interface AuthenticationOptionsResult {
  options: PublicKeyCredentialRequestOptionsJSON;
  /** The opaque id of the pending ceremony (ceremonies.ts). */
  session: string;
}

export async function authenticationOptions(
  store: Store,
  input: {
    rp: RelyingParty;
    tenantId: string;
    /** Whether the caller named a user (even an unknown one); false for a discoverable login. */
    byUsername: boolean;
    /** The named user, when it exists and may log in; null otherwise. */
    userId: string | null;
    userVerification: UserVerification;
    /** A transaction confirmation: its id and the SHA-256 (base64url) of what the user confirms. */
    transaction?: { id: string; hash: string } | null;
  },
): Promise<AuthenticationOptionsResult> {
  const credentials = input.userId === null ? [] : await listUserCredentials(store, input.tenantId, input.userId);
  const options = await generateAuthenticationOptions({
    // A transaction's challenge commits to what is confirmed (transaction-challenge.ts).
    ...(input.transaction ? { challenge: transactionChallenge(input.transaction.hash) } : {}),
    rpID: input.rp.id,
    allowCredentials: credentials.map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: input.userVerification,
    timeout: OPTIONS_TIMEOUT_MS,
  });
  const transaction = input.transaction ?? null;
  const ceremony = await storeCeremony(store, {
    _id: options.challenge,
    tenantId: input.tenantId,
    purpose: transaction !== null ? 'transaction' : 'authentication',
    userId: input.userId,
    newUser: null,
    byUsername: input.byUsername,
    allowCredentialIds: credentials.map((c) => c.credentialId),
    userVerification: input.userVerification,
    transaction,
  });
  return { options, session: ceremony.session };
}

export type AssertionFailure =
  | 'malformed_response'
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
  | { ok: true; credential: PasskeyCredentialDoc; ceremony: PendingCeremony; userVerified: boolean; signCount: number }
  | { ok: false; reason: AssertionFailure; detail: string; credential: PasskeyCredentialDoc | null; signCount?: number };

export async function verifyAssertion(
  deps: { store: Store; core: CryptoCore },
  input: {
    rp: RelyingParty;
    tenantId: string;
    credential: PasskeyCredentialDoc | null;
    ip: string | null;
    userAgent: string | null;
    /** `transaction` needs the session; a login may give it (then only that ceremony serves). */
    purpose?: 'authentication' | 'transaction';
    session?: string | null;
  },
  response: AuthenticationResponseJSON,
): Promise<AssertionResult> {
  const { store } = deps;
  const purpose = input.purpose ?? 'authentication';
  const session = input.session ?? null;
  // 1. The credential, and the user handle it was created for.
  const { credential } = input;
  if (credential === null || credential.tenantId !== input.tenantId || credential.credentialId !== response.id) {
    return { ok: false, reason: 'unknown_credential', detail: 'Unknown passkey', credential: null };
  }
  const fail = (reason: AssertionFailure, detail: string, extra: { signCount?: number } = {}): AssertionResult => ({ ok: false, reason, detail, credential, ...extra });
  const userHandle = response.response.userHandle;
  if (userHandle !== undefined && userHandle !== credential.userHandle) return fail('user_handle_mismatch', 'The user handle is not this passkey\'s');
  const clientDataJSON = decodeBase64url(response.response.clientDataJSON);
  const authenticatorData = decodeBase64url(response.response.authenticatorData);
  const signature = decodeBase64url(response.response.signature);
  const challengeValue = clientDataJSON === null ? null : challengeOf(response.response.clientDataJSON);
  if (clientDataJSON === null || authenticatorData === null || signature === null || challengeValue === null) {
    return fail('malformed_response', 'The response is not WebAuthn JSON with base64url members and client data with a challenge');
  }
  if (purpose === 'transaction' && session === null) return fail('stale_challenge', 'A transaction is confirmed only with its session');

  // 2. The ceremony answers once.
  const ceremony = await consumeAuthenticationCeremony(store, { challenge: challengeValue, tenantId: input.tenantId, credentialUserId: credential.userId, purpose, session });
  if (ceremony === null) return fail('stale_challenge', 'Unknown, expired or already used challenge');
  // §7.2 step 6: a login that named no user learns it from the user handle, which must be there.
  if (!ceremony.byUsername && userHandle === undefined) return fail('user_handle_mismatch', 'A login without a username needs the user handle');
  if (ceremony.byUsername && !ceremony.allowCredentialIds.includes(credential.credentialId)) return fail('unknown_credential', 'This passkey was not offered for this login');

  // 3. Clone detection on the signature counter.
  let counter: number;
  try {
    counter = parseAuthenticatorData(new Uint8Array(authenticatorData)).counter;
  } catch {
    return fail('malformed_authenticator_data', 'authenticatorData is malformed');
  }
  if ((counter > 0 || credential.signCount > 0) && counter <= credential.signCount) {
    return fail('sign_count', 'The signature counter did not increase: the authenticator may have been cloned', { signCount: counter });
  }

  // 4. The signature, through the crypto core.
  const key = credentialKeyOf(decodeBinary(credential.publicKey) as Uint8Array);
  if (key === null) return fail('unsupported_key', 'The stored public key is not supported');
  const signed = await verifyAssertionSignature(deps.core, key, { clientDataJSON, authenticatorData, signature });
  if (!signed) return fail('signature', 'The passkey signature does not verify');

  // 5. The rest of the ceremony.
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: ceremony._id,
      expectedOrigin: input.rp.origins ?? input.rp.origin,
      expectedRPID: input.rp.id,
      credential: { id: credential.credentialId, publicKey: decodeBinary(credential.publicKey) as Uint8Array<ArrayBuffer>, counter: credential.signCount },
      requireUserVerification: ceremony.userVerification === 'required',
    });
  } catch (error) {
    return fail('ceremony', `The passkey assertion does not verify: ${error instanceof Error ? error.message : 'invalid response'}`);
  }
  if (!verification.verified) return fail('signature', 'The passkey signature does not verify');

  // 6. The counter moves forward once.
  const info = verification.authenticationInfo;
  const updated = await recordAssertion(store, credential, { newSignCount: info.newCounter, backedUp: info.credentialBackedUp, ip: input.ip, userAgent: input.userAgent });
  if (updated === null) return fail('concurrent_use', 'The passkey was used concurrently; try again');
  return { ok: true, credential: updated, ceremony, userVerified: info.userVerified, signCount: info.newCounter };
}
