/**
 * POST /authorization/v1/refresh-access-token: a trusted issuer's access token, which must carry
 * the e-mail claim itself (no userinfo here), becomes a fresh access token of this API, checked
 * exactly as getAccessToken checks an ID token.
 */
import type { TokenExchangeHandler } from './handler-types.ts';
import { accessTokenFor, verifiedUser } from './exchange.ts';

export const refreshAccessToken: TokenExchangeHandler<'refreshAccessToken'> = async ({ body, context }) => {
  const verified = await verifiedUser(context, body.accessToken);
  return { status: 200, body: await accessTokenFor(context, verified, body.orgRid) };
};
