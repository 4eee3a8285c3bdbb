/**
 * Who is calling: what every security scheme produces and every handler receives, typed into the
 * generated Handlers through their Principal parameter.
 */
import type { UserDoc } from '../store/collections.ts';

export type PrincipalKind = 'api_key' | 'access_token' | 'directory_session' | 'passkeys_session' | 'client';

export interface Principal {
  /** the security scheme (as named in the spec) that authenticated the request */
  scheme: string;
  kind: PrincipalKind;
  tenantId: string;
  /** the user acting, when the credential belongs to one */
  userId?: string;
  /** key id, user id or client id: who to name in the audit log */
  subject: string;
  /** `*` grants every scope */
  scopes: readonly string[];
  /** API key id or token jti, for revocation and audit */
  credentialId: string;
  claims?: Readonly<Record<string, unknown>>;
  /** the user's record when authentication read it (an API key's owner), so a handler need not read it again */
  user?: Readonly<UserDoc>;
}

export function hasScope(p: Principal, scope: string): boolean {
  return p.scopes.includes('*') || p.scopes.includes(scope);
}

export const PLATFORM_ADMIN_SCOPE = 'tenants:admin';
/** The tenant whose administrators administer the platform (identity/bootstrap.ts). */
export const PLATFORM_TENANT = 'default';

/**
 * Only a credential of the platform tenant holding `tenants:admin` (or `*`, as the bootstrap admin
 * key does) may act in other tenants: a `*` key of any other tenant stays inside its own.
 */
export function isPlatformAdmin(p: Principal): boolean {
  return p.tenantId === PLATFORM_TENANT && hasScope(p, PLATFORM_ADMIN_SCOPE);
}
