/**
 * The end of auth/complete and tx/complete: the assertion of a ceremony this API's `session`
 * names, verified by the core (authentication.ts: challenge answered once and of this purpose,
 * credential of the application, user handle, sign counter, signature through the crypto core,
 * origin among the application's, RP ID, UV). Before it: the credential's owner must be active and
 * its authenticator model not blacklisted for authentication.
 */
import { badRequest, forbidden } from '../../http/errors.ts';
import type { PasskeyCredentialDoc, TenantDoc, UserDoc } from '../../store/collections.ts';
import { isBlocked } from '../../identity/loginid/aaguids.ts';
import { relyingPartyOfApp } from '../../identity/loginid/apps.ts';
import { addDeviceUser } from '../../identity/loginid/devices.ts';
import type { CeremonySession } from '../../identity/loginid/tokens.ts';
import { verifyAssertion } from '../../identity/webauthn/authentication.ts';
import { findByCredentialId } from '../../identity/webauthn/credentials.ts';
import { challengeOf } from '../../identity/webauthn/ceremonies.ts';
import type { ApiContext } from '../types.ts';
import { deactivated } from './app-context.ts';
import { assertionOf } from './webauthn-json.ts';

export async function verifySessionAssertion(
  context: ApiContext,
  s: CeremonySession,
  assertion: Parameters<typeof assertionOf>[0],
): Promise<{ tenant: TenantDoc; user: UserDoc; credential: PasskeyCredentialDoc; transaction: { id: string; hash: string } | null }> {
  const { services } = context;
  const { store, identity } = services;
  const tenant = await identity.tenants.get(s.tenantId);
  if (tenant === null) throw badRequest('Invalid or expired session');
  const body = assertionOf(assertion, s.purpose === 'tx' ? 'body' : 'assertionResult');
  if (challengeOf(body.response.clientDataJSON) !== s.challenge) throw badRequest('The assertion does not answer this session\'s challenge');
  const credential = await findByCredentialId(store, tenant._id, body.id);
  if (credential !== null) {
    if (s.userId !== null && credential.userId !== s.userId) throw badRequest('This passkey was not offered for this ceremony');
    const owner = await identity.users.get(tenant._id, credential.userId);
    if (owner === null || owner.disabled) throw deactivated();
    if (await isBlocked(store, tenant._id, credential.aaguid, 'auth')) throw forbidden('This authenticator model is not allowed to authenticate');
  }
  const result = await verifyAssertion(
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
  if (!result.ok) {
    await identity.audit.record({
      tenantId: tenant._id,
      actor: { type: 'user', id: credential?.userId ?? null },
      action: `loginid.${s.purpose}.passkey`,
      outcome: 'failure',
      ip: context.ip || null,
      requestId: context.requestId,
      details: { reason: result.reason },
    });
    throw badRequest(result.detail);
  }
  const user = await identity.users.get(tenant._id, result.credential.userId);
  if (user === null || user.disabled) throw deactivated();
  if (s.deviceId) {
    await store.passkeyCredentials.updateOne({ _id: result.credential._id, tenantId: tenant._id }, { $set: { lastUsedFromDeviceId: s.deviceId } });
    await addDeviceUser(store, tenant._id, s.deviceId, user._id);
  }
  return { tenant, user, credential: result.credential, transaction: result.ceremony.transaction };
}
