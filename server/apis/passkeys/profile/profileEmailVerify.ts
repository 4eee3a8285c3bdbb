/** POST /profile/email/verify: the code sent by profile e-mail update makes its address the user's, verified. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfRequest } from '../app-context.ts';
import { checkCode } from '../otp-check.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const profileEmailVerify: H['profileEmailVerify'] = async ({ body, context }) => {
  const tenant = await appOfRequest(context);
  const { user, otp } = await checkCode(context, tenant, { username: body.username, purpose: 'email', code: body.authCode });
  await context.services.identity.users.update(tenant._id, user._id, { email: otp.target, emailVerified: true });
  return { status: 204 };
};
