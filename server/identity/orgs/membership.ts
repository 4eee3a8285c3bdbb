/**
 * Orgs and their members, on the identity core's tenants and users:
 *
 * - an org IS a tenant (name = the tenant's name, UUID from org-ids.ts);
 * - a person presenting a verified token is a member of
 *   - the tenant of the account the token speaks for, when it comes from one of the gateway's own
 *     issuers (a Vault tenant's OpenID provider: the `sub` of that tenant; the Passkeys API: the
 *     `sub` of the app in `tid`), as long as that account exists and is enabled. If it does not,
 *     the token speaks for no one and there is no membership anywhere;
 *   - every other tenant where an enabled user has the token's e-mail address, but only when the
 *     issuer vouches for the address (`email_verified`, or an issuer registered as verifying
 *     all): an unverified address proves nothing, and would let anyone who types someone else's
 *     address at some provider into that person's orgs. Within a tenant, the oldest such user
 *     is the member;
 * - an org administrator is a member whose roles (the Vault User's `roles`, SCIM `roles`)
 *   include `admin`.
 */
import type { TenantDoc, UserDoc } from '../../store/collections.ts';
import type { TenantService } from '../tenants.ts';
import type { UserService } from '../users.ts';
import type { GatewayAccount } from '../federation/trusted-issuers.ts';
import { orgUuidOf } from './org-ids.ts';
import { locatorOf } from './rids.ts';

export const ORG_ADMIN_ROLE = 'admin';

export interface Membership {
  tenant: TenantDoc;
  user: UserDoc;
  orgUuid: string;
}

export interface MemberClaims {
  account: GatewayAccount | null;
  email: string | null;
  emailVerified: boolean;
}

export function isOrgAdmin(user: UserDoc): boolean {
  const roles = user.profile.roles;
  return Array.isArray(roles) && roles.includes(ORG_ADMIN_ROLE);
}

export async function membershipsOf(deps: { tenants: TenantService; users: UserService }, who: MemberClaims): Promise<Membership[]> {
  const byTenant = new Map<string, UserDoc>();
  // One query for the account and the address (an unverified address is not looked up).
  const found = await deps.users.findByAccountOrEmail(who.account, who.email !== null && who.emailVerified ? who.email : null);
  if (who.account !== null) {
    const user = found.account;
    if (user === null || user.disabled) return [];
    byTenant.set(user.tenantId, user);
  }
  // Sorted by tenant, then oldest first: the first enabled user of each tenant is the member.
  for (const user of found.byEmail) {
    if (!user.disabled && !byTenant.has(user.tenantId)) byTenant.set(user.tenantId, user);
  }
  const memberships: Membership[] = [];
  for (const [tenantId, user] of byTenant) {
    const tenant = await deps.tenants.get(tenantId);
    if (tenant !== null) memberships.push({ tenant, user, orgUuid: orgUuidOf(tenantId) });
  }
  return memberships.sort((a, b) => (a.tenant._id < b.tenant._id ? -1 : a.tenant._id > b.tenant._id ? 1 : 0));
}

export type OrgChoice = { ok: true; membership: Membership } | { ok: false; reason: 'no_membership' | 'not_a_member' | 'ambiguous' };

/** The org a token is for: the one named by `orgRid`, or the only one; several without `orgRid` is ambiguous. */
export function chooseOrg(memberships: Membership[], orgRid: string | null | undefined): OrgChoice {
  if (memberships.length === 0) return { ok: false, reason: 'no_membership' };
  if (orgRid !== null && orgRid !== undefined) {
    const uuid = locatorOf('org', orgRid);
    const membership = memberships.find((m) => m.orgUuid === uuid);
    return membership === undefined ? { ok: false, reason: 'not_a_member' } : { ok: true, membership };
  }
  return memberships.length === 1 ? { ok: true, membership: memberships[0] } : { ok: false, reason: 'ambiguous' };
}
