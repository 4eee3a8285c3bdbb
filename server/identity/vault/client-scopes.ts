/**
 * The scopes an OAuth client may hold (`allowed_scopes`) and be granted: one rule for the places
 * that decide it, registration (Create and Update Client, client-registry.ts), the authorization
 * endpoint (authorize-checks.ts) and the token endpoint's grants (grant-client-credentials.ts,
 * token-set.ts for the code and refresh grants).
 *
 * A client acts with its scopes: alone with client_credentials, and for every user who logs in
 * through it with the code flow. Writing a client's `allowed_scopes` is therefore granting those
 * scopes, and follows the rule for granting an API key (api-key-admin.ts `scopesForNewKey`):
 * - user-delegated scopes, which give a client only what the logged-in user is, may be listed by
 *   anyone who may write the tenant's clients: the OpenID scopes (`openid profile email
 *   offline_access`, OpenID Connect Core §5.4, §11) and the Vault's `account` (account-scope.ts:
 *   the tenant's administrators choose which applications manage accounts). client_credentials
 *   never grants them (RFC 6749 §4.4: the client acts for itself, there is no user);
 * - platform scopes (`*`, `tenants:admin`, `gateway:*`) only by a platform admin holding them,
 *   and only to a client of the platform tenant (platform-scopes.ts);
 * - any other scope (the Vault API's, `users:read` say) only by a caller who holds it: updating a
 *   client can set its secret and redirect URIs, i.e. take it over, so Update checks the whole
 *   list again, not only what it adds.
 * Grants intersect with what a client of the tenant may hold (`tenantMayHold`), so a record written
 * before this rule, or straight into the store, never yields a platform scope outside the platform
 * tenant.
 */
import { forbidden } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import { ACCOUNT_SCOPE } from './account-scope.ts';
import { grantRefusal, tenantMayHold } from './platform-scopes.ts';

/** The OpenID Connect scopes this provider serves (OpenID Connect Core §5.4, §11). */
export const OPENID_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access'];
/** Scopes that act for the logged-in user, granted only through user grants (code, refresh). */
export const USER_DELEGATED_SCOPES: ReadonlySet<string> = new Set([...OPENID_SCOPES, ACCOUNT_SCOPE]);

/** Refuses (403) an `allowed_scopes` list the caller may not give to a client of `tenantId`. */
export function checkClientScopes(caller: Principal, tenantId: string, scopes: readonly string[]): void {
  const refused = scopes.filter((s) => !USER_DELEGATED_SCOPES.has(s) && grantRefusal(caller, tenantId, s) !== null);
  if (refused.length > 0) {
    throw forbidden(`allowed_scopes may hold the OpenID scopes, ${ACCOUNT_SCOPE}, and scopes the caller holds (platform scopes only for a platform admin, in the platform tenant); refused: ${refused.join(' ')}`);
  }
}

/** What a client of `tenantId` listing `allowedScopes` may be granted in a user grant (code, refresh). */
export function userGrantableScopes(tenantId: string, allowedScopes: readonly string[]): string[] {
  return allowedScopes.filter((s) => tenantMayHold(tenantId, s));
}

/** What a client of `tenantId` listing `allowedScopes` may be granted for itself (client_credentials). */
export function clientGrantableScopes(tenantId: string, allowedScopes: readonly string[]): string[] {
  return allowedScopes.filter((s) => !USER_DELEGATED_SCOPES.has(s) && tenantMayHold(tenantId, s));
}
