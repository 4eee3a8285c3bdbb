/**
 * Which core user of a tenant an identity from an upstream OpenID provider is, for every API that
 * signs users in through another provider (upstream-oidc.ts validated the ID token):
 * - The gateway's own Vault, same tenant: the ID token's `sub` IS the core user's id.
 * - Any other provider (or another Vault tenant): the core user of the tenant whose `externalId`
 *   is `<issuer>#<sub>`, created at the first login (just-in-time provisioning) from the
 *   `preferred_username`, `email` and `name` claims; the issuer and subject pair links the two
 *   (OpenID Connect Core 1.0 §5.7: `sub` is unique only within its issuer).
 * A disabled user, or a Vault subject the tenant does not know, is refused; the API says how.
 */
import { issuers } from '../issuers.ts';
import type { Store, UserDoc } from '../store/collections.ts';
import { IdentityError } from './errors.ts';
import type { UpstreamIdentity } from './upstream-oidc.ts';
import type { UserService } from './users.ts';

export interface UpstreamUserDeps {
  core: { publicUrl: string; users: UserService };
  store: Store;
}

export type UpstreamUserRefusal =
  /** the tenant's own Vault named a subject the tenant does not know */
  | 'unknown_subject'
  /** the user is disabled (deactivated) */
  | 'disabled'
  /** every username the claims suggest is another user's */
  | 'no_username';

export type UpstreamUser = { ok: true; user: UserDoc; created: boolean } | { ok: false; refusal: UpstreamUserRefusal; message: string };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

async function provision(deps: UpstreamUserDeps, tenantId: string, identity: UpstreamIdentity, externalId: string): Promise<UserDoc | null> {
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
  return null;
}

export async function upstreamUserFor(deps: UpstreamUserDeps, tenantId: string, identity: UpstreamIdentity): Promise<UpstreamUser> {
  let user: UserDoc | null;
  let created = false;
  if (identity.issuer === issuers.vault(deps.core.publicUrl, tenantId)) {
    user = await deps.core.users.get(tenantId, identity.sub);
    if (user === null) return { ok: false, refusal: 'unknown_subject', message: 'The upstream subject is not a user of this tenant' };
  } else {
    const externalId = `${identity.issuer}#${identity.sub}`;
    user = await deps.store.users.findOne({ tenantId, externalId });
    if (user === null) {
      user = await provision(deps, tenantId, identity, externalId);
      if (user === null) return { ok: false, refusal: 'no_username', message: 'No username is free for this upstream identity' };
      created = true;
    }
  }
  if (user.disabled) return { ok: false, refusal: 'disabled', message: 'This user is disabled' };
  return { ok: true, user, created };
}
