/**
 * Passkey registration (WebAuthn L3 §7.1), for any API of the gateway. It takes and returns
 * WebAuthn L3 JSON only (`PublicKeyCredentialCreationOptionsJSON`, `RegistrationResponseJSON`);
 * each API converts its own body at its edge, and maps the failure reasons to its own errors.
 *
 * - options: @simplewebauthn's `generateRegistrationOptions` with the gateway's RP, the user's
 *   opaque handle, the three algorithms the gateway verifies, the user's existing credentials in
 *   `excludeCredentials` (§5.4.3: one authenticator, one credential per account), and the
 *   caller's user-verification policy. The user may not exist yet (a first passkey that creates
 *   the account): the caller chooses its id, and the ceremony remembers the announced account.
 *   The pending ceremony (ceremonies.ts) is returned with its opaque `session`;
 * - verification: the ceremony named by the session (or by the user) and by the client data's
 *   challenge is consumed first (it answers once), then @simplewebauthn's
 *   `verifyRegistrationResponse` checks type, challenge, origin, RP ID hash, flags (UP, and UV
 *   when the policy requires it), the algorithm and the attestation statement (every format it
 *   supports: packed, tpm, android-key, apple, fido-u2f, none ...);
 * - storing: `saveRegisteredCredential` keeps the credential in the tenant's credential store, at
 *   most `MAX_PASSKEYS_PER_USER` per user and one per credential id and tenant. A caller that
 *   creates the user on a new-user ceremony verifies, creates the user, then stores;
 *   `completeRegistration` does verify and store in one call for an existing user.
 */
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { PasskeyCredentialDoc, Store, WebauthnChallengeDoc } from '../../store/collections.ts';
import { toBase64url } from './binary-encoding.ts';
import { challengeOf, consumeRegistrationCeremony, OPTIONS_TIMEOUT_MS, storeCeremony, type PendingCeremony } from './ceremonies.ts';
import { credentialKeyOf, SUPPORTED_COSE_ALGS } from './assertion-signature.ts';
import { countUserCredentials, listUserCredentials, MAX_PASSKEYS_PER_USER, PASSKEY_NAME_MAX, saveCredential, type NewCredential } from './credentials.ts';
import type { RelyingParty } from './relying-party.ts';

export type UserVerification = WebauthnChallengeDoc['userVerification'];

/** The WebAuthn user handle (§5.4.3 `user.id`): the user id's bytes, opaque and free of personal data. */
export function userHandleOf(userId: string): string {
  return toBase64url(new Uint8Array(Buffer.from(userId, 'utf8')));
}

/** The account a registration is for (§5.4.3 PublicKeyCredentialUserEntity), existing or not. */
export interface RegistrationUser {
  id: string;
  name: string;
  displayName: string;
  /** false when the caller creates the user only once the registration verifies. */
  exists: boolean;
}

export interface RegistrationOptionsResult {
  options: PublicKeyCredentialCreationOptionsJSON;
  /** The opaque id of the pending ceremony (ceremonies.ts). */
  session: string;
}

export async function registrationOptions(
  store: Store,
  input: {
    rp: RelyingParty;
    rpName: string;
    tenantId: string;
    user: RegistrationUser;
    userVerification: UserVerification;
    /** §5.4.4 authenticatorAttachment: `cross-platform` asks for a security key; default any. */
    attachment?: 'platform' | 'cross-platform';
  },
): Promise<RegistrationOptionsResult> {
  const { user } = input;
  const existing = user.exists ? await listUserCredentials(store, input.tenantId, user.id) : [];
  const options = await generateRegistrationOptions({
    rpName: input.rpName,
    rpID: input.rp.id,
    userName: user.name,
    userDisplayName: user.displayName || user.name,
    userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
    timeout: OPTIONS_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
    // Passkeys: ask for a discoverable credential (§5.4.6), so a login needs no username.
    authenticatorSelection: {
      residentKey: 'preferred',
      userVerification: input.userVerification,
      ...(input.attachment ? { authenticatorAttachment: input.attachment } : {}),
    },
    supportedAlgorithmIDs: SUPPORTED_COSE_ALGS,
  });
  const ceremony = await storeCeremony(store, {
    _id: options.challenge,
    tenantId: input.tenantId,
    purpose: 'registration',
    userId: user.id,
    newUser: user.exists ? null : { name: user.name, displayName: user.displayName || user.name },
    byUsername: true,
    allowCredentialIds: [],
    userVerification: input.userVerification,
    transaction: null,
  });
  return { options, session: ceremony.session };
}

export type RegistrationFailure =
  | 'malformed_client_data'
  | 'stale_challenge'
  | 'attestation'
  | 'credential_id_mismatch'
  | 'unsupported_key'
  | 'too_many_credentials'
  | 'already_registered';

export type RegistrationFailureResult = { ok: false; reason: RegistrationFailure; detail: string };

/** A verified registration, not stored yet: `ceremony.userId` is its user (`ceremony.newUser` when new). */
export type VerifiedRegistration = { ok: true; ceremony: PendingCeremony; credential: NewCredential };

export async function verifyRegistration(
  store: Store,
  input: {
    rp: RelyingParty;
    tenantId: string;
    /** The ceremony's session, or the user it was made for (an API whose request carries no session). */
    binding: { session: string } | { userId: string };
    /** The passkey's display name; `Passkey <n>` when absent or blank. */
    name?: string | null;
  },
  response: RegistrationResponseJSON,
): Promise<VerifiedRegistration | RegistrationFailureResult> {
  const fail = (reason: RegistrationFailure, detail: string): RegistrationFailureResult => ({ ok: false, reason, detail });
  const challenge = challengeOf(response.response.clientDataJSON);
  if (challenge === null) return fail('malformed_client_data', 'clientDataJSON must be the JSON client data with a challenge');
  const ceremony = await consumeRegistrationCeremony(store, { challenge, tenantId: input.tenantId, binding: input.binding });
  if (ceremony === null || ceremony.userId === null) return fail('stale_challenge', 'Unknown, expired or already used registration challenge');

  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: ceremony._id,
      expectedOrigin: input.rp.origins ?? input.rp.origin,
      expectedRPID: input.rp.id,
      requireUserVerification: ceremony.userVerification === 'required',
      supportedAlgorithmIDs: SUPPORTED_COSE_ALGS,
    });
  } catch (error) {
    return fail('attestation', `The registration does not verify: ${error instanceof Error ? error.message : 'invalid response'}`);
  }
  if (!verification.verified) return fail('attestation', 'The registration does not verify: attestation refused');
  const info = verification.registrationInfo;
  // The JSON's id must be the credential id the authenticator attested (§6.5.1), not another one.
  if (info.credential.id !== response.id) return fail('credential_id_mismatch', 'id is not the attested credential id');
  const alg = credentialKeyOf(info.credential.publicKey)?.alg;
  if (alg === undefined) return fail('unsupported_key', 'The credential public key is not a supported ES256, EdDSA or RS256 key');

  const userId = ceremony.userId;
  return {
    ok: true,
    ceremony,
    credential: {
      tenantId: input.tenantId,
      userId,
      credentialId: info.credential.id,
      publicKey: toBase64url(info.credential.publicKey),
      alg,
      signCount: info.credential.counter,
      transports: response.response.transports ?? [],
      aaguid: info.aaguid,
      userHandle: userHandleOf(userId),
      name: (input.name ?? '').trim().slice(0, PASSKEY_NAME_MAX),
      attestationFormat: info.fmt,
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backedUp: info.credentialBackedUp,
    },
  };
}

/** Stores a verified credential for its user (who must exist by now), named `Passkey <n>` when unnamed. */
export async function saveRegisteredCredential(
  store: Store,
  credential: NewCredential,
): Promise<{ ok: true; credential: PasskeyCredentialDoc } | RegistrationFailureResult> {
  const count = await countUserCredentials(store, credential.tenantId, credential.userId);
  if (count >= MAX_PASSKEYS_PER_USER) return { ok: false, reason: 'too_many_credentials', detail: `A user may register at most ${MAX_PASSKEYS_PER_USER} passkeys` };
  const saved = await saveCredential(store, { ...credential, name: credential.name || `Passkey ${count + 1}` });
  if (saved === null) return { ok: false, reason: 'already_registered', detail: 'This passkey is already registered' };
  return { ok: true, credential: saved };
}

/** Verifies and stores in one call, for a ceremony of an existing user. */
export async function completeRegistration(
  store: Store,
  input: Parameters<typeof verifyRegistration>[1],
  response: RegistrationResponseJSON,
): Promise<{ ok: true; credential: PasskeyCredentialDoc; ceremony: PendingCeremony } | RegistrationFailureResult> {
  const verified = await verifyRegistration(store, input, response);
  if (!verified.ok) return verified;
  const saved = await saveRegisteredCredential(store, verified.credential);
  return saved.ok ? { ...saved, ceremony: verified.ceremony } : saved;
}
