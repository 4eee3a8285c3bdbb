/**
 * Disabling a user in the identity core (sessions.ts, users.ts, api-keys.ts): the user's keys
 * are refused while the user is disabled or gone, whichever instance disabled it; every update
 * that disables ends the user's sessions and revokes its refresh tokens, and touches no one else.
 */
import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { RefreshTokenDoc, SessionDoc } from '../../server/store/collections.ts';
import { startHarness, type Harness } from './_harness.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

async function openSession(tenantId: string, userId: string): Promise<{ sessionId: string; refreshId: string }> {
  const now = new Date();
  const session: SessionDoc = {
    _id: randomUUID(), tenantId, userId, method: 'zkimg', ip: null, userAgent: null, createdAt: now, authTime: now,
    lastSeenAt: now, lastSeenIp: null, lastSeenUserAgent: null, tokenIssuedAt: null, tokenIssueIp: null, tokenIssueUserAgent: null,
    expiresAt: new Date(now.getTime() + 3_600_000), endedAt: null,
  };
  const refresh: RefreshTokenDoc = {
    _id: randomUUID(), tenantId, clientId: 'c', userId, sessionId: session._id, familyId: randomUUID(), scope: ['openid'], authTime: now,
    createdAt: now, expiresAt: session.expiresAt, rotatedAt: null, revokedAt: null, revokedReason: null,
  };
  await h.store.sessions.insertOne(session);
  await h.store.refreshTokens.insertOne(refresh);
  return { sessionId: session._id, refreshId: refresh._id };
}

test('a key of a disabled owner is refused on every instance, works again once the owner is enabled, and never once the owner is gone', async (t) => {
  const first = h.identity();
  const second = h.identity();
  const tenantId = `t-${randomUUID().slice(0, 8)}`;
  const owner = await first.users.create(tenantId, { username: 'owner' });
  const { value } = await first.apiKeys.create({ tenantId, ownerId: owner._id, scopes: ['users:read'] });
  const tenantLevel = await first.apiKeys.create({ tenantId, scopes: ['users:read'] });
  t.is((await second.apiKeys.authenticate(value))?.ownerId, owner._id);

  await first.users.setDisabled(tenantId, owner._id, true);
  t.is(await second.apiKeys.authenticate(value), null, 'the other instance reads the owner, not a stale copy');
  t.is(await first.apiKeys.authenticate(value), null);
  t.truthy(await second.apiKeys.authenticate(tenantLevel.value), 'a key without an owner is not affected');

  await second.users.update(tenantId, owner._id, { disabled: false });
  t.is((await first.apiKeys.authenticate(value))?.ownerId, owner._id, 'disabling is reversible; the key was not revoked');

  await first.users.delete(tenantId, owner._id);
  t.is(await second.apiKeys.authenticate(value), null);
});

test('a key whose owner id names a user of another tenant is refused', async (t) => {
  const { users, apiKeys } = h.identity();
  const elsewhere = await users.create(`t-${randomUUID().slice(0, 8)}`, { username: 'elsewhere' });
  const { value } = await apiKeys.create({ tenantId: `t-${randomUUID().slice(0, 8)}`, ownerId: elsewhere._id, scopes: ['*'] });
  t.is(await apiKeys.authenticate(value), null);
});

test('disabling ends the user\'s sessions and revokes its refresh tokens, by any update path; others keep theirs', async (t) => {
  const { users } = h.identity();
  const tenantId = `t-${randomUUID().slice(0, 8)}`;
  const alice = await users.create(tenantId, { username: 'alice' });
  const bob = await users.create(tenantId, { username: 'bob' });
  const a1 = await openSession(tenantId, alice._id);
  const a2 = await openSession(tenantId, alice._id);
  const b1 = await openSession(tenantId, bob._id);

  await users.update(tenantId, alice._id, { displayName: 'Alice' });
  t.is((await h.store.sessions.findOne({ _id: a1.sessionId }))?.endedAt, null, 'an update that does not disable ends nothing');

  await users.update(tenantId, alice._id, { disabled: true });
  for (const s of [a1, a2]) {
    t.truthy((await h.store.sessions.findOne({ _id: s.sessionId }))?.endedAt);
    const refresh = await h.store.refreshTokens.findOne({ _id: s.refreshId });
    t.truthy(refresh?.revokedAt);
    t.is(refresh?.revokedReason, 'user_disabled');
  }
  t.is((await h.store.sessions.findOne({ _id: b1.sessionId }))?.endedAt, null);
  t.is((await h.store.refreshTokens.findOne({ _id: b1.refreshId }))?.revokedAt, null);

  // setDisabled is the same update: a session that slipped in while disabled is ended by a repeat.
  const late = await openSession(tenantId, alice._id);
  await users.setDisabled(tenantId, alice._id, true);
  t.truthy((await h.store.sessions.findOne({ _id: late.sessionId }))?.endedAt);

  // Enabling again ends nothing: a new login makes a new session.
  await users.setDisabled(tenantId, alice._id, false);
  const fresh = await openSession(tenantId, alice._id);
  await users.update(tenantId, alice._id, { disabled: false });
  t.is((await h.store.sessions.findOne({ _id: fresh.sessionId }))?.endedAt, null);
});
