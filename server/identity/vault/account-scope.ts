/**
 * The `account` scope: managing the user's own account through the Vault API.
 *
 * Every access token of the Vault's OpenID provider has the Vault API among its audiences
 * (access-tokens.ts), so any relying party that a user logs in to holds a bearer token for the
 * Vault API. Being logged in to an application must not make that application the user's account
 * manager, hence the rule:
 *
 * - The operations that change what protects the account or acts for it need the scope `account`
 *   from EVERY credential: the user's API keys (list, create, regenerate), the password (the
 *   zkimg-1 commitment), passkeys (register, list, rename) and the e-mail address (which receives
 *   reset codes). The router requires it for the operations that are only self-service
 *   (apis/secrets-vault/scopes.ts); Create Key, Regenerate Key and Update E-mail also serve
 *   administrators, so their handlers apply it to the self-service path (api-key-admin.ts,
 *   updateEmail.ts).
 * - An access token carries `account` only when the user logged in through a client whose
 *   `allowed_scopes` list it and which asked for it: the tenant's administrators decide which
 *   applications manage accounts (their own account portal, say), as they decide every client's
 *   scopes (client-scopes.ts). A token with only OpenID scopes is good for userinfo and for reading
 *   who the user is (/me, /me/sessions: what userinfo and the session list tell anyway), nothing
 *   more. client_credentials never grants it: such a token has no user to act for.
 * - API keys are not exempt: a key's scopes are its whole authority. A key made for a script
 *   (`users:read`) cannot mint further keys, change its owner's password or enrol a passkey, and a
 *   key minted by a token without `account` cannot have it (a key never gets a scope its creator
 *   lacks). `*` includes it, as it includes every scope.
 */
import { hasScope, type Principal } from '../../http/principal.ts';

export const ACCOUNT_SCOPE = 'account';

/** Whether the credential may manage its own user's account (it must still have a user). */
export function mayManageOwnAccount(principal: Principal): boolean {
  return hasScope(principal, ACCOUNT_SCOPE);
}
