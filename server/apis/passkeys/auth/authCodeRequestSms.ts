/**
 * POST /auth/otp/sms: a sign-in code by SMS to the user's phone, only when the number is verified
 * and the user consented to messages. Always 204, so the answer reveals nothing (seed 003).
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { usernameKey } from '../../../identity/users.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfRequest } from '../app-context.ts';
import { limitCodeRequests, sendCode } from '../code-delivery.ts';
import { phoneStateOf } from '../profile-state.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const authCodeRequestSms: H['authCodeRequestSms'] = async ({ body, context }) => {
  const tenant = await appOfRequest(context);
  await limitCodeRequests(context, tenant._id, usernameKey(body.user.username));
  const user = await context.services.identity.users.getByUsername(tenant._id, body.user.username);
  if (user && !user.disabled && user.phone) {
    const phone = phoneStateOf(user);
    if (phone.verified && phone.consent) await sendCode(context, user, { purpose: 'auth', channel: 'sms', to: user.phone });
  }
  return { status: 204 };
};
