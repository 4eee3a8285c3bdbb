/**
 * Access tokens of an org member (the token-exchange API's `accessToken`), issued by the one token
 * service: EdDSA, `typ` `at+jwt` (RFC 9068), issuer and audience of the token-exchange API
 * (issuers.ts), `sub` the user, `tid` the org's tenant, `org` the org's UUID, and `akid` when the
 * token was exchanged for an API key.
 *
 * The token is checked again on every use (`callerOf`): its user must still exist and be enabled,
 * and the API key it came from must still be live, so disabling a user or revoking a key takes
 * effect at once rather than when the token expires.
 */
import type { ApiKeyService } from '../api-keys.ts';
import type { Clock } from '../clock.ts';
import type { TokenService } from '../tokens.ts';
import type { UserService } from '../users.ts';
import type { UserDoc } from '../../store/collections.ts';
import { audiences, issuers } from '../../issuers.ts';
import { isOrgAdmin, type Membership } from './membership.ts';
import { orgUuidOf, userUuidOf } from './org-ids.ts';

export const ORG_ACCESS_TOKEN_TTL_SECONDS = 3600;
/** The scope of the API keys this API creates and exchanges: its keys among the tenant's. */
export const ORG_API_KEY_SCOPE = 'token-exchange';

export interface OrgAccessToken {
  accessToken: string;
  expiresAtSeconds: number;
  userUuid: string;
  orgUuid: string;
}

export async function issueOrgAccessToken(deps: { tokens: TokenService; publicUrl: string }, membership: Membership, via: { apiKeyId?: string } = {}): Promise<OrgAccessToken> {
  const { user } = membership;
  const issued = await deps.tokens.issue({
    issuer: issuers.tokenExchange(deps.publicUrl),
    audience: audiences.tokenExchangeApi(deps.publicUrl),
    subject: user._id,
    alg: 'EdDSA',
    typ: 'at+jwt',
    ttlSeconds: ORG_ACCESS_TOKEN_TTL_SECONDS,
    claims: {
      tid: user.tenantId,
      org: membership.orgUuid,
      scope: ORG_API_KEY_SCOPE,
      ...(user.email ? { email: user.email } : {}),
      ...(via.apiKeyId ? { akid: via.apiKeyId } : {}),
    },
  });
  return {
    accessToken: issued.token,
    expiresAtSeconds: Math.floor(issued.expiresAt.getTime() / 1000),
    userUuid: userUuidOf(user.tenantId, user._id),
    orgUuid: membership.orgUuid,
  };
}

export interface OrgCaller {
  tenantId: string;
  orgUuid: string;
  user: UserDoc;
  userUuid: string;
  isAdmin: boolean;
}

/** The member behind a verified access token, or null when its user or API key no longer counts. */
export async function callerOf(
  deps: { users: UserService; apiKeys: ApiKeyService; clock: Clock },
  claims: { tid: string; sub: string; akid?: unknown },
): Promise<OrgCaller | null> {
  const user = await deps.users.get(claims.tid, claims.sub);
  if (user === null || user.disabled) return null;
  if (typeof claims.akid === 'string') {
    const key = await deps.apiKeys.get(claims.tid, claims.akid);
    const live = key !== null && key.revokedAt === null && (key.expiresAt === null || key.expiresAt.getTime() > deps.clock().getTime());
    if (!live) return null;
  }
  return { tenantId: user.tenantId, orgUuid: orgUuidOf(user.tenantId), user, userUuid: userUuidOf(user.tenantId, user._id), isAdmin: isOrgAdmin(user) };
}
