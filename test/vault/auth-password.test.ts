// Request Reset Password, Reset Password Code and Change Password at the HTTP level (codes read
// from the outbox through the gateway API), and the login page's public client lookups.
import { randomUUID } from 'node:crypto';
import test from 'ava';
import { createVaultClient } from '../../clients/secrets-vault.ts';
import { audiences, issuers } from '../../server/issuers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import * as zk from '../helpers/zkimg-client.ts';
import { findResetCode, issueResetCode, redeemResetCode } from '../../server/identity/vault/reset-codes.ts';
import { authenticateBody, authRequestFor, challenge, prepareLogin, registered, setVaultSettings, type TestUser } from './auth-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
  await setVaultSettings(gw, 'default', {
    register_enable: true,
    display_name: 'Acme',
    block_config: { ip_attempts_limit: 10_000, ip_attempts_reset_minutes: 1, user_attempts_limit: 10_000, user_timeframe_seconds: 60, initial_block_seconds: 1, max_block_time_minutes: 1 },
  });
});
test.after.always(() => gw?.stop());

const DEMO = 'demo';

/** An anonymous Vault client whose requests come from `ip` (the gateway trusts X-Forwarded-For from loopback). */
function anonymousFrom(ip: string) {
  return createVaultClient({ baseUrl: gw.url, fetch: (req) => { req.headers.set('X-Forwarded-For', ip); return fetch(req); } });
}
let lastOctet = 0;
/** Each test its own address, so the per-IP limits of one test do not reach the next. */
const freshIp = () => `192.0.2.${++lastOctet}`;

async function requestReset(user: { username: string; email: string }, tenantId = 'default', clientId = DEMO, vault = gw.clients.anonymous.vault) {
  return vault.POST('/auth/password/reset-request', {
    params: { query: { client_id: clientId, tenant_id: tenantId } },
    body: { username: user.username, email: user.email },
  });
}

async function codesTo(to: string): Promise<string[]> {
  const res = await gw.clients.admin.gateway.GET('/outbox', { params: { query: { to, channel: 'email' } } });
  if (res.data === undefined) throw new Error(`outbox: ${res.response.status}`);
  // Only reset codes: the address also gets the verification link sent after Register.
  return res.data.messages.filter((m) => m.purpose === 'password_reset').map((m) => /is ([0-9A-Z]{4}-[0-9A-Z]{4}-\d{6})\./.exec(m.body)?.[1] ?? '');
}

/** The same code with other digits: names the same record, but is wrong. */
function otherDigits(code: string): string {
  return `${code.slice(0, -6)}${code.endsWith('000000') ? '000001' : '000000'}`;
}

function reenrolment(user: TestUser, seed: string) {
  const cipherKey = `new-pin-derived-${seed}`;
  const template = zk.templateFromSeed(user.dim, seed);
  const enrolment = zk.enrol({ template, dim: user.dim, cipherKey, tenantId: user.tenantId, username: user.username });
  return { ...user, cipherKey, template, enrolment };
}

async function canLogIn(user: TestUser): Promise<boolean> {
  const c = await challenge(gw, user);
  if (c.response.status !== 200) return false;
  const { body } = zk.answerChallenge({ challengeData: c.data!.challenge_data, template: user.template, Y: user.enrolment.Y, username: user.username, cipherKey: user.cipherKey });
  return (await authenticateBody(gw, user, body)).response.status === 200;
}

test('reset end to end: the code comes by e-mail, re-enrols the commitment once, and ends the sessions', async (t) => {
  const user = await registered(gw);
  t.true(await canLogIn(user));
  const dbUser = (await gw.services.identity.users.getByUsername('default', user.username))!;
  t.is(await gw.services.store.sessions.countDocuments({ userId: dbUser._id, endedAt: null }), 1);

  const vault = anonymousFrom(freshIp());
  const req = await requestReset({ username: user.username, email: user.email.toUpperCase() }, 'default', DEMO, vault);
  t.is(req.response.status, 200);
  t.is(req.data, null);
  const [code] = await codesTo(user.email);
  t.regex(code!, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-\d{6}$/, 'selector (Crockford base32) and six digits');
  const stored = await gw.services.store.resetCodes.find({ userId: dbUser._id }).toArray();
  t.is(stored.length, 1);
  const digits = code!.slice(-6);
  t.false(Object.values(stored[0]!).some((v) => v === code || v === digits), 'only a hash of the code is stored');

  const fresh = reenrolment(user, 'after-reset');
  const wrongCode = otherDigits(code!);
  const bad = await vault.POST('/auth/password/reset', { body: { code: wrongCode, username: user.username, encrypted_commitment: fresh.enrolment.encryptedCommitment, proto_version: 'zkimg-1' } });
  t.is(bad.response.status, 401);
  // As people type it: lower case, no hyphens, O for 0 (the e-mail is the only place codes come from).
  const typed = code!.toLowerCase().replace(/-/g, '').replace(/0/g, 'o');
  const ok = await vault.POST('/auth/password/reset', { body: { code: typed, username: user.username, encrypted_commitment: fresh.enrolment.encryptedCommitment, proto_version: 'zkimg-1' } });
  t.is(ok.response.status, 200, JSON.stringify(ok.error));
  t.is(ok.data, null);
  t.false(await canLogIn(user), 'the old key no longer opens anything');
  t.true(await canLogIn(fresh), 'the new enrolment logs in');
  t.is(await gw.services.store.sessions.countDocuments({ userId: dbUser._id, endedAt: { $ne: null } }), 1, 'the session from before the reset ended');
  t.true((await gw.services.identity.users.get('default', dbUser._id))!.emailVerified);

  const again = await vault.POST('/auth/password/reset', { body: { code: code!, username: user.username, encrypted_commitment: user.enrolment.encryptedCommitment, proto_version: 'zkimg-1' } });
  t.is(again.response.status, 401, 'a code works once');
  t.true(await canLogIn(fresh));
});

test('reset request: the same answer for a wrong e-mail and an unknown user, and no message', async (t) => {
  const user = await registered(gw);
  const wrongEmail = await requestReset({ username: user.username, email: 'someone-else@example.test' });
  const unknown = await requestReset({ username: `nobody-${user.username}`, email: user.email });
  t.is(wrongEmail.response.status, 200);
  t.is(unknown.response.status, 200);
  t.is(wrongEmail.data, null);
  t.is(unknown.data, null);
  t.deepEqual(await codesTo(user.email), []);
  t.deepEqual(await codesTo('someone-else@example.test'), []);
  t.is((await requestReset(user, 'default', 'no-such-client')).response.status, 404);
  t.is((await requestReset(user, 'no-such-tenant')).response.status, 404);
});

test('reset request is rate-limited per username, whether or not it exists', async (t) => {
  const vault = anonymousFrom(freshIp());
  for (const username of [`limited-${Date.now()}`, (await registered(gw)).username]) {
    const who = { username, email: `${username}@example.test` };
    for (let i = 0; i < 3; i++) t.is((await requestReset(who, 'default', DEMO, vault)).response.status, 200);
    const limited = await requestReset(who, 'default', DEMO, vault);
    t.is(limited.response.status, 429);
    t.truthy(limited.response.headers.get('retry-after'));
  }
});

test('reset codes: expired codes, a newer code, and five wrong tries kill a code', async (t) => {
  const user = await registered(gw);
  const fresh = reenrolment(user, 'x');
  const vault = anonymousFrom(freshIp());
  const reset = (code: string) =>
    vault.POST('/auth/password/reset', { body: { code, username: user.username, encrypted_commitment: fresh.enrolment.encryptedCommitment, proto_version: 'zkimg-1' } });

  await requestReset(user, 'default', DEMO, vault);
  const [first] = await codesTo(user.email);
  await requestReset(user, 'default', DEMO, vault);
  const [second] = await codesTo(user.email);
  if (first !== second) t.is((await reset(first!)).response.status, 401, 'a newer code replaces the older one');

  // Expired: the record's expiry moved into the past.
  await gw.services.store.resetCodes.updateMany({ usernameKey: user.username }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  t.is((await reset(second!)).response.status, 401);

  await requestReset(user, 'default', DEMO, vault);
  const [third] = await codesTo(user.email);
  const wrong = otherDigits(third!);
  for (let i = 0; i < 5; i++) t.is((await reset(wrong)).response.status, 401);
  t.is((await reset(third!)).response.status, 401, 'after five wrong tries the right code is dead too');
  t.true(await canLogIn(user));
});

test('reset code: wrong proto_version and malformed commitments are 422', async (t) => {
  const res = await gw.clients.anonymous.vault.POST('/auth/password/reset', { body: { code: '123456', username: 'x', encrypted_commitment: 'A'.repeat(48), proto_version: 'zkimg-0' } });
  t.is(res.response.status, 422);
  const res2 = await gw.clients.anonymous.vault.POST('/auth/password/reset', { body: { code: '123456', username: 'x', encrypted_commitment: 'A+'.repeat(24), proto_version: 'zkimg-1' } });
  t.is(res2.response.status, 422);
});

test('change password: the user behind the credential re-enrols; a key of no user and no credential are refused', async (t) => {
  const user = await registered(gw);
  const dbUser = (await gw.services.identity.users.getByUsername('default', user.username))!;
  const key = await gw.createApiKey('default', ['account'], dbUser._id);
  const asUser = createVaultClient({ baseUrl: gw.url, auth: { APIKeyHeader: key.value } });
  const fresh = reenrolment(user, 'changed');
  const res = await asUser.POST('/auth/password/change', { body: { encrypted_commitment: fresh.enrolment.encryptedCommitment, proto_version: 'zkimg-1' } });
  t.is(res.response.status, 200, JSON.stringify(res.error));
  t.is(res.data, null);
  t.false(await canLogIn(user));
  t.true(await canLogIn(fresh));

  t.is((await asUser.POST('/auth/password/change', { body: { encrypted_commitment: fresh.enrolment.encryptedCommitment, proto_version: 'v2' } })).response.status, 422);
  const tenantKey = createVaultClient({ baseUrl: gw.url, auth: { APIKeyHeader: (await gw.createApiKey('default', ['*'])).value } });
  const noUser = await tenantKey.POST('/auth/password/change', { body: { encrypted_commitment: fresh.enrolment.encryptedCommitment, proto_version: 'zkimg-1' } });
  t.is(noUser.response.status, 404, 'a tenant-level key has no user (as /me answers)');
  t.is((await gw.clients.anonymous.vault.POST('/auth/password/change', { body: { encrypted_commitment: fresh.enrolment.encryptedCommitment, proto_version: 'zkimg-1' } })).response.status, 401);
});

test('change password: a client_credentials token whose client_id is a user\'s id cannot replace that user\'s commitment', async (t) => {
  // The exploit of the security review (finding 2): a tenant admin registers a client whose
  // client_id equals the victim's user id; the client_credentials token's sub is then that id.
  const tenantId = await gw.createTenant();
  await setVaultSettings(gw, tenantId, { register_enable: true });
  const victim = await registered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId) });
  const victimId = (await gw.services.identity.users.getByUsername(tenantId, victim.username))!._id;
  const secret = 'a-client-secret-chosen-by-the-attacker-0123456789';
  await gw.services.identity.clients.create(tenantId, { clientId: victimId, name: 'Lookalike', type: 'confidential', secret, grantTypes: ['client_credentials'] });
  const before = await gw.services.store.zkimgCommitments.findOne({ _id: victimId, tenantId });
  const attacker = reenrolment(victim, 'attacker');
  const change = (token: string) =>
    createVaultClient({ baseUrl: gw.url, auth: { HTTPBearer: token } }).POST('/auth/password/change', {
      body: { encrypted_commitment: attacker.enrolment.encryptedCommitment, proto_version: 'zkimg-1' },
    });

  // 1. Through the token endpoint, as the attacker would (the token carries whatever scopes the
  //    client may be granted; either its scope or its lack of a user refuses it).
  const tokenRes = await fetch(`${gw.url}/api/oidc/${tenantId}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: victimId, client_secret: secret }).toString(),
  });
  if (tokenRes.status === 200) {
    const { access_token: issued } = (await tokenRes.json()) as { access_token: string };
    const claims = JSON.parse(Buffer.from(issued.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; client_id: string };
    t.is(claims.sub, victimId, 'the token\'s sub is the client id, which is the victim\'s user id');
    t.true([403, 404].includes((await change(issued)).response.status));
  }

  // 2. Even a client_credentials token holding every scope is refused by the operation itself:
  //    sub = client_id means no user (admin-access.ts requireUserId), as /me answers.
  const forged = await gw.services.identity.tokens.issue({
    issuer: issuers.vault(gw.config.publicUrl, tenantId),
    audience: [audiences.vaultApi(gw.config.publicUrl), victimId],
    subject: victimId,
    ttlSeconds: 300,
    typ: 'at+jwt',
    claims: { tid: tenantId, scope: '*', client_id: victimId },
  });
  const res = await change(forged.token);
  t.is(res.response.status, 404);
  t.regex((res.error as { detail: string }).detail, /client_credentials/);

  t.deepEqual(await gw.services.store.zkimgCommitments.findOne({ _id: victimId, tenantId }), before, 'the victim\'s commitment is unchanged');
  t.is(await gw.services.store.auditLog.countDocuments({ tenantId, action: 'password.change' }), 0);
  t.true(await canLogIn(victim), 'the victim still logs in with their own key');
  t.false(await canLogIn(attacker), 'the attacker\'s enrolment opens nothing');
});

test('get client / client-tenant: public fields only, never the secret or its hash', async (t) => {
  const secret = 'a-confidential-client-secret-of-48-characters-xx';
  const { client } = await gw.services.identity.clients.create('default', {
    clientId: 'branded',
    name: 'Branded app',
    type: 'confidential',
    secret,
    redirectUris: ['https://rp.example/cb'],
    extra: { logo_uri: 'https://rp.example/logo.png', op_tos_url: 'https://rp.example/tos', register_enable: true, tenant_name: 'Acme Corp', flow: { type: 'microsoft-mfa', issuer: 'https://login.example' } },
  });
  const res = await gw.clients.anonymous.vault.GET('/auth/client', { params: { query: { client_id: 'branded', tenant_id: 'default' } } });
  t.is(res.response.status, 200);
  t.like(res.data!, { client_id: 'branded', name: 'Branded app', tenant_id: 'default', logo_uri: 'https://rp.example/logo.png', op_tos_url: 'https://rp.example/tos', register_enable: true, tenant_name: 'Acme Corp', has_profile: true });
  const text = JSON.stringify(res.data);
  t.false(text.includes(secret));
  t.false(text.includes(client.secretHash!));
  t.false(text.includes('rp.example/cb'), 'no redirect URIs');
  t.false('client_secret' in (res.data as object));

  const both = await gw.clients.anonymous.vault.GET('/auth/client-tenant', { params: { query: { client_id: 'branded', tenant_id: 'default' } } });
  t.is(both.response.status, 200);
  t.is(both.data!.client.client_id, 'branded');
  t.like(both.data!.tenant, { tenant_id: 'default', register_enable: true, display_name: 'Acme', passkey_enabled: false, use_pin: true, pin_size: 6, patter_size: 3 });
  t.false('block_config' in both.data!.tenant);
  t.false('is_2fa' in both.data!.tenant);
  t.false(JSON.stringify(both.data).includes(client.secretHash!));

  const plain = await gw.clients.anonymous.vault.GET('/auth/client', { params: { query: { client_id: DEMO, tenant_id: 'default' } } });
  t.like(plain.data!, { client_id: DEMO, has_profile: false, tenant_name: 'Acme' });

  const directory = await gw.services.identity.clients.get('default', 'directory-session');
  const dir = await gw.clients.anonymous.vault.GET('/auth/client-tenant', { params: { query: { client_id: 'directory-session', tenant_id: 'default' } } });
  t.false(JSON.stringify(dir.data).includes(directory!.secretHash!));

  t.is((await gw.clients.anonymous.vault.GET('/auth/client', { params: { query: { client_id: 'nope', tenant_id: 'default' } } })).response.status, 404);
  t.is((await gw.clients.anonymous.vault.GET('/auth/client-tenant', { params: { query: { client_id: 'branded', tenant_id: 'other' } } })).response.status, 404);
  t.is((await gw.clients.anonymous.vault.GET('/auth/client', { params: { query: { client_id: 'branded' } as { client_id: string; tenant_id: string } } })).response.status, 422);
});

test('login operations of another tenant through auth_req_id: reset codes follow the user\'s tenant', async (t) => {
  const tenantId = await gw.createTenant();
  await setVaultSettings(gw, tenantId, { register_enable: true });
  await gw.services.identity.clients.create(tenantId, { clientId: 'app', name: 'App', type: 'public' });
  const user = await registered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId) });
  // The same username in the default tenant is another account.
  const twin = await registered(gw, { username: user.username });
  await requestReset(user, tenantId, 'app');
  const [code] = await codesTo(user.email);
  const fresh = reenrolment(user, 'tenant-reset');
  fresh.authReqId = await authRequestFor(gw, tenantId);
  const ok = await gw.clients.anonymous.vault.POST('/auth/password/reset', { body: { code: code!, username: user.username, encrypted_commitment: fresh.enrolment.encryptedCommitment, proto_version: 'zkimg-1' } });
  t.is(ok.response.status, 200);
  t.true(await canLogIn(fresh));
  t.true(await canLogIn(twin), 'the default tenant\'s account is untouched');
  const { body } = await prepareLogin(gw, fresh, 0);
  t.is((await authenticateBody(gw, fresh, body)).response.status, 200);
});

test('reset codes: a stranger who knows only the username can neither burn nor hide codes, in any tenant', async (t) => {
  // Review finding 8: codes were found by username across tenants, each wrong code was charged to
  // all of them, and only the first 20 were compared.
  const tenantId = await gw.createTenant();
  await setVaultSettings(gw, tenantId, { register_enable: true });
  await gw.services.identity.clients.create(tenantId, { clientId: 'app', name: 'App', type: 'public' });
  const alice = await registered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId) });
  const twin = await registered(gw, { username: alice.username }); // the same username in `default`
  await requestReset(alice, tenantId, 'app', anonymousFrom(freshIp()));
  const [aliceCode] = await codesTo(alice.email);
  await requestReset(twin, 'default', DEMO, anonymousFrom(freshIp()));
  const twinCode = (await codesTo(twin.email)).find((c) => c !== aliceCode)!;
  // 25 more live codes for the same username in other tenants (more than the 20 once compared).
  for (let i = 0; i < 25; i++) await issueResetCode(gw.services.store, { tenantId: `elsewhere-${i}`, userId: randomUUID(), usernameKey: alice.username });

  const stranger = anonymousFrom(freshIp());
  const fresh = reenrolment(alice, 'stranger-proof');
  const tryCode = (vault: ReturnType<typeof anonymousFrom>, code: string, username = alice.username) =>
    vault.POST('/auth/password/reset', { body: { code, username, encrypted_commitment: fresh.enrolment.encryptedCommitment, proto_version: 'zkimg-1' } });
  for (const guess of ['123456', '000000', 'ABCD-EFGH-123456', 'abcdefgh000000', '7777-7777-777777', `${aliceCode!.slice(0, 4)}-ZZZZ-000000`]) {
    t.is((await tryCode(stranger, guess)).response.status, 401, guess);
  }
  // Alice's own code used with another username names no record of that username: no try taken.
  t.is((await tryCode(stranger, aliceCode!, `${alice.username}-x`)).response.status, 401);
  const tries = await gw.services.store.resetCodes.find({ usernameKey: alice.username, usedAt: null }).toArray();
  t.is(tries.length, 27);
  t.true(tries.every((c) => c.attempts === 0), 'no code was charged for the stranger\'s guesses');

  // A wrong guess with the twin's selector (the e-mail's reader) is charged to the twin's code only.
  t.is((await tryCode(anonymousFrom(freshIp()), otherDigits(twinCode), twin.username)).response.status, 401);
  const charged = await gw.services.store.resetCodes.find({ usernameKey: alice.username, attempts: { $gt: 0 } }).toArray();
  t.deepEqual(charged.map((c) => c.tenantId), ['default']);

  // Both owners still reset, each in their own tenant only.
  t.is((await tryCode(anonymousFrom(freshIp()), aliceCode!)).response.status, 200);
  t.true(await canLogIn(fresh), 'alice logs in with her new enrolment');
  t.true(await canLogIn(twin), 'the twin in default is untouched by alice\'s reset');
  const twinFresh = reenrolment(twin, 'twin-reset');
  const twinReset = await anonymousFrom(freshIp()).POST('/auth/password/reset', {
    body: { code: twinCode, username: twin.username, encrypted_commitment: twinFresh.enrolment.encryptedCommitment, proto_version: 'zkimg-1' },
  });
  t.is(twinReset.response.status, 200);
  t.true(await canLogIn(twinFresh));
  t.true(await canLogIn(fresh), 'and alice is untouched by the twin\'s reset');
});

test('reset codes: parallel wrong tries against one code take five tries in all, then the code is dead', async (t) => {
  const user = await registered(gw);
  const dbUser = (await gw.services.identity.users.getByUsername('default', user.username))!;
  const code = await issueResetCode(gw.services.store, { tenantId: 'default', userId: dbUser._id, usernameKey: user.username });
  const named = (await findResetCode(gw.services.store, user.username, code))!;
  t.like(named, { tenantId: 'default', userId: dbUser._id });
  const wrong = { ...named, digits: otherDigits(code).slice(-6) };
  const results = await Promise.all(Array.from({ length: 30 }, () => redeemResetCode(gw.services.store, user.username, wrong)));
  t.true(results.every((r) => !r.ok));
  t.is((await gw.services.store.resetCodes.findOne({ _id: named.selector }))!.attempts, 5, 'one try taken per guess, and none past the fifth');
  t.is(await findResetCode(gw.services.store, user.username, code), null, 'the right code no longer names a live record');
  t.false((await redeemResetCode(gw.services.store, user.username, named)).ok);
});
