/**
 * POST /auth/otp/email: a sign-in code by e-mail to the user's address. Always 204, whether or
 * not the user exists or has an address, so the answer reveals nothing (seed 003).
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { usernameKey } from '../../../identity/users.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfRequest } from '../app-context.ts';
import { limitCodeRequests, sendCode } from '../code-delivery.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const authCodeRequestEmail: H['authCodeRequestEmail'] = async ({ body, context }) => {
  const tenant = await appOfRequest(context);
  await limitCodeRequests(context, tenant._id, usernameKey(body.user.username));
  const user = await context.services.identity.users.getByUsername(tenant._id, body.user.username);
  if (user && !user.disabled && user.email) await sendCode(context, user, { purpose: 'auth', channel: 'email', to: user.email });
  return { status: 204 };
};
