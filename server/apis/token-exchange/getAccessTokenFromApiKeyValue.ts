/**
 * POST /api-key-internal/v1/access-token: one of this API's keys becomes an access token of its
 * owner in its org. Unknown, revoked and expired keys, keys of a disabled user, and keys of other
 * APIs all get the same NotAuthorized, so the answer tells nothing about which keys exist.
 */
import { ORG_API_KEY_SCOPE, issueOrgAccessToken } from '../../identity/orgs/org-access-tokens.ts';
import { orgUuidOf } from '../../identity/orgs/org-ids.ts';
import type { TokenExchangeHandler } from './handler-types.ts';
import { notAuthorized } from './conjure-errors.ts';

export const getAccessTokenFromApiKeyValue: TokenExchangeHandler<'getAccessTokenFromApiKeyValue'> = async ({ body, context }) => {
  const { identity } = context.services;
  const key = await identity.apiKeys.authenticate(body.apiKeyValue, { ip: context.ip, userAgent: context.userAgent });
  if (key === null || key.ownerId === null || !key.scopes.includes(ORG_API_KEY_SCOPE)) throw notAuthorized('Unknown, revoked or expired API key');
  const [tenant, user] = await Promise.all([identity.tenants.get(key.tenantId), key.owner ?? identity.users.get(key.tenantId, key.ownerId)]);
  if (tenant === null || user === null || user.disabled) throw notAuthorized('Unknown, revoked or expired API key');
  const token = await issueOrgAccessToken({ tokens: identity.tokens, publicUrl: identity.publicUrl }, { tenant, user, orgUuid: orgUuidOf(tenant._id) }, { apiKeyId: key.keyId });
  return { status: 200, body: token };
};
