/**
 * Token exchange: one handler per operation of specs/token-exchange.yaml. Operations no issue has implemented
 * yet are bound to `notImplemented` (501 in this API's error shape; `npm run coverage:ops` counts them).
 */
import type { Handlers } from '../../../generated/token-exchange/operations.ts';
import { notImplemented } from '../../http/not-implemented.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';

export const handlers: Handlers<ApiPrincipal, ApiContext> = {
  authorize: notImplemented,
  createApiKey: notImplemented,
  getAccessToken: notImplemented,
  getAccessTokenFromApiKeyValue: notImplemented,
  getUserOrgs: notImplemented,
  isEmailAllowed: notImplemented,
  isEmailAllowedOkta: notImplemented,
  listApiKeysInOrg: notImplemented,
  listUserApiKeys: notImplemented,
  refreshAccessToken: notImplemented,
  registerInWorkspace: notImplemented,
  revokeApiKey: notImplemented,
};
