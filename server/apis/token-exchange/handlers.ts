/**
 * Token exchange (seed 004, specs/token-exchange.yaml): one handler per operation, each in the file
 * named by its operationId, over the identity core (federation/, orgs/, api-keys.ts).
 */
import type { Handlers } from '../../../generated/token-exchange/operations.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';
import { authorize } from './authorize.ts';
import { createApiKey } from './createApiKey.ts';
import { getAccessToken } from './getAccessToken.ts';
import { getAccessTokenFromApiKeyValue } from './getAccessTokenFromApiKeyValue.ts';
import { getUserOrgs } from './getUserOrgs.ts';
import { isEmailAllowed } from './isEmailAllowed.ts';
import { isEmailAllowedOkta } from './isEmailAllowedOkta.ts';
import { listApiKeysInOrg } from './listApiKeysInOrg.ts';
import { listUserApiKeys } from './listUserApiKeys.ts';
import { refreshAccessToken } from './refreshAccessToken.ts';
import { registerInWorkspace } from './registerInWorkspace.ts';
import { revokeApiKey } from './revokeApiKey.ts';

export const handlers: Handlers<ApiPrincipal, ApiContext> = {
  authorize,
  createApiKey,
  getAccessToken,
  getAccessTokenFromApiKeyValue,
  getUserOrgs,
  isEmailAllowed,
  isEmailAllowedOkta,
  listApiKeysInOrg,
  listUserApiKeys,
  refreshAccessToken,
  registerInWorkspace,
  revokeApiKey,
};
