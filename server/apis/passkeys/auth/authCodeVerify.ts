/** POST /auth/otp/verify: a sign-in code (under the core's lockout, otp-check.ts) for the user's JWT. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { issueAccessToken, SELF_GRANTS } from '../../../identity/loginid/tokens.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfRequest } from '../app-context.ts';
import { checkCode } from '../otp-check.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const authCodeVerify: H['authCodeVerify'] = async ({ body, context }) => {
  const tenant = await appOfRequest(context);
  const { user } = await checkCode(context, tenant, { username: body.user.username, purpose: 'auth', code: body.authCode });
  const jwtAccess = await issueAccessToken(context.services.identity.tokens, {
    publicUrl: context.services.config.publicUrl,
    tenantId: tenant._id,
    userId: user._id,
    username: user.username,
    grants: SELF_GRANTS,
  });
  return { status: 200, body: { jwtAccess, userId: user._id } };
};
