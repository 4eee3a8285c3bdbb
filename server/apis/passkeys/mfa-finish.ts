/**
 * The answer of a step that finished an MFA flow (seed 003 `Mfa`), once the flow's
 * compare-and-set to `done` has succeeded: the core's tokens for the application
 * (identity/loginid/mfa-tokens.ts: access, ID and refresh token of a new family in a new login
 * session), the payload the flow kept with the application's ES256 signature over it, the device
 * and the passkey used. The device is recorded as one of the user's.
 */
import type { components } from '../../../generated/passkeys/schema.ts';
import type { LoginidMfaSessionDoc, PasskeyCredentialDoc, TenantDoc, UserDoc } from '../../store/collections.ts';
import { addDeviceUser } from '../../identity/loginid/devices.ts';
import { issueMfaTokens, signPayload } from '../../identity/loginid/mfa-tokens.ts';
import type { ApiContext } from '../types.ts';
import { passkeyInfoOf } from './passkey-views.ts';

type S = components['schemas'];

export async function finishMfa(
  context: ApiContext,
  tenant: TenantDoc,
  flow: LoginidMfaSessionDoc,
  user: UserDoc,
  how: { method: string; amr: readonly string[]; credential?: PasskeyCredentialDoc },
): Promise<S['Mfa']> {
  const { services } = context;
  const { publicUrl } = services.config;
  const tokens = await issueMfaTokens(services, publicUrl, { tenant, user, method: how.method, amr: how.amr, ip: context.ip, userAgent: context.userAgent });
  // The MFA client may use the refresh_token grant and is granted `openid` (mfa-tokens.ts): both are always there.
  if (tokens.id_token === undefined || tokens.refresh_token === undefined) throw new Error('the MFA client was granted no ID or refresh token');
  const payloadSignature = await signPayload(services.identity.tokens, publicUrl, {
    tenantId: tenant._id,
    userId: user._id,
    flowId: flow._id,
    sessionId: tokens.sessionId,
    payload: flow.payload,
    deviceId: flow.deviceId,
    passkeyId: how.credential?._id ?? null,
  });
  await addDeviceUser(services.store, tenant._id, flow.deviceId, user._id);
  await services.identity.audit.record({
    tenantId: tenant._id,
    actor: { type: 'user', id: user._id },
    action: 'loginid.mfa.finish',
    outcome: 'success',
    target: user._id,
    ip: context.ip || null,
    requestId: context.requestId,
    details: { flow: flow._id, method: how.method, traceId: flow.traceId },
  });
  return {
    flow: flow.flow,
    payload: flow.payload,
    payloadSignature,
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    deviceId: flow.deviceId,
    ...(how.credential ? { passkeyInfo: passkeyInfoOf(how.credential) } : {}),
  };
}
