/**
 * The one sessions module (server/identity/sessions.ts) every API uses: create, find, list, step
 * up, end one, end all of a user's. Ending revokes the refresh tokens issued in the session (or
 * of the user), and another tenant's session is never touched.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { createSession, endSession, endUserSessions, findActiveSession, listUserSessions, reauthenticate, recordTokenIssue, SESSION_TTL_SECONDS } from '../../server/identity/sessions.ts';
import type { Store } from '../../server/store/collections.ts';
import { startRefreshFamily } from '../../server/identity/oauth/refresh-tokens.ts';
import { startHarness, type Harness } from '../identity/_harness.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(async () => {
  await h?.close();
});

/** A family of the current layout (oauth/refresh-tokens.ts), answered by its document id. */
async function familyIn(store: Store, tenantId: string, userId: string, sessionId: string, issue = { ip: '192.0.2.9', userAgent: 'family-ua' }, now = new Date()): Promise<string> {
  const { ref } = await startRefreshFamily(
    store,
    { tenantId, clientId: 'c', userId, sessionId, familyId: randomUUID(), issuer: 'https://gw.example/api/oidc/t', scope: [], authTime: now },
    new Date(now.getTime() + 60_000),
    issue,
    now,
  );
  return ref;
}

/** A refresh token as earlier versions stored it, one document per token. */
async function refreshTokenIn(store: Store, tenantId: string, userId: string, sessionId: string): Promise<string> {
  const _id = randomUUID();
  const now = new Date();
  await store.refreshTokens.insertOne({
    _id,
    tenantId,
    clientId: 'c',
    userId,
    sessionId,
    familyId: randomUUID(),
    scope: [],
    authTime: now,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 60_000),
    rotatedAt: null,
    revokedAt: null,
    revokedReason: null,
  });
  return _id;
}

test('a session is created open for its lifetime, found only in its tenant, and listed newest first with a total', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const userId = randomUUID();
  const t0 = new Date(Date.now() - 1000);
  const first = await createSession(h.store, { tenantId, userId, method: 'passkey', ip: '192.0.2.1', userAgent: 'ua' }, t0);
  const second = await createSession(h.store, { tenantId, userId, method: 'upstream', ip: '', userAgent: '', ttlSeconds: 60 });
  t.is(first.expiresAt.getTime() - t0.getTime(), SESSION_TTL_SECONDS * 1000);
  t.is(second.ip, null);
  t.is((await findActiveSession(h.store, tenantId, first._id))?._id, first._id);
  t.is(await findActiveSession(h.store, `other-${tenantId}`, first._id), null);
  t.is(await findActiveSession(h.store, tenantId, second._id, new Date(Date.now() + 61_000)), null, 'an expired session is not active');

  const listed = await listUserSessions(h.store, tenantId, userId, { limit: 1 });
  t.is(listed.total, 2);
  t.deepEqual(listed.sessions.map((s) => s._id), [second._id]);
});

test('ending a session revokes its refresh tokens once; a step-up or a token issue on an ended session changes nothing', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const userId = randomUUID();
  const session = await createSession(h.store, { tenantId, userId, method: 'zkimg', ip: '192.0.2.1', userAgent: 'ua' });
  const token = await refreshTokenIn(h.store, tenantId, userId, session._id);
  const family = await familyIn(h.store, tenantId, userId, session._id);
  const later = new Date(Date.now() + 5000);
  t.truthy(await reauthenticate(h.store, tenantId, session._id, ["hwk"], later));
  t.is((await findActiveSession(h.store, tenantId, session._id))?.authTime.getTime(), later.getTime());
  await recordTokenIssue(h.store, session._id, '198.51.100.2', 'ua2');
  t.is((await findActiveSession(h.store, tenantId, session._id))?.tokenIssueIp, '198.51.100.2');

  t.false(await endSession(h.store, `other-${tenantId}`, session._id, 'logout'), 'another tenant cannot end it');
  t.truthy(await findActiveSession(h.store, tenantId, session._id));
  t.true(await endSession(h.store, tenantId, session._id, 'logout'));
  t.false(await endSession(h.store, tenantId, session._id, 'logout'), 'idempotent');
  t.is(await findActiveSession(h.store, tenantId, session._id), null);
  t.is(await reauthenticate(h.store, tenantId, session._id, ["hwk"]), null);
  t.like(await h.store.refreshTokens.findOne({ _id: token }), { revokedReason: 'logout' });
  t.like(await h.store.refreshTokens.findOne({ _id: family }), { revokedReason: 'logout' });
});

test('ending all of a user\'s sessions ends them in its tenant only and revokes the user\'s refresh tokens', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const userId = randomUUID();
  const a = await createSession(h.store, { tenantId, userId, method: 'zkimg', ip: '', userAgent: '' });
  const b = await createSession(h.store, { tenantId, userId, method: 'passkey', ip: '', userAgent: '' });
  const elsewhere = await createSession(h.store, { tenantId: `other-${tenantId}`, userId, method: 'passkey', ip: '', userAgent: '' });
  const someoneElse = await createSession(h.store, { tenantId, userId: randomUUID(), method: 'passkey', ip: '', userAgent: '' });
  const token = await refreshTokenIn(h.store, tenantId, userId, a._id);
  const family = await familyIn(h.store, tenantId, userId, b._id);
  const othersFamily = await familyIn(h.store, tenantId, someoneElse.userId, someoneElse._id);
  await endUserSessions(h.store, tenantId, userId, 'user_disabled');
  t.is(await findActiveSession(h.store, tenantId, a._id), null);
  t.is(await findActiveSession(h.store, tenantId, b._id), null);
  t.truthy(await findActiveSession(h.store, `other-${tenantId}`, elsewhere._id));
  t.truthy(await findActiveSession(h.store, tenantId, someoneElse._id));
  t.like(await h.store.refreshTokens.findOne({ _id: token }), { revokedReason: 'user_disabled' });
  t.like(await h.store.refreshTokens.findOne({ _id: family }), { revokedReason: 'user_disabled' });
  t.like(await h.store.refreshTokens.findOne({ _id: othersFamily }), { revokedAt: null });
  t.is((await listUserSessions(h.store, tenantId, userId, { limit: 10 })).total, 0);
});

test('a session is listed with its latest token issue, whether recorded on the session or on one of its refresh-token families', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const userId = randomUUID();
  const t0 = new Date(Date.now() - 60_000);
  const at = (s: number) => new Date(t0.getTime() + s * 1000);
  const withFamilies = await createSession(h.store, { tenantId, userId, method: 'zkimg', ip: '192.0.2.1', userAgent: 'login-ua' }, t0);
  const plain = await createSession(h.store, { tenantId, userId, method: 'passkey', ip: '192.0.2.2', userAgent: 'login-ua' }, t0);
  await familyIn(h.store, tenantId, userId, withFamilies._id, { ip: '198.51.100.1', userAgent: 'older' }, at(10));
  await familyIn(h.store, tenantId, userId, withFamilies._id, { ip: '198.51.100.2', userAgent: 'newer' }, at(20));
  await recordTokenIssue(h.store, plain._id, '198.51.100.3', 'session-record', at(30));
  // another tenant's family naming the same session id is not this session's
  await familyIn(h.store, `other-${tenantId}`, userId, withFamilies._id, { ip: '203.0.113.9', userAgent: 'elsewhere' }, at(40));

  const { sessions } = await listUserSessions(h.store, tenantId, userId, { limit: 10 });
  const byId = new Map(sessions.map((s) => [s._id, s]));
  t.like(byId.get(withFamilies._id), { tokenIssuedAt: at(20), tokenIssueIp: '198.51.100.2', tokenIssueUserAgent: 'newer', lastSeenAt: at(20), lastSeenIp: '198.51.100.2' });
  t.like(byId.get(plain._id), { tokenIssuedAt: at(30), tokenIssueIp: '198.51.100.3', lastSeenUserAgent: 'session-record' });

  // A later record on the session wins over an older family issue.
  await recordTokenIssue(h.store, withFamilies._id, '198.51.100.4', 'latest', at(50));
  t.like((await listUserSessions(h.store, tenantId, userId, { limit: 10 })).sessions.find((s) => s._id === withFamilies._id), { tokenIssueUserAgent: 'latest', lastSeenIp: '198.51.100.4' });
});
