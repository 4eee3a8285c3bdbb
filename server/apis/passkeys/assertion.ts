/**
 * The end of auth/complete and tx/complete: the assertion of a ceremony this API's `session`
 * names, verified by the core (authentication.ts: challenge answered once and of this purpose,
 * credential of the application, user handle, sign counter, signature through the crypto core,
 * origin among the application's, RP ID, UV). Before it: the credential's owner must be active and
 * its authenticator model not blacklisted for authentication; the check itself runs under the
 * application's lockout.
 */
import { badRequest, forbidden } from '../../http/errors.ts';
import type { PasskeyCredentialDoc, TenantDoc, UserDoc } from '../../store/collections.ts';
import { isBlocked } from '../../identity/loginid/aaguids.ts';
import { relyingPartyOfApp } from '../../identity/loginid/apps.ts';
import { addDeviceUser } from '../../identity/loginid/devices.ts';
import type { CeremonySession } from '../../identity/loginid/tokens.ts';
import { verifyAssertion } from '../../identity/webauthn/authentication.ts';
import { findCredentialWithOwner } from '../../identity/webauthn/credentials.ts';
import { challengeOf } from '../../identity/webauthn/ceremonies.ts';
import { underLockout, type CredentialCheck } from '../../identity/lockout/guard.ts';
import { lockoutPolicyOf } from '../../identity/vault/tenant-settings.ts';
import type { ApiContext } from '../types.ts';
import { deactivated } from './app-context.ts';
import { assertionOf } from './webauthn-json.ts';

export async function verifySessionAssertion(
  context: ApiContext,
  s: CeremonySession,
  assertion: Parameters<typeof assertionOf>[0],
  /** where the assertion's members are in the body, for error paths */
  at: string = s.purpose === 'tx' ? 'body' : 'assertionResult',
  /** the lockout attempt the caller already holds, if any */
  heldAttempt?: CredentialCheck,
): Promise<{ tenant: TenantDoc; user: UserDoc; credential: PasskeyCredentialDoc; transaction: { id: string; hash: string } | null }> {
  const { services } = context;
  const { store, identity } = services;
  const tenant = await identity.tenants.get(s.tenantId);
  if (tenant === null) throw badRequest('Invalid or expired session');
  const body = assertionOf(assertion, at);
  if (challengeOf(body.response.clientDataJSON) !== s.challenge) throw badRequest('The assertion does not answer this session\'s challenge');
  const { credential, owner } = await findCredentialWithOwner(store, tenant._id, body.id);
  if (credential !== null) {
    if (s.userId !== null && credential.userId !== s.userId) throw badRequest('This passkey was not offered for this ceremony');
    if (owner === null || owner.disabled) throw deactivated();
    if (await isBlocked(store, tenant._id, credential.aaguid, 'auth')) throw forbidden('This authenticator model is not allowed to authenticate');
  }
  // The assertion is a credential check: it runs under the application's lockout (identity/lockout/
  // guard.ts) for the address and the passkey owner's username, so failed assertions are counted
  // and a blocked address or user is refused before the signature is checked. A caller that already
  // holds the attempt (an MFA step, apis/passkeys/mfa-step.ts) passes it, and settles it itself when
  // the assertion verifies.
  const check = async (attempt: CredentialCheck, settleOnSuccess: boolean) => {
    const verified = await verifyAssertion(
      { store, core: services.crypto.current() },
      {
        rp: relyingPartyOfApp(tenant, services.config.publicUrl),
        tenantId: tenant._id,
        credential,
        ip: context.ip || null,
        userAgent: context.userAgent || null,
        purpose: s.purpose === 'tx' ? 'transaction' : 'authentication',
        session: s.ceremonySession,
      },
      body,
    );
    if (verified.ok) {
      if (settleOnSuccess) await attempt.pass({ clearUser: s.purpose === 'auth' });
      return verified;
    }
    // Client data that is not JSON with a challenge is a malformed request, not a failed check.
    if (verified.reason !== 'malformed_response') await attempt.fail(`loginid.${s.purpose}.passkey`, verified.reason, { passkeyId: credential?._id ?? null, credentialId: body.id });
    throw badRequest(verified.detail);
  };
  const subject = { tenantId: tenant._id, ip: context.ip, usernameKey: owner?.usernameKey ?? null, userId: owner?._id ?? null };
  const result = heldAttempt
    ? await check(heldAttempt, false)
    : await underLockout({ store, audit: identity.audit }, lockoutPolicyOf(tenant), subject, context, (attempt) => check(attempt, true));
  // A verified assertion has the credential found above, whose owner was checked active.
  const user = owner;
  if (user === null) throw deactivated();
  if (s.deviceId) {
    await store.passkeyCredentials.updateOne({ _id: result.credential._id, tenantId: tenant._id }, { $set: { lastUsedFromDeviceId: s.deviceId } });
    await addDeviceUser(store, tenant._id, s.deviceId, user._id);
  }
  return { tenant, user, credential: result.credential, transaction: result.ceremony.transaction };
}
