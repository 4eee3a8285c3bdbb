/** POST /authorization/v1/user-orgs: the orgs of the ID token's user, org name by org UUID (omitted when none). */
import type { TokenExchangeHandler } from './handler-types.ts';
import { orgsOf, verifiedUser } from './exchange.ts';

export const getUserOrgs: TokenExchangeHandler<'getUserOrgs'> = async ({ body, context }) => {
  const memberships = await orgsOf(context, await verifiedUser(context, body.idToken, body.accessToken));
  if (memberships.length === 0) return { status: 200, body: {} };
  return { status: 200, body: { orgs: Object.fromEntries(memberships.map((m) => [m.orgUuid, m.tenant.name])) } };
};
