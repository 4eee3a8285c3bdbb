/** An API key of the identity core as this API's `ApiKey` (never its value or hash). */
import type { ApiKeyDoc } from '../../store/collections.ts';
import { userUuidOf } from '../../identity/orgs/org-ids.ts';
import { rids } from '../../identity/orgs/rids.ts';

export function apiKeyView(key: ApiKeyDoc) {
  return {
    rid: rids.apiKey(key._id),
    apiKeyName: key.name,
    createdBy: rids.user(userUuidOf(key.tenantId, key.ownerId ?? '')),
    createdAt: key.createdAt.toISOString(),
    ...(key.expiresAt !== null ? { expiresAt: key.expiresAt.toISOString() } : {}),
    isDeleted: key.revokedAt !== null,
  };
}
