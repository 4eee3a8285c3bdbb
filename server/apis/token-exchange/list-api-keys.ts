/**
 * The listing listApiKeysInOrg and listUserApiKeys share: this API's keys of the org (or of the
 * caller), newest first, a page at a time, through the identity core's keyset paging. The page
 * token is sealed with the listing it belongs to (identity/page-tokens.ts): the org, and for the
 * caller's own listing the caller, so a token from another org or another user's listing is
 * refused as an invalid argument rather than read.
 */
import type { ApiKeyCursor } from '../../identity/api-keys.ts';
import { ORG_API_KEY_SCOPE, type OrgCaller } from '../../identity/orgs/org-access-tokens.ts';
import { openPageToken, sealPageToken } from '../../identity/page-tokens.ts';
import type { ApiContext } from '../types.ts';
import { apiKeyView } from './api-key-view.ts';
import { invalidArgument } from './conjure-errors.ts';

export const DEFAULT_PAGE_SIZE = 100;

export interface ListRequest {
  includeDeleted?: boolean | null;
  includeExpired?: boolean | null;
  pageSize?: number | null;
  nextPageToken?: string | null;
}

function cursorFrom(position: unknown): ApiKeyCursor | null {
  const p = position as { c?: unknown; i?: unknown } | null;
  if (p === null || typeof p.c !== 'number' || typeof p.i !== 'string') return null;
  return { createdAt: new Date(p.c), id: p.i };
}

export async function listApiKeys(context: ApiContext, caller: OrgCaller, body: ListRequest, ownKeysOnly: boolean) {
  const { identity } = context.services;
  const binding = `api-keys|${caller.tenantId}|${ownKeysOnly ? `user:${caller.user._id}` : 'org'}`;
  let after: ApiKeyCursor | null = null;
  if (body.nextPageToken) {
    after = cursorFrom(openPageToken(identity.sealer, binding, body.nextPageToken));
    if (after === null) throw invalidArgument('Unknown page token', { nextPageToken: 'invalid' });
  }
  const { items, next } = await identity.apiKeys.page(caller.tenantId, {
    scope: ORG_API_KEY_SCOPE,
    ...(ownKeysOnly ? { ownerId: caller.user._id } : {}),
    includeRevoked: body.includeDeleted === true,
    includeExpired: body.includeExpired === true,
    after,
    limit: body.pageSize ?? DEFAULT_PAGE_SIZE,
  });
  return {
    status: 200 as const,
    body: {
      apiKeys: items.map(apiKeyView),
      ...(next !== null ? { nextPageToken: sealPageToken(identity.sealer, binding, { c: next.createdAt.getTime(), i: next.id }) } : {}),
    },
  };
}
