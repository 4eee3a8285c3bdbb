/**
 * Directory single sign-on. A browser login leaves a grant behind the `directory_sso` cookie (a
 * random secret; the record keeps its SHA-256); a later `authenticate` from that browser, in the
 * same tenant, opens a session from the grant without a round trip to the upstream provider.
 * `close` with `forceuserconsentonnextlogin` revokes every grant of the user, so the next login
 * goes to the provider again, with `prompt=login` (OpenID Connect Core §3.1.2.1).
 */
import { randomBytes } from 'node:crypto';
import type { DirectorySsoDoc } from '../../store/collections.ts';
import type { DirectoryDeps } from './context.ts';
import { sha256Hex } from './hash.ts';

export type SsoGrant = Pick<DirectorySsoDoc, 'tenantId' | 'userId' | 'subInfo' | 'displayName' | 'userInfo' | 'upstreamIssuer'>;

export async function createSso(deps: DirectoryDeps, grant: SsoGrant): Promise<{ id: string; cookie: string }> {
  const cookie = randomBytes(32).toString('base64url');
  const now = deps.core.clock();
  const id = sha256Hex(cookie);
  await deps.store.directorySso.insertOne({ _id: id, ...grant, createdAt: now, expiresAt: new Date(now.getTime() + deps.settings.ssoSeconds * 1000), revokedAt: null });
  return { id, cookie };
}

/**
 * The grant behind this browser's cookie: `grant` when live; `forced` when the cookie names a grant
 * that a forced close revoked (the next upstream login must prompt).
 */
export async function ssoOf(deps: DirectoryDeps, tenantId: string, cookie: string | undefined): Promise<{ grant: DirectorySsoDoc | null; forced: boolean }> {
  if (!cookie) return { grant: null, forced: false };
  const doc = await deps.store.directorySso.findOne({ _id: sha256Hex(cookie), tenantId, expiresAt: { $gt: deps.core.clock() } });
  if (doc === null) return { grant: null, forced: false };
  return doc.revokedAt === null ? { grant: doc, forced: false } : { grant: null, forced: true };
}

export async function revokeUserSso(deps: DirectoryDeps, tenantId: string, userId: string): Promise<void> {
  await deps.store.directorySso.updateMany({ tenantId, userId, revokedAt: null }, { $set: { revokedAt: deps.core.clock() } });
}
