/** POST /profile/phone/verify: the code sent by profile phone update makes its number the user's, verified. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfRequest } from '../app-context.ts';
import { checkCode } from '../otp-check.ts';
import { PHONE_VERIFIED } from '../profile-state.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const profilePhoneVerify: H['profilePhoneVerify'] = async ({ body, context }) => {
  const tenant = await appOfRequest(context);
  const { user, otp } = await checkCode(context, tenant, { username: body.username, purpose: 'phone', code: body.authCode });
  await context.services.identity.users.update(tenant._id, user._id, { phone: otp.target, profile: { [PHONE_VERIFIED]: true } });
  return { status: 204 };
};
