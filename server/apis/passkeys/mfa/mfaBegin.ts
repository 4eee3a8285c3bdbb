/**
 * POST /mfa/begin: starts an MFA flow for `user` in the application the request's host names
 * (the body names none; app-context.ts). The application's policy (identity/loginid/mfa-policy.ts)
 * picks the actions from what the gateway knows: whether the user exists, is active, has passkeys
 * and used one on this device, which addresses its profile holds, and what the device says it can
 * do. The flow keeps the payload, the device, the offered actions and addresses and the pending
 * WebAuthn ceremony (mfa-sessions.ts), and answers `MfaNext` with its first session string.
 * A deactivated user is refused (403); an unknown username without sign-up, or a user for whom
 * the policy leaves no action, too (404, 403).
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest, forbidden, notFound } from '../../../http/errors.ts';
import { recordDevice } from '../../../identity/loginid/devices.ts';
import { mfaOffer, mfaPolicyOf } from '../../../identity/loginid/mfa-policy.ts';
import { createFlow } from '../../../identity/loginid/mfa-sessions.ts';
import { listUserCredentials } from '../../../identity/webauthn/credentials.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfRequest, deactivated } from '../app-context.ts';
import { ceremonyOf, mfaNextOf } from '../mfa-next.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mfaBegin: H['mfaBegin'] = async ({ body, context }) => {
  const { store, identity } = context.services;
  const tenant = await appOfRequest(context);
  const username = body.user?.username?.trim();
  if (!username) throw badRequest('user.username is required to begin an MFA flow');
  const user = await identity.users.getByUsername(tenant._id, username);
  if (user?.disabled) throw deactivated();

  // A client names its device by deviceInfo.deviceId, or by the `auth` trust ID (mfa/discover).
  const info = { ...(body.deviceInfo ?? {}) };
  if (info.deviceId === undefined && body.trustItems?.auth) info.deviceId = body.trustItems.auth;
  const deviceId = await recordDevice(store, { tenantId: tenant._id, info, userAgent: context.userAgent || null, userId: null });

  const credentials = user ? await listUserCredentials(store, tenant._id, user._id) : [];
  const policy = mfaPolicyOf(tenant.settings);
  const offer = mfaOffer(policy, {
    user: user
      ? {
          email: user.email,
          phone: user.phone,
          passkeyCount: credentials.length,
          passkeyOnDevice: credentials.some((c) => c.createdFromDeviceId === deviceId || c.lastUsedFromDeviceId === deviceId),
        }
      : null,
    webauthnCapabilities: body.deviceInfo?.webauthnCapabilities,
  });
  if (offer.actions.length === 0) {
    if (user === null) throw notFound('User not found');
    throw forbidden('No way of authenticating this user is enabled for this application');
  }

  const flowId = randomUUID();
  const userId = user?._id ?? randomUUID();
  const newUser = user ? null : { username, displayName: body.user?.displayName?.trim() || username, usernameType: body.user?.usernameType ?? 'other' };
  const payload = body.payload ?? '';
  const ceremony = await ceremonyOf(context, tenant, { _id: flowId, actions: offer.actions, userId, newUser, payload });
  const { flow, session } = await createFlow(
    store,
    {
      _id: flowId,
      tenantId: tenant._id,
      flow: offer.flow,
      userId,
      username: user?.username ?? username,
      newUser,
      deviceId,
      payload,
      traceId: body.traceId ?? randomUUID(),
      actions: offer.actions,
      targets: [
        ...offer.emails.map((address) => ({ id: randomUUID(), channel: 'email' as const, address })),
        ...offer.phones.map((address) => ({ id: randomUUID(), channel: 'sms' as const, address })),
      ],
      ceremony,
    },
    policy.sessionTtlSeconds,
    identity.clock(),
  );
  return { status: 200, body: mfaNextOf(flow, session) };
};
