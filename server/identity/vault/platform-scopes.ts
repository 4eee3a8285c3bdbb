/**
 * Platform scopes: the scopes whose holder acts beyond its own tenant.
 *
 * - `*` (every scope) and `tenants:admin` pass the router's tenant guard (principal.ts
 *   `isPlatformAdmin`), so they read and write every tenant;
 * - every `gateway:*` scope names an operation of the operator API, which serves the whole
 *   platform (the outbox of every tenant, the crypto core), not one tenant.
 *
 * One rule, for every credential that can carry them (API keys, and the access tokens a client
 * is granted): a platform scope is held only inside the platform tenant, and is handed on only
 * by a platform admin who holds it itself. Anything of another tenant that names one (a record
 * written before this rule, or straight into the store) never yields it.
 */
import { ALL_SCOPES } from '../api-keys.ts';
import { hasScope, isPlatformAdmin, PLATFORM_ADMIN_SCOPE, PLATFORM_TENANT, type Principal } from '../../http/principal.ts';

export const GATEWAY_SCOPE_PREFIX = 'gateway:';

export function isPlatformScope(scope: string): boolean {
  return scope === ALL_SCOPES || scope === PLATFORM_ADMIN_SCOPE || scope.startsWith(GATEWAY_SCOPE_PREFIX);
}

/** Whether a credential of `tenantId` may carry `scope`: platform scopes only in the platform tenant. */
export function tenantMayHold(tenantId: string, scope: string): boolean {
  return !isPlatformScope(scope) || tenantId === PLATFORM_TENANT;
}

/**
 * Whether `granter` holds `scope` itself, so that handing it on gives nobody more than the granter
 * has: `*` only by a holder of `*` itself (hasScope would let `*` stand for any scope, and a
 * holder of `users:read` for nothing more).
 */
export function holdsScope(granter: Principal, scope: string): boolean {
  return scope === ALL_SCOPES ? granter.scopes.includes(ALL_SCOPES) : hasScope(granter, scope);
}

/**
 * Why `granter` may not give `scope` to a credential of `tenantId`, or null when it may. Every
 * scope needs the granter to hold it; a platform scope also needs a platform admin granting it
 * inside the platform tenant.
 */
export function grantRefusal(granter: Principal, tenantId: string, scope: string): 'platform_tenant_only' | 'platform_admin_only' | 'not_held' | null {
  if (isPlatformScope(scope)) {
    if (tenantId !== PLATFORM_TENANT) return 'platform_tenant_only';
    if (!isPlatformAdmin(granter)) return 'platform_admin_only';
  }
  return holdsScope(granter, scope) ? null : 'not_held';
}
