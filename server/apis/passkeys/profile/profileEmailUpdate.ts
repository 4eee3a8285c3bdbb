/**
 * POST /profile/{id}/email: with `requestVerification` (default), a code goes to the new address
 * and the address becomes the profile's, verified, only with that code (profile/email/verify);
 * without it, the address is set at once, unverified.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { validationError } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userById } from '../app-context.ts';
import { limitCodeRequests, sendCode } from '../code-delivery.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const profileEmailUpdate: H['profileEmailUpdate'] = async ({ params, body, principal, context }) => {
  const email = body.email.trim();
  if (!EMAIL.test(email) || email.length > 320) throw validationError([{ location: 'body', path: ['email'], message: 'must be an e-mail address', type: 'value_error' }]);
  const user = await userById(context, principal.tenantId, params.id);
  if (body.requestVerification === false) {
    await context.services.identity.users.update(user.tenantId, user._id, { email, emailVerified: false });
  } else {
    await limitCodeRequests(context, user.tenantId, user._id);
    await sendCode(context, user, { purpose: 'email', channel: 'email', to: email });
  }
  return { status: 204 };
};
