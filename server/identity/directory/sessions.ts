/**
 * Directory sessions. A session lives until `session_eol` (the deployment's session lifetime) and
 * only while heartbeats keep coming: each `heartbeat` moves `heartbeat_before` to now +
 * `clientmaxidledurationsec` (never past the end of life) and renews both bearers. A session idle
 * past `heartbeat_before`, past its end of life, or closed is gone: the bearer scheme asks
 * `sessionAlive` on every request, so its tokens stop at once, on every instance.
 *
 * Bearers are JWTs of the core's token service, issuer `${PUBLIC_URL}/directory/api/directorysession`:
 * `directory_access_token` for this API (audience the same URL), `http_access_token` for the
 * Infinite HTTP data services (audience `${PUBLIC_URL}/directory/api/http`). Both carry `tid`,
 * `sid` (the session), `claims` (the granted claim) and `appclaims`; with `needextendedbearer` the
 * directory bearer also carries the user's `oidc` identity, `teams` (SCIM groups) and `tags`.
 * Their lifetime is the idle window, so a token cannot outlive the session's next missed heartbeat.
 */
import { randomUUID } from 'node:crypto';
import type { components } from '../../../generated/directory-session/schema.ts';
import { audiences, issuers } from '../../issuers.ts';
import { epochSeconds } from '../clock.ts';
import type { DirectorySessionDoc } from '../../store/collections.ts';
import type { DirectoryDeps } from './context.ts';

export type NewSession = Omit<DirectorySessionDoc, '_id' | 'createdAt' | 'heartbeatBefore' | 'expiresAt' | 'closedAt'>;

/** DirectorySession of specs/directory-session.yaml. */
export type DirectorySessionView = components['schemas']['DirectorySession'];

const alive = (now: Date) => ({ closedAt: null, heartbeatBefore: { $gt: now }, expiresAt: { $gt: now } });

export async function createSession(deps: DirectoryDeps, input: NewSession): Promise<DirectorySessionDoc> {
  const now = deps.core.clock();
  const expiresAt = new Date(now.getTime() + deps.settings.lifetimeSeconds * 1000);
  const doc: DirectorySessionDoc = {
    _id: randomUUID(),
    ...input,
    createdAt: now,
    heartbeatBefore: new Date(Math.min(now.getTime() + deps.settings.idleSeconds * 1000, expiresAt.getTime())),
    expiresAt,
    closedAt: null,
  };
  await deps.store.directorySessions.insertOne(doc);
  return doc;
}

export function findAliveSession(deps: DirectoryDeps, tenantId: string, sessionId: string): Promise<DirectorySessionDoc | null> {
  return deps.store.directorySessions.findOne({ _id: sessionId, tenantId, ...alive(deps.core.clock()) });
}

export async function sessionAlive(deps: DirectoryDeps, tenantId: string, sessionId: string): Promise<boolean> {
  return (await deps.store.directorySessions.findOne({ _id: sessionId, tenantId, ...alive(deps.core.clock()) }, { projection: { _id: 1 } })) !== null;
}

/** Moves `heartbeat_before` forward; null when the session is gone. */
export async function heartbeatSession(deps: DirectoryDeps, tenantId: string, sessionId: string): Promise<DirectorySessionDoc | null> {
  const now = deps.core.clock();
  const current = await findAliveSession(deps, tenantId, sessionId);
  if (current === null) return null;
  const next = new Date(Math.min(now.getTime() + deps.settings.idleSeconds * 1000, current.expiresAt.getTime()));
  return deps.store.directorySessions.findOneAndUpdate(
    { _id: sessionId, tenantId, ...alive(now) },
    { $set: { heartbeatBefore: next } },
    { returnDocument: 'after' },
  );
}

export async function closeSession(deps: DirectoryDeps, tenantId: string, sessionId: string): Promise<boolean> {
  const now = deps.core.clock();
  const closed = await deps.store.directorySessions.updateOne({ _id: sessionId, tenantId, closedAt: null }, { $set: { closedAt: now } });
  return closed.modifiedCount === 1;
}

async function extendedClaims(deps: DirectoryDeps, session: DirectorySessionDoc): Promise<Record<string, unknown>> {
  const [groups, user] = await Promise.all([
    deps.store.scimGroups.find({ tenantId: session.tenantId, 'members.value': session.userId }, { projection: { displayName: 1 } }).limit(1000).toArray(),
    deps.core.users.get(session.tenantId, session.userId),
  ]);
  const tags = Array.isArray(user?.profile.tags) ? (user.profile.tags as unknown[]).filter((t): t is string => typeof t === 'string') : [];
  return {
    oidc: { iss: session.upstreamIssuer, sub: session.subInfo.sub, ...(session.subInfo.email ? { email: session.subInfo.email } : {}) },
    teams: groups.map((g) => g.displayName),
    tags,
  };
}

/** The DirectorySession answer for a session, with freshly issued bearers. */
export async function sessionView(deps: DirectoryDeps, session: DirectorySessionDoc): Promise<DirectorySessionView> {
  const { core, settings } = deps;
  const now = core.clock();
  const ttlSeconds = Math.max(1, Math.ceil((session.heartbeatBefore.getTime() - now.getTime()) / 1000));
  const issuer = issuers.directory(core.publicUrl);
  const base = { tid: session.tenantId, sid: session._id, claims: session.claims, appclaims: session.appClaims };
  const extended = session.needExtendedBearer ? await extendedClaims(deps, session) : {};
  const [directory, http] = await Promise.all([
    core.tokens.issue({ issuer, audience: audiences.directorySession(core.publicUrl), subject: session.userId, ttlSeconds, typ: 'at+jwt', claims: { ...base, ...extended } }),
    core.tokens.issue({ issuer, audience: audiences.directoryHttp(core.publicUrl), subject: session.userId, ttlSeconds, typ: 'at+jwt', claims: base }),
  ]);
  return {
    buildrentsec: settings.buildRentSeconds,
    claims: session.claims,
    clientmaxidledurationsec: settings.idleSeconds,
    directory_access_token: directory.token,
    displayname: session.displayName,
    heartbeat_before: epochSeconds(session.heartbeatBefore),
    http_access_token: http.token,
    lmxborrowsec: settings.lmxBorrowSeconds,
    lmxfeature: settings.lmxFeature,
    lmxserver: settings.lmxServer,
    session_eol: epochSeconds(session.expiresAt),
    subinfo: session.subInfo,
  };
}
