/**
 * POST /mgmt/discover: what a user can do next on this device, for the application's backend:
 * - `PasskeyFound`: the user has passkeys; authentication options and their session, with when and
 *   from which device the user last signed in;
 * - `NoPasskeyFound`: the user exists without passkeys; registration options for it;
 * - `UserNotFound`: registration options that create the user.
 * A deactivated user is refused. The backend holds the answer, so naming existence is fine here.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { listUserCredentials } from '../../../identity/webauthn/credentials.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfPrincipal, deactivated } from '../app-context.ts';
import { beginAuthentication, beginRegistration } from '../ceremony-start.ts';
import { toCreationOptions, toRequestOptions } from '../webauthn-json.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtDiscover: H['mgmtDiscover'] = async ({ body, principal, context }) => {
  const tenant = await appOfPrincipal(context, principal);
  const traceId = body.traceId ?? randomUUID();
  const deviceInfo = body.deviceInfo ?? {};
  const user = await context.services.identity.users.getByUsername(tenant._id, body.user.username);
  if (user?.disabled) throw deactivated();
  const passkeys = user ? await listUserCredentials(context.services.store, tenant._id, user._id) : [];
  if (user && passkeys.length > 0) {
    const { options, session } = await beginAuthentication(context, tenant, { byUsername: true, userId: user._id, deviceInfo });
    const last = [...passkeys].filter((p) => p.lastUsedAt).sort((a, b) => (b.lastUsedAt as Date).getTime() - (a.lastUsedAt as Date).getTime())[0];
    return {
      status: 200,
      body: {
        matchResult: 'PasskeyFound',
        authRequestOptions: toRequestOptions(options),
        session,
        traceId,
        userId: user._id,
        ...(last?.lastUsedAt ? { lastLoginTs: last.lastUsedAt.toISOString() } : {}),
        ...(last?.lastUsedFromDeviceId ? { lastLoginDeviceId: last.lastUsedFromDeviceId } : {}),
      },
    };
  }
  const { options, session } = await beginRegistration(context, tenant, {
    user: user
      ? { id: user._id, name: user.username, displayName: user.displayName || user.username, exists: true }
      : { id: randomUUID(), name: body.user.username, displayName: body.user.displayName || body.user.username, exists: false },
    usernameType: body.user.usernameType,
    deviceInfo,
    userVerification: 'required',
    ...(body.securityKey ? { attachment: 'cross-platform' as const } : {}),
  });
  return {
    status: 200,
    body: {
      matchResult: user ? 'NoPasskeyFound' : 'UserNotFound',
      regRequestOptions: toCreationOptions(options),
      session,
      traceId,
      ...(user ? { userId: user._id } : {}),
    },
  };
};
