/**
 * Cutting a user off: what disabling and deleting a user do to the ways in they already have.
 *
 * - Every open login session of the user ends, and every refresh token of the user is revoked, in
 *   one `updateMany` each. Access tokens name their session (`sid`) and the bearer scheme refuses
 *   a token whose session has ended (security/bearer-jwt.ts), so the user's tokens stop at once,
 *   not at their `exp`; the refresh grant refuses too.
 * - A login racing with the cut (a session created after the `updateMany`) cannot yield a token:
 *   every token issue reads the user and refuses a disabled or missing one (vault/token-set.ts).
 * - The user's API keys are not revoked by disabling: authentication refuses a key whose owner is
 *   disabled or gone (api-keys.ts), so they stop while the user is disabled and work again only if
 *   an administrator enables the user (disabling is reversible, unlike revocation; an administrator
 *   who wants them gone revokes them). Deletion revokes them (user-removal.ts).
 *
 * users.ts applies this whenever an update disables a user, so every path that disables (the
 * Vault's Update User, SCIM `active: false`, `setDisabled`) goes through it.
 */
import type { Store } from '../store/collections.ts';

export async function endUserSessions(store: Store, tenantId: string, userId: string, reason: string, now: Date): Promise<void> {
  await store.sessions.updateMany({ tenantId, userId, endedAt: null }, { $set: { endedAt: now } });
  await store.refreshTokens.updateMany({ tenantId, userId, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } });
}
