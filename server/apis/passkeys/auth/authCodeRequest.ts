/** POST /auth/otp: a signed-in user (auth:write) gets a sign-in code to type on another device. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { issueOtp } from '../../../identity/loginid/otp-codes.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userOfToken } from '../app-context.ts';
import { limitCodeRequests } from '../code-delivery.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const authCodeRequest: H['authCodeRequest'] = async ({ principal, context }) => {
  const user = await userOfToken(context, principal);
  await limitCodeRequests(context, user.tenantId, user._id);
  const { code, expiresAt } = await issueOtp(context.services.store, { tenantId: user.tenantId, userId: user._id, purpose: 'auth', target: null });
  return { status: 200, body: { code, expiresAt: expiresAt.toISOString() } };
};
