// Lockout from the tenant's block_config, at the HTTP level: per-username and per-IP limits in
// their windows, blocks that start at initial_block_seconds and double up to
// max_block_time_minutes, refusal before any crypto work, and the blocked-ips / blocked-users
// lists. Time passes by moving the lockout records' dates into the past (no sleeping).
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { agoMs, authRequestFor, challenge, prepareLogin, authenticateBody, registered, setVaultSettings, type TestUser } from './auth-helpers.ts';
import { register, newUser } from './auth-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

const WRONG = 'wrong-cipher-key-0123456789';

/** Time passes for a tenant's lockout records: every date moves `seconds` into the past. */
async function elapse(tenantId: string, seconds: number): Promise<void> {
  const ms = seconds * 1000;
  for (const d of await gw.services.store.loginLockouts.find({ tenantId }).toArray()) {
    await gw.services.store.loginLockouts.updateOne(
      { _id: d._id },
      { $set: { windowStart: agoMs(d.windowStart, ms)!, blockedAt: agoMs(d.blockedAt, ms), blockedUntil: agoMs(d.blockedUntil, ms), updatedAt: agoMs(d.updatedAt, ms)! } },
    );
  }
}

async function tenantWith(blockConfig: Record<string, number>): Promise<string> {
  const tenantId = await gw.createTenant();
  await setVaultSettings(gw, tenantId, {
    register_enable: true,
    block_config: { ip_attempts_limit: 1000, ip_attempts_reset_minutes: 60, user_attempts_limit: 1000, user_timeframe_seconds: 300, initial_block_seconds: 60, max_block_time_minutes: 3, ...blockConfig },
  });
  return tenantId;
}

async function userIn(tenantId: string): Promise<TestUser> {
  return registered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId) });
}

const fromIp = (ip: string) => ({ headers: { 'X-Forwarded-For': ip } });

async function wrongChallenge(user: TestUser, ip?: string) {
  return gw.clients.anonymous.vault.POST('/auth/challenge', {
    params: { query: { auth_req_id: user.authReqId! } },
    body: { username: user.username, cipherKey: WRONG },
    ...(ip ? fromIp(ip) : {}),
  });
}

test('per username: the limit-th failure blocks for initial_block_seconds; blocks double up to the cap', async (t) => {
  const tenantId = await tenantWith({ user_attempts_limit: 3 });
  const user = await userIn(tenantId);
  for (const [round, seconds] of [[1, 60], [2, 120], [3, 180], [4, 180]] as const) {
    for (let i = 0; i < 3; i++) t.is((await wrongChallenge(user)).response.status, 401, `round ${round} failure ${i + 1}`);
    const refused = await challenge(gw, user);
    t.is(refused.response.status, 429, `round ${round}: blocked, even with the right key`);
    t.regex((refused.error as { detail: string }).detail, /for this username/);
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    t.true(retryAfter >= 1 && retryAfter <= seconds, `round ${round}: Retry-After ${retryAfter} within ${seconds}`);
    const record = await gw.services.store.loginLockouts.findOne({ _id: `${tenantId}|user|${user.username}` });
    t.is(record!.blockSeconds, seconds);
    t.is(record!.blockedUntil!.getTime() - record!.blockedAt!.getTime(), seconds * 1000, `round ${round}: blocked for ${seconds} s`);
    const listed = await gw.clients.admin.vault.GET('/tenants/{tenant_id}/blocked-users', { params: { path: { tenant_id: tenantId } } });
    t.is(listed.data!.total_count, 1);
    t.is(listed.data!.data[0]!.username, user.username);
    t.is(listed.data!.data[0]!.email, user.email);
    t.is(listed.data!.data[0]!.block_time_seconds, seconds);
    await elapse(tenantId, seconds);
    const listedAfter = await gw.clients.admin.vault.GET('/tenants/{tenant_id}/blocked-users', { params: { path: { tenant_id: tenantId } } });
    t.is(listedAfter.data!.total_count, 0, `round ${round}: the block is over`);
  }
  // A success clears the username's record: the next block starts at initial_block_seconds again.
  const { body } = await prepareLogin(gw, user, 0);
  t.is((await authenticateBody(gw, user, body)).response.status, 200);
  t.like(await gw.services.store.loginLockouts.findOne({ _id: `${tenantId}|user|${user.username}` }), { failures: 0, reserved: 0, level: 0, blockedUntil: null, blockSeconds: 0 });
});

test('per username: failures outside user_timeframe_seconds do not add up', async (t) => {
  const tenantId = await tenantWith({ user_attempts_limit: 3, user_timeframe_seconds: 300 });
  const user = await userIn(tenantId);
  await wrongChallenge(user);
  await wrongChallenge(user);
  await elapse(tenantId, 301);
  await wrongChallenge(user);
  await wrongChallenge(user);
  t.is((await challenge(gw, user)).response.status, 200, 'two plus two failures in two windows: no block');
  await wrongChallenge(user);
  t.is((await challenge(gw, user)).response.status, 429, 'the third in one window blocks');
});

test('while blocked nothing is counted or computed: the refusal comes before any crypto work', async (t) => {
  const tenantId = await tenantWith({ user_attempts_limit: 2 });
  const user = await userIn(tenantId);
  await wrongChallenge(user);
  await wrongChallenge(user);
  const before = await gw.services.store.loginLockouts.findOne({ _id: `${tenantId}|user|${user.username}` });
  const challengesBefore = await gw.services.store.zkimgChallenges.countDocuments({ tenantId });
  for (let i = 0; i < 5; i++) t.is((await wrongChallenge(user)).response.status, 429);
  t.is((await challenge(gw, user)).response.status, 429);
  const after = await gw.services.store.loginLockouts.findOne({ _id: `${tenantId}|user|${user.username}` });
  t.deepEqual(after, before, 'refused attempts neither count nor extend the block');
  t.is(await gw.services.store.zkimgChallenges.countDocuments({ tenantId }), challengesBefore);
  const audits = await gw.services.store.auditLog.countDocuments({ tenantId, action: 'login.zkimg.challenge', outcome: 'failure' });
  t.is(audits, 2);
});

test('authenticate refusals count too, and a blocked username cannot authenticate', async (t) => {
  const tenantId = await tenantWith({ user_attempts_limit: 2 });
  const user = await userIn(tenantId);
  const first = await prepareLogin(gw, user, 0);
  const second = await prepareLogin(gw, user, 0);
  const third = await prepareLogin(gw, user, 0);
  t.is((await authenticateBody(gw, user, { ...first.body, cipherKey: WRONG })).response.status, 401);
  t.is((await authenticateBody(gw, user, { ...second.body, ber: { ...second.body.ber, ber: { ...second.body.ber.ber, BER_PERCENT: '9.99' } } })).response.status, 401);
  const blocked = await authenticateBody(gw, user, third.body);
  t.is(blocked.response.status, 429, 'a valid proof is refused while the username is blocked');
  t.truthy(blocked.response.headers.get('retry-after'));
});

test('unknown usernames are counted and blocked alike, and are not listed as blocked users', async (t) => {
  const tenantId = await tenantWith({ user_attempts_limit: 2 });
  const ghost = { ...newUser({ tenantId }), authReqId: await authRequestFor(gw, tenantId) };
  t.is((await wrongChallenge(ghost)).response.status, 401);
  t.is((await wrongChallenge(ghost)).response.status, 401);
  const refused = await wrongChallenge(ghost);
  t.is(refused.response.status, 429, 'a block does not reveal that the account does not exist');
  const listed = await gw.clients.admin.vault.GET('/tenants/{tenant_id}/blocked-users', { params: { path: { tenant_id: tenantId } } });
  t.is(listed.data!.total_count, 0);
});

test('per IP: ip_attempts_limit failures across usernames block the address for every username, and register', async (t) => {
  const tenantId = await tenantWith({ ip_attempts_limit: 3, initial_block_seconds: 30 });
  const users = [await userIn(tenantId), await userIn(tenantId), await userIn(tenantId), await userIn(tenantId)];
  const ip = '203.0.113.7';
  for (const u of users.slice(0, 3)) t.is((await wrongChallenge(u, ip)).response.status, 401);
  const refused = await gw.clients.anonymous.vault.POST('/auth/challenge', {
    params: { query: { auth_req_id: users[3]!.authReqId! } },
    body: { username: users[3]!.username, cipherKey: users[3]!.cipherKey },
    ...fromIp(ip),
  });
  t.is(refused.response.status, 429);
  t.regex((refused.error as { detail: string }).detail, /from this address/);
  t.is((await challenge(gw, users[3]!)).response.status, 200, 'another address is not blocked');
  const newcomer = newUser({ tenantId, authReqId: await authRequestFor(gw, tenantId) });
  const reg = await gw.clients.anonymous.vault.POST('/auth/register', {
    params: { query: { auth_req_id: newcomer.authReqId! } },
    body: { username: newcomer.username, email: newcomer.email, encrypted_commitment: newcomer.enrolment.encryptedCommitment, proto_version: 'zkimg-1' },
    ...fromIp(ip),
  });
  t.is(reg.response.status, 429);
  t.is((await register(gw, newcomer)).response.status, 201);

  const listed = await gw.clients.admin.vault.GET('/tenants/{tenant_id}/blocked-ips', { params: { path: { tenant_id: tenantId } } });
  t.is(listed.response.status, 200);
  t.deepEqual(listed.data!.data.map((d) => [d.ip, d.tenant_id, d.block_time_seconds]), [[ip, tenantId, 30]]);
  t.false(listed.data!.has_next);
  // A success from the address does not lift the IP's block.
  await elapse(tenantId, 31);
  t.is((await gw.clients.anonymous.vault.POST('/auth/challenge', { params: { query: { auth_req_id: users[0]!.authReqId! } }, body: { username: users[0]!.username, cipherKey: users[0]!.cipherKey }, ...fromIp(ip) })).response.status, 200);
  const record = await gw.services.store.loginLockouts.findOne({ _id: `${tenantId}|ip|${ip}` });
  t.is(record?.level, 1, 'the doubling is remembered for the address');
});

test('concurrent failures impose one block, not several, and no more than the limit are checked', async (t) => {
  const tenantId = await tenantWith({ user_attempts_limit: 3 });
  const user = await userIn(tenantId);
  const answers = await Promise.all(Array.from({ length: 12 }, () => wrongChallenge(user)));
  t.is(answers.filter((a) => a.response.status === 401).length, 3, 'three attempts held a slot and were checked');
  t.is(answers.filter((a) => a.response.status === 429).length, 9);
  const record = await gw.services.store.loginLockouts.findOne({ _id: `${tenantId}|user|${user.username}` });
  t.is(record?.level, 1);
  t.is(record?.blockSeconds, 60);
});

// Review finding 6: the counters were read before the crypto and written after it, so parallel
// requests all passed the check (50 guesses against a limit of 5 got 17 cipherKey evaluations).
const ATTACKER_IP = '203.0.113.66';

async function guess(user: TestUser, cipherKey: string) {
  return gw.clients.anonymous.vault.POST('/auth/challenge', {
    params: { query: { auth_req_id: user.authReqId! } },
    body: { username: user.username, cipherKey },
    ...fromIp(ATTACKER_IP),
  });
}

test.serial('50 parallel wrong keys from one address with ip_attempts_limit 5: at most 5 are checked, the rest are 429', async (t) => {
  const tenantId = await tenantWith({ ip_attempts_limit: 5 });
  const user = await userIn(tenantId);
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => guess(user, `${WRONG}-${i}`)));
  const statuses = answers.map((a) => a.response.status);
  const checked = statuses.filter((s) => s === 401).length;
  t.true(checked <= 5, `${checked} wrong keys were checked`);
  t.is(checked + statuses.filter((s) => s === 429).length, 50, 'every other answer is 429');
  // The audit log has one failure per checked key: nothing was evaluated unreported.
  t.is(await gw.services.store.auditLog.countDocuments({ tenantId, action: 'login.zkimg.challenge', outcome: 'failure' }), checked);
  const record = await gw.services.store.loginLockouts.findOne({ _id: `${tenantId}|ip|${ATTACKER_IP}` });
  t.is(record?.level, 1, 'the failures imposed one block');
  t.is((await guess(user, user.cipherKey)).response.status, 429, 'the address stays blocked, even with the right key');
});

test.serial('the right key as the 13th of 50 parallel guesses is not let in once the 5 slots are taken', async (t) => {
  const tenantId = await tenantWith({ ip_attempts_limit: 5 });
  const user = await userIn(tenantId);
  const keys = Array.from({ length: 50 }, (_, i) => (i === 12 ? user.cipherKey : `${WRONG}-${i}`));
  // The first 12 go out together; the rest (the right key first) follow as soon as the address's
  // slots are all taken or its block is in force, while the first ones may still be in flight.
  // (Sent all at once, the server may take the 13th request before five others, and a right key
  // among the first five checked is a legitimate login, not a bypass.)
  const first = keys.slice(0, 12).map((k) => guess(user, k));
  const id = `${tenantId}|ip|${ATTACKER_IP}`;
  for (;;) {
    const record = await gw.services.store.loginLockouts.findOne({ _id: id });
    if (record !== null && (record.reserved >= 5 || record.blockedUntil !== null)) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const rest = keys.slice(12).map((k) => guess(user, k));
  const statuses = (await Promise.all([...first, ...rest])).map((a) => a.response.status);
  t.is(statuses[12], 429, 'the right key is refused: the window has no slot left');
  t.false(statuses.includes(200));
  t.true(statuses.filter((s) => s === 401).length <= 5);
  t.is(await gw.services.store.zkimgChallenges.countDocuments({ tenantId }), 0, 'no challenge was issued');
});

test('more honest logins at once from one address than ip_attempts_limit are served in turn, not refused', async (t) => {
  const tenantId = await tenantWith({ ip_attempts_limit: 3 });
  const users = await Promise.all(Array.from({ length: 6 }, () => userIn(tenantId)));
  const ip = '198.51.100.201';
  const answers = await Promise.all(
    users.map((u) => gw.clients.anonymous.vault.POST('/auth/challenge', { params: { query: { auth_req_id: u.authReqId! } }, body: { username: u.username, cipherKey: u.cipherKey }, ...fromIp(ip) })),
  );
  t.deepEqual(answers.map((a) => a.response.status), [200, 200, 200, 200, 200, 200]);
  t.like(await gw.services.store.loginLockouts.findOne({ _id: `${tenantId}|ip|${ip}` }), { failures: 0, reserved: 0 });
});

test('a success gives its slot back: right keys never use up the address\'s attempts', async (t) => {
  const tenantId = await tenantWith({ ip_attempts_limit: 3, user_attempts_limit: 3 });
  const user = await userIn(tenantId);
  const ip = '198.51.100.200';
  const attempt = (cipherKey: string) =>
    gw.clients.anonymous.vault.POST('/auth/challenge', { params: { query: { auth_req_id: user.authReqId! } }, body: { username: user.username, cipherKey }, ...fromIp(ip) });
  t.is((await attempt(WRONG)).response.status, 401);
  t.is((await attempt(WRONG)).response.status, 401);
  for (let i = 0; i < 6; i++) t.is((await attempt(user.cipherKey)).response.status, 200, `right key ${i + 1}`);
  const ipRecord = await gw.services.store.loginLockouts.findOne({ _id: `${tenantId}|ip|${ip}` });
  t.like(ipRecord, { failures: 2, reserved: 2, blockedUntil: null });
  t.is((await attempt(WRONG)).response.status, 401, 'the third failure of the window');
  t.is((await attempt(user.cipherKey)).response.status, 429, 'blocked: the successes did not launder the failures');
});

test('blocked-ips and blocked-users: paging, sort direction, scope and tenant checks', async (t) => {
  const tenantId = await tenantWith({ ip_attempts_limit: 1 });
  const user = await userIn(tenantId);
  const ips = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4', '198.51.100.5'];
  for (const ip of ips) {
    t.is((await wrongChallenge(user, ip)).response.status, 401);
    await elapse(tenantId, 1); // distinct blocked_at values
  }
  const page = (p: number, size: number, dir: -1 | 1) =>
    gw.clients.admin.vault.GET('/tenants/{tenant_id}/blocked-ips', { params: { path: { tenant_id: tenantId }, query: { page: p, page_size: size, sort_direction: dir } } });
  const p0 = await page(0, 2, -1);
  t.deepEqual(p0.data!.data.map((d) => d.ip), [ips[4], ips[3]]);
  t.is(p0.data!.total_count, 5);
  t.true(p0.data!.has_next);
  const p2 = await page(2, 2, -1);
  t.deepEqual(p2.data!.data.map((d) => d.ip), [ips[0]]);
  t.false(p2.data!.has_next);
  const asc = await page(0, 5, 1);
  t.deepEqual(asc.data!.data.map((d) => d.ip), ips);
  t.is((await page(0, 501, 1)).response.status, 422);

  // Scopes and tenants: another tenant's key sees nothing of this tenant; a key without tenants:read is refused.
  const otherTenant = await gw.createTenant();
  const otherKey = await gw.createApiKey(otherTenant, ['tenants:read']);
  const { createVaultClient } = await import('../../clients/secrets-vault.ts');
  const foreign = createVaultClient({ baseUrl: gw.url, auth: { APIKeyHeader: otherKey.value } });
  t.is((await foreign.GET('/tenants/{tenant_id}/blocked-ips', { params: { path: { tenant_id: tenantId } } })).response.status, 403);
  t.is((await foreign.GET('/tenants/{tenant_id}/blocked-users', { params: { path: { tenant_id: tenantId } } })).response.status, 403);
  const ownKey = await gw.createApiKey(tenantId, ['users:read']);
  const unscoped = createVaultClient({ baseUrl: gw.url, auth: { APIKeyHeader: ownKey.value } });
  t.is((await unscoped.GET('/tenants/{tenant_id}/blocked-ips', { params: { path: { tenant_id: tenantId } } })).response.status, 403);
  const reader = createVaultClient({ baseUrl: gw.url, auth: { APIKeyHeader: (await gw.createApiKey(tenantId, ['tenants:read'])).value } });
  t.is((await reader.GET('/tenants/{tenant_id}/blocked-ips', { params: { path: { tenant_id: tenantId } } })).data!.total_count, 5);
  t.is((await gw.clients.anonymous.vault.GET('/tenants/{tenant_id}/blocked-ips', { params: { path: { tenant_id: tenantId } } })).response.status, 401);
});
