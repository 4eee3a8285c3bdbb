/**
 * A tenant's registry of Directory applications, managed through the operator API. An application
 * is granted to a session whose claim (`access:client` ...) is one of its `claims`; it declares the
 * third-party scopes (`appclaims`) a session may ask for and the final redirect URLs `authenticate`
 * may send the browser to.
 */
import type { DirectoryApplicationDoc } from '../../store/collections.ts';
import type { DirectoryDeps } from './context.ts';

export interface ApplicationInput {
  name: string;
  url?: string | null;
  claims: string[];
  scopes?: string[];
  redirectUrls?: string[];
}

const idOf = (tenantId: string, appId: string) => `${tenantId}|${appId}`;

export async function putApplication(deps: DirectoryDeps, tenantId: string, appId: string, input: ApplicationInput): Promise<DirectoryApplicationDoc> {
  const now = deps.core.clock();
  const fields = {
    tenantId,
    appId,
    name: input.name,
    url: input.url ?? null,
    claims: [...new Set(input.claims)],
    scopes: [...new Set(input.scopes ?? [])],
    redirectUrls: [...new Set(input.redirectUrls ?? [])],
    updatedAt: now,
  };
  const doc = await deps.store.directoryApplications.findOneAndUpdate(
    { _id: idOf(tenantId, appId) },
    { $set: fields, $setOnInsert: { createdAt: now } },
    { upsert: true, returnDocument: 'after' },
  );
  return doc!;
}

export async function deleteApplication(deps: DirectoryDeps, tenantId: string, appId: string): Promise<boolean> {
  return (await deps.store.directoryApplications.deleteOne({ _id: idOf(tenantId, appId), tenantId })).deletedCount === 1;
}

export function listApplications(deps: DirectoryDeps, tenantId: string): Promise<DirectoryApplicationDoc[]> {
  return deps.store.directoryApplications.find({ tenantId }).sort({ appId: 1 }).limit(1000).toArray();
}

/** The applications a session with this claim may open. */
export function applicationsForClaim(deps: DirectoryDeps, tenantId: string, claim: string): Promise<DirectoryApplicationDoc[]> {
  return deps.store.directoryApplications.find({ tenantId, claims: claim }).sort({ appId: 1 }).limit(1000).toArray();
}

/** The app claims among `requested` that no application granted to `claim` declares. */
export async function ungrantedAppClaims(deps: DirectoryDeps, tenantId: string, claim: string, requested: string[]): Promise<string[]> {
  if (requested.length === 0) return [];
  const granted = new Set((await applicationsForClaim(deps, tenantId, claim)).flatMap((a) => a.scopes));
  return requested.filter((c) => !granted.has(c));
}
