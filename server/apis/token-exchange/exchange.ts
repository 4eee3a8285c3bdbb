/**
 * The steps getAccessToken, refreshAccessToken and getUserOrgs share: verify a trusted issuer's
 * token (identity/federation/), complete the e-mail from userinfo when allowed, require it, and
 * find the user's orgs (identity/orgs/membership.ts).
 */
import { withUserinfoEmail, type FederatedToken } from '../../identity/federation/index.ts';
import { chooseOrg, membershipsOf, type Membership } from '../../identity/orgs/membership.ts';
import { issueOrgAccessToken } from '../../identity/orgs/org-access-tokens.ts';
import type { ApiContext } from '../types.ts';
import { invalidArgument, missingClaims, noMembership, tokenRefusal } from './conjure-errors.ts';

export async function verifiedUser(context: ApiContext, token: string, userinfoAccessToken?: string | null): Promise<FederatedToken> {
  let verified: FederatedToken;
  try {
    verified = await context.services.identity.federation.verify(token);
  } catch (error) {
    throw tokenRefusal(error);
  }
  if (userinfoAccessToken) verified = await withUserinfoEmail(verified, userinfoAccessToken);
  if (verified.email === null) throw missingClaims(verified.issuer.emailClaim);
  return verified;
}

export function orgsOf(context: ApiContext, verified: FederatedToken): Promise<Membership[]> {
  const { identity } = context.services;
  return membershipsOf(identity, { account: verified.issuer.accountOf(verified.claims), email: verified.email, emailVerified: verified.emailVerified });
}

/** The access token for the org the caller chose (or the only one), in the shape of GetAccessTokenResponse. */
export async function accessTokenFor(context: ApiContext, verified: FederatedToken, orgRid: string | null | undefined) {
  const choice = chooseOrg(await orgsOf(context, verified), orgRid);
  if (!choice.ok) {
    if (choice.reason === 'ambiguous') throw invalidArgument('The user belongs to several orgs: name one in orgRid', { orgRid: 'required' });
    throw noMembership();
  }
  const { identity } = context.services;
  return issueOrgAccessToken({ tokens: identity.tokens, publicUrl: identity.publicUrl }, choice.membership);
}
