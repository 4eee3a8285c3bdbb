/**
 * The one sessions module (server/identity/sessions.ts) every API uses: create, find, list, step
 * up, end one, end all of a user's. Ending revokes the refresh tokens issued in the session (or
 * of the user), and another tenant's session is never touched.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { createSession, endSession, endUserSessions, findActiveSession, listUserSessions, reauthenticate, recordTokenIssue, SESSION_TTL_SECONDS } from '../../server/identity/sessions.ts';
import type { Store } from '../../server/store/collections.ts';
import { startHarness, type Harness } from '../identity/_harness.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(async () => {
  await h?.close();
});

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
});

test('ending all of a user\'s sessions ends them in its tenant only and revokes the user\'s refresh tokens', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const userId = randomUUID();
  const a = await createSession(h.store, { tenantId, userId, method: 'zkimg', ip: '', userAgent: '' });
  const b = await createSession(h.store, { tenantId, userId, method: 'passkey', ip: '', userAgent: '' });
  const elsewhere = await createSession(h.store, { tenantId: `other-${tenantId}`, userId, method: 'passkey', ip: '', userAgent: '' });
  const someoneElse = await createSession(h.store, { tenantId, userId: randomUUID(), method: 'passkey', ip: '', userAgent: '' });
  const token = await refreshTokenIn(h.store, tenantId, userId, a._id);
  await endUserSessions(h.store, tenantId, userId, 'user_disabled');
  t.is(await findActiveSession(h.store, tenantId, a._id), null);
  t.is(await findActiveSession(h.store, tenantId, b._id), null);
  t.truthy(await findActiveSession(h.store, `other-${tenantId}`, elsewhere._id));
  t.truthy(await findActiveSession(h.store, tenantId, someoneElse._id));
  t.like(await h.store.refreshTokens.findOne({ _id: token }), { revokedReason: 'user_disabled' });
  t.is((await listUserSessions(h.store, tenantId, userId, { limit: 10 })).total, 0);
});
