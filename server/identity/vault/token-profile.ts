/**
 * The Vault's token profile (identity/oauth/grant.ts `TokenProfile`): the tenant's issuer, the
 * Vault API as the access tokens' audience, and the Vault's rule for which scopes a client may be
 * granted (client-scopes.ts).
 */
import { audiences, issuers } from '../../issuers.ts';
import type { ScopePolicy, TokenProfile } from '../oauth/grant.ts';
import { clientGrantableScopes, userGrantableScopes } from './client-scopes.ts';

export const VAULT_SCOPE_POLICY: ScopePolicy = { userGrantable: userGrantableScopes, clientGrantable: clientGrantableScopes };

export function vaultTokenProfile(publicUrl: string, tenantId: string): TokenProfile {
  return { issuer: issuers.vault(publicUrl, tenantId), audience: audiences.vaultApi(publicUrl), scopes: VAULT_SCOPE_POLICY, redeemsUnboundRefreshTokens: true };
}
