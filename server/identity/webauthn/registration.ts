/**
 * Passkey registration (WebAuthn L3 §7.1), for any API of the gateway:
 * - options: @simplewebauthn's `generateRegistrationOptions` with the gateway's RP, the user's
 *   opaque handle, the three algorithms the gateway verifies, the user's existing credentials in
 *   `excludeCredentials` (§5.4.3: one authenticator, one credential per account), and the
 *   tenant's user-verification policy; the challenge is stored for this user and tenant;
 * - verification: the challenge named by the client data is consumed first (it answers once),
 *   then @simplewebauthn's `verifyRegistrationResponse` checks type, challenge, origin, RP ID hash,
 *   flags (UP, and UV when the policy requires it), the algorithm and the attestation statement
 *   (every format it supports: packed, tpm, android-key, apple, fido-u2f, none ...); the credential
 *   is stored in the tenant's credential store.
 */
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { decodeClientDataJSON } from '@simplewebauthn/server/helpers';
import { badRequest, conflict } from '../../http/errors.ts';
import type { PasskeyCredentialDoc, Store, UserDoc, WebauthnChallengeDoc } from '../../store/collections.ts';
import { toBase64url } from './binary-encoding.ts';
import { CHALLENGE_TTL_SECONDS, consumeRegistrationChallenge, OPTIONS_TIMEOUT_MS, storeChallenge } from './challenges.ts';
import { credentialKeyOf, SUPPORTED_COSE_ALGS } from './assertion-signature.ts';
import { countUserCredentials, listUserCredentials, MAX_PASSKEYS_PER_USER, PASSKEY_NAME_MAX, saveCredential } from './credentials.ts';
import type { RelyingParty } from './relying-party.ts';
import type { NormalisedRegistration } from './response-json.ts';

export type UserVerification = WebauthnChallengeDoc['userVerification'];

/** The WebAuthn user handle (§5.4.3 `user.id`): the user id's bytes, opaque and free of personal data. */
export function userHandleOf(userId: string): string {
  return toBase64url(new Uint8Array(Buffer.from(userId, 'utf8')));
}

export async function registrationOptions(
  store: Store,
  input: { rp: RelyingParty; rpName: string; tenantId: string; user: UserDoc; userVerification: UserVerification },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await listUserCredentials(store, input.tenantId, input.user._id);
  const options = await generateRegistrationOptions({
    rpName: input.rpName,
    rpID: input.rp.id,
    userName: input.user.username,
    userDisplayName: input.user.displayName || input.user.username,
    userID: new Uint8Array(Buffer.from(input.user._id, 'utf8')),
    timeout: OPTIONS_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
    // Passkeys: ask for a discoverable credential (§5.4.6), so a login needs no username.
    authenticatorSelection: { residentKey: 'preferred', userVerification: input.userVerification },
    supportedAlgorithmIDs: SUPPORTED_COSE_ALGS,
  });
  await storeChallenge(store, {
    _id: options.challenge,
    tenantId: input.tenantId,
    purpose: 'registration',
    userId: input.user._id,
    byUsername: true,
    allowCredentialIds: [],
    userVerification: input.userVerification,
  });
  return options;
}

/** The challenge a response's client data carries (§5.8.1), or a 400 when the client data is not JSON. */
export function challengeOf(clientDataJSON: string): string {
  try {
    const challenge = decodeClientDataJSON(clientDataJSON).challenge;
    if (typeof challenge === 'string' && challenge !== '') return challenge;
  } catch {
    // fall through: malformed client data
  }
  throw badRequest('clientDataJSON must be the JSON client data with a challenge');
}

export async function verifyRegistration(
  store: Store,
  input: { rp: RelyingParty; tenantId: string; userId: string },
  body: NormalisedRegistration,
): Promise<PasskeyCredentialDoc> {
  const challenge = await consumeRegistrationChallenge(store, {
    challenge: challengeOf(body.response.response.clientDataJSON),
    tenantId: input.tenantId,
    userId: input.userId,
  });
  if (challenge === null) throw badRequest(`Unknown, expired (after ${CHALLENGE_TTL_SECONDS} s) or already used registration challenge`);

  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response: body.response,
      expectedChallenge: challenge._id,
      expectedOrigin: input.rp.origin,
      expectedRPID: input.rp.id,
      requireUserVerification: challenge.userVerification === 'required',
      supportedAlgorithmIDs: SUPPORTED_COSE_ALGS,
    });
  } catch (error) {
    throw badRequest(`The registration does not verify: ${error instanceof Error ? error.message : 'invalid response'}`);
  }
  if (!verification.verified) throw badRequest('The registration does not verify: attestation refused');
  const info = verification.registrationInfo;
  // The JSON's id must be the credential id the authenticator attested (§6.5.1), not another one.
  if (info.credential.id !== body.response.id) throw badRequest('id is not the attested credential id');
  const alg = credentialKeyOf(info.credential.publicKey)?.alg;
  if (alg === undefined) throw badRequest('The credential public key is not a supported ES256, EdDSA or RS256 key');

  const count = await countUserCredentials(store, input.tenantId, input.userId);
  if (count >= MAX_PASSKEYS_PER_USER) throw conflict(`A user may register at most ${MAX_PASSKEYS_PER_USER} passkeys`);
  const name = (body.name ?? '').trim().slice(0, PASSKEY_NAME_MAX) || `Passkey ${count + 1}`;
  return saveCredential(store, {
    tenantId: input.tenantId,
    userId: input.userId,
    credentialId: info.credential.id,
    publicKey: toBase64url(info.credential.publicKey),
    alg,
    signCount: info.credential.counter,
    transports: body.response.response.transports ?? [],
    aaguid: info.aaguid,
    userHandle: userHandleOf(input.userId),
    name,
    attestationFormat: info.fmt,
    backupEligible: info.credentialDeviceType === 'multiDevice',
    backedUp: info.credentialBackedUp,
  });
}
