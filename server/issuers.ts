/**
 * Who issues which tokens, and for which audience: one place, so the issuing side (each API's
 * token endpoints) and the verifying side (security schemes) cannot disagree.
 */
export const issuers = {
  /** the Vault's OpenID provider, one issuer per tenant (docs.secretsvault.net) */
  vault: (publicUrl: string, tenantId: string) => `${publicUrl}/api/oidc/${tenantId}`,
  passkeys: (publicUrl: string) => `${publicUrl}/fido2/v2`,
  directory: (publicUrl: string) => `${publicUrl}/directory/api/directorysession`,
  tokenExchange: (publicUrl: string) => `${publicUrl}/authorization/v1`,
};

/** The tenant of a Vault issuer URL, or null when the URL is not one of ours. */
export function vaultTenantOf(publicUrl: string, issuer: string | undefined): string | null {
  const prefix = `${publicUrl}/api/oidc/`;
  if (!issuer || !issuer.startsWith(prefix)) return null;
  const tenant = issuer.slice(prefix.length);
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(tenant) ? tenant : null;
}

/** Audiences of access tokens that the gateway's own APIs accept as bearer credentials. */
export const audiences = {
  vaultApi: (publicUrl: string) => `${publicUrl}/api`,
  passkeysApi: (publicUrl: string) => `${publicUrl}/fido2/v2`,
  passkeysSession: (publicUrl: string) => `${publicUrl}/fido2/v2#session`,
  directorySession: (publicUrl: string) => `${publicUrl}/directory/api/directorysession`,
  /** the Directory's `http_access_token`, for the Infinite HTTP data services */
  directoryHttp: (publicUrl: string) => `${publicUrl}/directory/api/http`,
  tokenExchangeApi: (publicUrl: string) => `${publicUrl}/authorization/v1`,
};
