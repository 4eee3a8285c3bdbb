/**
 * What deleting a user takes with it, wherever the deletion comes from (the Vault's batch delete,
 * SCIM DELETE, later the Passkeys API): group memberships, API keys (revoked, so a copied key
 * stops at once), open sessions and refresh tokens (sessions.ts), the zkimg-1 commitment (image-derived
 * helper data), passkey credentials and e-mailed links. One rule, so no deletion path forgets one of them.
 */
import type { Store } from '../store/collections.ts';
import type { ApiKeyService } from './api-keys.ts';
import { endUserSessions } from './sessions.ts';
import { createScimGroupStore } from './scim/group-store.ts';

export async function removeUserTraces(store: Store, apiKeys: ApiKeyService, tenantId: string, userId: string, now = new Date()): Promise<void> {
  await createScimGroupStore(store).removeMember(tenantId, userId);
  for (const key of await apiKeys.list(tenantId, { ownerId: userId })) await apiKeys.revoke(tenantId, key._id);
  await endUserSessions(store, tenantId, userId, 'user_deleted', now);
  // The zkimg-1 commitment: one per user, under the user's id.
  await store.zkimgCommitments.deleteOne({ _id: userId, tenantId });
  await store.passkeyCredentials.deleteMany({ tenantId, userId });
  await store.accountLinks.deleteMany({ tenantId, userId });
}
