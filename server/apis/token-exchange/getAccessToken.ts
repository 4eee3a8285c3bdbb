/**
 * POST /authorization/v1/access-token: an ID token of a trusted issuer becomes this API's access
 * token for the user in the org (the only one, or the one `orgRid` names). The optional
 * `accessToken` reads the e-mail from the issuer's userinfo when the ID token lacks it.
 */
import type { TokenExchangeHandler } from './handler-types.ts';
import { accessTokenFor, verifiedUser } from './exchange.ts';

export const getAccessToken: TokenExchangeHandler<'getAccessToken'> = async ({ body, context }) => {
  const verified = await verifiedUser(context, body.idToken, body.accessToken);
  return { status: 200, body: await accessTokenFor(context, verified, body.orgRid) };
};
