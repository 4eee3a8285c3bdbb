/**
 * Where `authenticate` may send the browser at the end, with the session tokens in the fragment:
 * only to a URL registered beforehand, compared exactly (as OAuth redirect URIs are, RFC 6749
 * §3.1.2.2 and OAuth 2.0 Security BCP §4.1), never to a caller-chosen one.
 *
 * - An application of the tenant's registry lists URLs for every user of the claims it grants.
 * - A frontend user registers URLs for themself (`registerfrontenduserandredirecturl`, from an
 *   open session). `authenticate` (no user yet) accepts a URL some user of the tenant registered;
 *   once the login says who the user is, the tokens go there only if it was that user.
 * - `access:frontend` sessions are for registered frontend users: the URL must be one of theirs.
 */
import type { DirectoryDeps } from './context.ts';

export async function registerRedirect(deps: DirectoryDeps, tenantId: string, userId: string, url: string): Promise<void> {
  await deps.store.directoryRedirects.updateOne(
    { _id: `${tenantId}|${userId}|${url}` },
    { $setOnInsert: { tenantId, userId, url, createdAt: deps.core.clock() } },
    { upsert: true },
  );
}

async function inRegistry(deps: DirectoryDeps, tenantId: string, claim: string, url: string): Promise<boolean> {
  return (await deps.store.directoryApplications.findOne({ tenantId, redirectUrls: url, claims: claim }, { projection: { _id: 1 } })) !== null;
}

/** Before the login: is the URL registered at all in the tenant for this claim? */
export async function redirectKnown(deps: DirectoryDeps, tenantId: string, claim: string, url: string): Promise<boolean> {
  if (claim !== 'access:frontend' && (await inRegistry(deps, tenantId, claim, url))) return true;
  return (await deps.store.directoryRedirects.findOne({ tenantId, url }, { projection: { _id: 1 } })) !== null;
}

/** After the login: may this user's tokens go to the URL? */
export async function redirectAllowedFor(deps: DirectoryDeps, tenantId: string, userId: string, claim: string, url: string): Promise<boolean> {
  if (claim !== 'access:frontend' && (await inRegistry(deps, tenantId, claim, url))) return true;
  return (await deps.store.directoryRedirects.findOne({ _id: `${tenantId}|${userId}|${url}` }, { projection: { _id: 1 } })) !== null;
}
