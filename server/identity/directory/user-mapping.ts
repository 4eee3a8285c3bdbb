/**
 * Which directory user an upstream identity is.
 * - The gateway's own Vault, same tenant: the ID token's `sub` IS the core user's id.
 * - Any other provider: the core user of the tenant whose `externalId` is `<issuer>#<sub>`,
 *   created at the first login (just-in-time provisioning) from the `preferred_username`, `email`
 *   and `name` claims.
 * A disabled user, or a Vault subject the tenant does not know, gets no session.
 */
import { issuers } from '../../issuers.ts';
import type { UserDoc } from '../../store/collections.ts';
import { IdentityError } from '../errors.ts';
import type { UpstreamIdentity } from '../upstream-oidc.ts';
import type { DirectoryDeps } from './context.ts';
import { DirectoryRefusal } from './refusal.ts';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

async function provision(deps: DirectoryDeps, tenantId: string, identity: UpstreamIdentity, externalId: string): Promise<UserDoc> {
  const email = str(identity.claims.email) ?? null;
  const name = str(identity.claims.name);
  const preferred = str(identity.claims.preferred_username) ?? email ?? identity.sub;
  for (const username of [preferred, `${identity.sub}@${new URL(identity.issuer).host}`]) {
    try {
      return await deps.core.users.create(tenantId, { username: username.slice(0, 128), email, displayName: name ?? username, externalId });
    } catch (error) {
      if (!(error instanceof IdentityError && error.code === 'resource.conflict')) throw error;
      // a concurrent first login of the same identity may have created it
      const raced = await deps.store.users.findOne({ tenantId, externalId });
      if (raced) return raced;
    }
  }
  throw new DirectoryRefusal('forbidden', 'No username is free for this upstream identity');
}

export async function directoryUserFor(deps: DirectoryDeps, tenantId: string, identity: UpstreamIdentity): Promise<UserDoc> {
  let user: UserDoc | null;
  if (identity.issuer === issuers.vault(deps.core.publicUrl, tenantId)) {
    user = await deps.core.users.get(tenantId, identity.sub);
    if (user === null) throw new DirectoryRefusal('forbidden', 'The upstream subject is not a user of this tenant');
  } else {
    const externalId = `${identity.issuer}#${identity.sub}`;
    user = (await deps.store.users.findOne({ tenantId, externalId })) ?? (await provision(deps, tenantId, identity, externalId));
  }
  if (user.disabled) throw new DirectoryRefusal('forbidden', 'This user is disabled');
  return user;
}
