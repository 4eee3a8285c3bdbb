/**
 * Who may administer which tenant through the Vault's admin operations.
 *
 * The router already enforces a `tenant_id` PATH parameter. Several operations name their tenant
 * elsewhere (a query parameter: Read Clients, List User Keys; the body: Create Client, Create User
 * Key) or not at all (Update Client, Regenerate Api Key, me): those resolve the tenant here, with
 * the same rule: a principal acts inside its own tenant only, unless it holds the platform scope
 * `tenants:admin` in the platform tenant (principal.ts `isPlatformAdmin`).
 */
import { forbidden, notFound } from '../../http/errors.ts';
import { isPlatformAdmin, PLATFORM_ADMIN_SCOPE, type Principal } from '../../http/principal.ts';
import type { GatewayServices } from '../../services.ts';
import type { TenantDoc } from '../../store/collections.ts';

export { isPlatformAdmin, PLATFORM_ADMIN_SCOPE };

/**
 * The tenant a request may act on: `requested` when it is the principal's own or the principal is
 * a platform admin (and the tenant exists), else 403, as the router answers for path tenants.
 */
export async function tenantToAdminister(services: GatewayServices, principal: Principal, requested: string): Promise<TenantDoc> {
  if (requested !== principal.tenantId && !isPlatformAdmin(principal)) throw forbidden('This credential belongs to another tenant');
  const tenant = await services.identity.tenants.get(requested);
  if (tenant === null) throw notFound(`Tenant ${requested} not found`);
  return tenant;
}

/**
 * The user behind the credential: an API key's owner, or an access token's `sub`, except for a
 * client_credentials token, whose `sub` is its client (oauth/grants/client-credentials.ts: `sub` = client id there).
 */
export function userIdOf(principal: Principal): string | undefined {
  if (principal.userId === undefined || principal.userId === '') return undefined;
  if (principal.kind === 'access_token' && principal.claims?.client_id === principal.userId) return undefined;
  return principal.userId;
}

/** The user behind the credential, or a 404 that says why there is none. */
export function requireUserId(principal: Principal): string {
  const userId = userIdOf(principal);
  if (userId === undefined) {
    throw notFound('This credential is not tied to a user (a tenant-level API key or a client_credentials token); use a user\'s API key or access token');
  }
  return userId;
}
