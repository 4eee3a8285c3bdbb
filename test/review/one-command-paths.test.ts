// Attacks on the paths that became one database command each: refresh-token families (forged,
// garbled and unbound tokens, at the right and the wrong API's endpoint), the lockout's one-command
// slots, and token-exchange membership in one query; over the running gateway (its HTTP endpoints,
// and its store where a document of an earlier version or a concurrent attempt has to be set up).
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { must } from '../passkeys/_helpers.ts';
import { finishedMfa, hostApp, type HostApp } from '../passkeys/_mfa.ts';
import { hashSecret, randomSecret } from '../../server/identity/secrets/hash.ts';
import type { LegacyRefreshTokenDoc, RefreshFamilyDoc, UserDoc } from '../../server/store/collections.ts';
import { attemptFailed, attemptSucceeded, lockoutId, reserveAttempt } from '../../server/identity/lockout/attempts.ts';
import type { LockoutPolicy } from '../../server/identity/lockout/policy.ts';
import { membershipsOf } from '../../server/identity/orgs/membership.ts';

let gw: TestGateway;
let app: HostApp;

test.before(async () => {
  gw = await startTestGateway({ GATEWAY_OUTBOX: '1' });
  app = await hostApp(gw, gw.url);
});
test.after.always(() => gw?.stop());

const vaultRefresh = (refreshToken: string) =>
  fetch(`${gw.url}/api/oidc/${app.id}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.id }),
  });

/**
 * A Vault refresh token as versions before issuer binding stored it (one document, no issuer), for
 * the grant of `family` (same tenant, client, user, session).
 */
async function storedWithoutIssuer(family: RefreshFamilyDoc): Promise<string> {
  const token = randomSecret(32);
  const now = new Date();
  const doc: LegacyRefreshTokenDoc = {
    _id: hashSecret(token),
    tenantId: family.tenantId,
    clientId: family.clientId,
    userId: family.userId,
    sessionId: family.sessionId,
    familyId: `legacy-${randomUUID()}`,
    scope: family.scope,
    authTime: family.authTime,
    createdAt: now,
    expiresAt: family.expiresAt,
    rotatedAt: null,
    revokedAt: null,
    revokedReason: null,
  };
  await gw.services.store.refreshTokens.insertOne(doc);
  return token;
}

async function legacyVaultToken() {
  const { mfa } = await finishedMfa(gw, app, 'rv');
  const family = (await gw.services.store.refreshTokens.findOne({ _id: hashSecret(mfa.refreshToken.split('.')[0]!) })) as RefreshFamilyDoc | null;
  if (family === null) throw new Error('the MFA family document');
  return { family, legacy: await storedWithoutIssuer(family) };
}

const passkeysRefresh = (refreshToken: string) => app.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.id } });

test.serial("a Vault refresh token stored without an issuer (an earlier version's) is refused at the Passkeys MFA token endpoint, and still rotates at the Vault's", async (t) => {
  const { legacy } = await legacyVaultToken();
  const atPasskeys = await passkeysRefresh(legacy);
  t.is(atPasskeys.response.status, 400, "the Passkeys API's token endpoint must not redeem a token that predates the binding and is the Vault's");
  t.is(((await gw.services.store.refreshTokens.findOne({ _id: hashSecret(legacy) })) as LegacyRefreshTokenDoc | null)?.rotatedAt, null, 'not spent there');
  t.is((await vaultRefresh(legacy)).status, 200, 'the Vault still honours it');
});

test.serial("a spent Vault refresh token stored without an issuer, presented at the Passkeys MFA token endpoint, is not reuse there: the Vault's session goes on", async (t) => {
  const { family, legacy } = await legacyVaultToken();
  t.is((await vaultRefresh(legacy)).status, 200, 'spent where it belongs');
  t.is((await passkeysRefresh(legacy)).response.status, 400);
  t.falsy((await gw.services.store.sessions.findOne({ _id: family.sessionId }))?.endedAt, 'another API cannot end the session by presenting it');
});

test.serial('a key with a made-up secret at another client or another API burns nothing; with the right client and API it is reuse (only a holder of one of the family\'s tokens knows the key)', async (t) => {
  const { mfa } = await finishedMfa(gw, app, 'rv');
  const [key] = mfa.refreshToken.split('.') as [string, string];
  const forged = `${key}.${randomSecret(32)}`;
  t.is((await vaultRefresh(forged)).status, 400, 'another issuer: invalid');
  const family = (await gw.services.store.refreshTokens.findOne({ _id: hashSecret(key) })) as RefreshFamilyDoc;
  t.is(family.revokedAt, null, 'not revoked by another issuer');
  for (const garbled of [`${key}.`, `.${key}`, `${key}..x`, key, `${key}.${mfa.refreshToken.split('.')[1]!.slice(0, 20)}`]) {
    const r = await app.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: garbled, client_id: app.id } });
    t.is(r.response.status, 400, `garbled ${JSON.stringify(garbled.slice(-8))}`);
  }
  // Truncated secret with the right key is another secret of the family: reuse by design (documented in refresh-tokens.ts).
  t.truthy((await gw.services.store.refreshTokens.findOne({ _id: hashSecret(key) }))?.revokedAt, 'a wrong secret under the right key, at the right endpoint, revokes');
  const refreshed = await app.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: app.id } });
  t.is(refreshed.response.status, 400, 'the genuine token is dead after that');
});

// ---------------------------------------------------------------------------------------------
// Lockout: one aggregation-pipeline upsert per slot; one updateMany after a login.

const POLICY: LockoutPolicy = {
  ipAttemptsLimit: 4,
  ipWindowSeconds: 600,
  userAttemptsLimit: 3,
  userWindowSeconds: 600,
  initialBlockSeconds: 60,
  maxBlockSeconds: 3600,
};

const subject = (tenantId: string, ip: string, usernameKey: string | null) => ({ tenantId, ip, usernameKey });

test.serial('usernames and addresses with $, dots and 8 KiB take slots like any other; 20 concurrent checks get at most limit slots', async (t) => {
  const tenantId = `rv-${randomUUID()}`;
  const store = gw.services.store;
  for (const name of ['$where', '$literal', 'a.b.c', '$$ROOT', '{"$gt":""}', 'x'.repeat(8192)]) {
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => reserveAttempt(store, POLICY, subject(tenantId, `ip-${name}`, name), undefined, { waitMs: 0 })));
    const held = attempts.filter((a) => a.status === 'fulfilled');
    t.is(held.length, POLICY.userAttemptsLimit, `${name.slice(0, 12)}: at most the username's limit`);
    for (const a of held) if (a.status === 'fulfilled') await attemptFailed(store, a.value);
    const doc = await store.loginLockouts.findOne({ _id: lockoutId(tenantId, 'user', name) });
    t.is(doc?.subject, name, 'stored literally');
    t.truthy(doc?.blockedUntil && doc.blockedUntil > new Date(), 'blocked at the limit');
    await t.throwsAsync(reserveAttempt(store, POLICY, subject(tenantId, 'elsewhere', name), undefined, { waitMs: 0 }), undefined, 'a blocked username gets no slot from any address');
  }
});

test.serial("a login of user A clears A's record only: not B's, not the address's failures; A's doubling starts afresh", async (t) => {
  const tenantId = `rv-${randomUUID()}`;
  const store = gw.services.store;
  const ip = '198.51.100.9';
  // B: two failures (one short of the block); the address: three failures.
  for (let i = 0; i < 2; i++) await attemptFailed(store, await reserveAttempt(store, POLICY, subject(tenantId, ip, 'bob')));
  // A: blocked once (level 1), the block then over.
  const past = new Date(Date.now() - 3_600_000);
  for (let i = 0; i < 3; i++) await attemptFailed(store, await reserveAttempt(store, { ...POLICY, ipAttemptsLimit: 100 }, subject(tenantId, 'other-ip', 'alice'), past), {}, past);
  const aliceBefore = await store.loginLockouts.findOne({ _id: lockoutId(tenantId, 'user', 'alice') });
  t.is(aliceBefore?.level, 1, 'alice was blocked once');
  await attemptFailed(store, await reserveAttempt(store, POLICY, subject(tenantId, ip, 'carol')));
  const ipBefore = await store.loginLockouts.findOne({ _id: lockoutId(tenantId, 'ip', ip) });
  t.is(ipBefore?.failures, 3);

  const login = await reserveAttempt(store, POLICY, subject(tenantId, ip, 'alice'));
  await attemptSucceeded(store, login, { clearUser: true });

  const alice = await store.loginLockouts.findOne({ _id: lockoutId(tenantId, 'user', 'alice') });
  t.like(alice, { failures: 0, level: 0, reserved: 0, blockedUntil: null }, "alice's record starts afresh");
  t.like(await store.loginLockouts.findOne({ _id: lockoutId(tenantId, 'user', 'bob') }), { failures: 2 }, "bob's failures stay");
  t.like(await store.loginLockouts.findOne({ _id: lockoutId(tenantId, 'ip', ip) }), { failures: 3, reserved: 3 }, "the address's failures stay; alice's slot went back");
  // Next failures of alice: the block after them is the initial one again, not doubled.
  const imposed = [];
  for (let i = 0; i < 3; i++) imposed.push(...(await attemptFailed(store, await reserveAttempt(store, { ...POLICY, ipAttemptsLimit: 100 }, subject(tenantId, '203.0.113.1', 'alice')))));
  t.deepEqual(imposed.filter((b) => b.kind === 'user').map((b) => b.seconds), [POLICY.initialBlockSeconds]);
});

test.serial('a blocked address gets no slot for any username, even one whose record a login just cleared', async (t) => {
  const tenantId = `rv-${randomUUID()}`;
  const store = gw.services.store;
  const ip = '192.0.2.200';
  for (let i = 0; i < POLICY.ipAttemptsLimit; i++) await attemptFailed(store, await reserveAttempt(store, POLICY, subject(tenantId, ip, `u${i}`)));
  const attempts = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => reserveAttempt(store, POLICY, subject(tenantId, ip, `fresh${i}`), undefined, { waitMs: 0 })));
  t.is(attempts.filter((a) => a.status === 'fulfilled').length, 0);
  const fresh = Array.from({ length: 10 }, (_, i) => lockoutId(tenantId, 'user', `fresh${i}`));
  t.is(await store.loginLockouts.countDocuments({ _id: { $in: fresh }, reserved: { $gt: 0 } }), 0, 'no username slot is held by a refused attempt');
});

// ---------------------------------------------------------------------------------------------
// Token exchange membership: the account and the address's users in one query.

function userDoc(tenantId: string, email: string | null, createdAt: Date, extra: Partial<UserDoc> = {}): UserDoc {
  const id = randomUUID();
  return {
    _id: id, tenantId, username: id, usernameKey: id, email, emailKey: email?.toLowerCase() ?? null, emailVerified: true, phone: null,
    displayName: id, disabled: false, externalId: null, profile: {}, version: 1, createdAt, updatedAt: createdAt, ...extra,
  };
}

test.serial('membership: the account is found behind more than 1000 users with the address; a disabled account or one named under another tenant speaks for no one; an unverified address adds nothing', async (t) => {
  const [first, second] = [await gw.createTenant(), await gw.createTenant()].sort();
  const email = `many-${randomUUID().slice(0, 8)}@example.test`;
  const t0 = Date.now();
  // The oldest user of the address in `first` is disabled: the next one is the member there.
  const crowd = Array.from({ length: 1001 }, (_, i) => userDoc(first!, i % 2 ? email.toUpperCase() : email, new Date(t0 + i), i === 0 ? { disabled: true } : {}));
  await gw.services.store.users.insertMany(crowd);
  const account = userDoc(second!, 'someone-else@example.test', new Date(t0));
  await gw.services.store.users.insertOne(account);
  const deps = gw.services.identity;

  const all = await membershipsOf(deps, { account: { tenantId: second!, userId: account._id }, email, emailVerified: true });
  t.deepEqual(all.map((m) => [m.tenant._id, m.user._id]), [[first, crowd[1]!._id], [second, account._id]], 'the account although 1001 others come first; the oldest enabled user of the address');

  const unverified = await membershipsOf(deps, { account: { tenantId: second!, userId: account._id }, email, emailVerified: false });
  t.deepEqual(unverified.map((m) => m.tenant._id), [second], 'an unverified address is not looked up');

  t.deepEqual(await membershipsOf(deps, { account: { tenantId: first!, userId: account._id }, email, emailVerified: true }), [], "the account's id under another tenant is no account, and the address then counts for nothing");

  await gw.services.store.users.updateOne({ _id: account._id }, { $set: { disabled: true } });
  t.deepEqual(await membershipsOf(deps, { account: { tenantId: second!, userId: account._id }, email, emailVerified: true }), [], 'a disabled account speaks for no one, not even through its address');
});
