// Invitations and e-mail verification (identity/vault/account-links.ts, link-flows.ts) over HTTP:
// an administrator-created user gets an enrolment link through the outbox; the link sets an image
// and PIN or a passkey, once, before it expires, only in its tenant; self-registration sends a
// verification link, and `email_verified` in ID tokens follows it; registration with a passkey. Plus the account operations
// added for the account page (end a session, delete a passkey), which need the user's own session.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import * as zk from '../helpers/zkimg-client.ts';
import { authRequestFor, newUser, prepareLogin, registered, setVaultSettings, authenticateBody, type TestUser } from './auth-helpers.ts';
import { completeLogin } from '../../server/identity/vault/login-continuation.ts';
import { originOf, passkeyTenant, registerPasskey, SoftwareAuthenticator, tokenFor, userWithToken } from './passkeys-helpers.ts';
import { vaultWithKey } from './admin-helpers.ts';
import type { components } from '../../generated/secrets-vault/schema.ts';

type Schemas = components['schemas'];
let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
  await setVaultSettings(gw, 'default', { register_enable: true, passkey_enabled: true });
});
test.after.always(() => gw?.stop());

/** The token of the newest link of `purpose` e-mailed to `to` (the outbox is the mailbox in tests). */
async function mailedToken(to: string, purpose: string): Promise<{ token: string; url: URL; body: string }> {
  const [message] = await gw.services.identity.outbox.list({ to, purpose, limit: 1 });
  if (message === undefined) throw new Error(`no ${purpose} e-mail to ${to}`);
  const link = /https?:\/\/\S+/.exec(message.body)?.[0];
  if (link === undefined) throw new Error(`no link in ${message.body}`);
  const url = new URL(link);
  return { token: url.searchParams.get('token')!, url, body: message.body };
}

async function invited(tenantId: string): Promise<{ id: string; username: string; email: string; token: string; url: URL }> {
  const username = `inv-${randomUUID().slice(0, 8)}`;
  const email = `${username}@example.test`;
  const created = await gw.clients.admin.vault.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenantId } }, body: { user_id: 'assigned-by-the-server', tenant_id: tenantId, username, email } as Schemas['User'] });
  if (created.data === undefined) throw new Error(`create user: ${created.response.status} ${JSON.stringify(created.error)}`);
  const { token, url } = await mailedToken(email, 'enrolment');
  return { id: created.data.user_id, username, email, token, url };
}

function enrolment(tenantId: string, username: string): TestUser {
  return newUser({ tenantId, username });
}

function enrol(tenantId: string, token: string, user: TestUser) {
  const { encrypted_commitment, proto_version } = zk.registerBody(user.enrolment, user.username, user.email);
  return gw.clients.anonymous.vault.POST('/auth/enrolment', { body: { tenant_id: tenantId, token, encrypted_commitment, proto_version: proto_version as 'zkimg-1' } });
}

/** Whether the user's PIN (cipherKey) and image log in; a refused challenge is a no. */
async function logsIn(user: TestUser): Promise<boolean> {
  const { body } = await prepareLogin(gw, user).catch(() => ({ body: null }));
  if (body === null) return false;
  return (await authenticateBody(gw, user, body)).response.status === 200;
}

test('an invited user sets an image and PIN with the e-mailed link, once; the address is confirmed', async (t) => {
  const inv = await invited('default');
  t.is(inv.url.pathname, '/api/oidc/default/enrol');
  t.is(inv.url.origin, gw.config.publicUrl);
  const user = enrolment('default', inv.username);
  t.is((await enrol('default', inv.token, user)).response.status, 200);
  t.true(await logsIn(user));
  t.true((await gw.services.identity.users.get('default', inv.id))!.emailVerified);
  // Single use: the same link cannot set another image (an attacker who saw the link later).
  const other = enrolment('default', inv.username);
  const again = await enrol('default', inv.token, other);
  t.is(again.response.status, 401);
  t.regex(JSON.stringify(again.error), /not valid any more/);
  t.false(await logsIn(other));
});

test('an enrolment link expires, and a new invitation kills the earlier link', async (t) => {
  const inv = await invited('default');
  await gw.services.store.accountLinks.updateMany({ userId: inv.id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  t.is((await enrol('default', inv.token, enrolment('default', inv.username))).response.status, 401);
  const reinvite = await gw.clients.admin.vault.POST('/users/{tenant_id}/{user_id}/invitation', { params: { path: { tenant_id: 'default', user_id: inv.id } } });
  t.is(reinvite.response.status, 200);
  t.is(reinvite.data?.email, inv.email);
  const first = await mailedToken(inv.email, 'enrolment');
  const third = await gw.clients.admin.vault.POST('/users/{tenant_id}/{user_id}/invitation', { params: { path: { tenant_id: 'default', user_id: inv.id } } });
  t.is(third.response.status, 200);
  t.is((await enrol('default', first.token, enrolment('default', inv.username))).response.status, 401, 'the earlier invitation no longer works');
  const latest = await mailedToken(inv.email, 'enrolment');
  t.is((await enrol('default', latest.token, enrolment('default', inv.username))).response.status, 200);
});

test("another tenant's link does nothing here, and is not spent by the try", async (t) => {
  const other = await gw.createTenant();
  const inv = await invited(other);
  const user = enrolment('default', inv.username);
  t.is((await enrol('default', inv.token, user)).response.status, 401);
  t.is((await enrol(other, inv.token, enrolment(other, inv.username))).response.status, 200);
});

test('the enrolment page shows whom the link is for; a stale or foreign link gets a page that says what to do', async (t) => {
  const other = await gw.createTenant();
  const inv = await invited(other);
  const page = await fetch(inv.url);
  t.is(page.status, 200);
  t.true((await page.text()).includes(inv.username));
  const foreign = await fetch(`${gw.url}/api/oidc/default/enrol?token=${inv.token}`);
  t.is(foreign.status, 404);
  t.regex(await foreign.text(), /Ask your administrator/);
});

test('an invited user enrols a passkey with the link instead; a refused ceremony leaves the link usable', async (t) => {
  const tenantId = await passkeyTenant(gw);
  const inv = await invited(tenantId);
  const authenticator = new SoftwareAuthenticator();
  const options = await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: tenantId, enrolment_token: inv.token } });
  t.is(options.response.status, 200);
  t.is(options.data?.user.name, inv.username);
  const bad = authenticator.register(options.data!, { origin: 'https://evil.example' });
  const refused = await gw.clients.anonymous.vault.POST('/auth/passkey/register', { body: { tenant_id: tenantId, enrolment_token: inv.token, credential: bad as Schemas['RegistrationResponseJSON'] } });
  t.is(refused.response.status, 400);
  const again = await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: tenantId, enrolment_token: inv.token } });
  const good = authenticator.register(again.data!, { origin: originOf(gw) });
  const saved = await gw.clients.anonymous.vault.POST('/auth/passkey/register', { body: { tenant_id: tenantId, enrolment_token: inv.token, name: 'Laptop', credential: good as Schemas['RegistrationResponseJSON'] } });
  t.is(saved.response.status, 200, JSON.stringify(saved.error));
  const stored = await gw.services.store.passkeyCredentials.find({ tenantId, userId: inv.id }).toArray();
  t.deepEqual(stored.map((c) => c.name), ['Laptop']);
  // Spent: neither options nor another registration with it.
  t.is((await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: tenantId, enrolment_token: inv.token } })).response.status, 401);
  t.true((await gw.services.identity.users.get(tenantId, inv.id))!.emailVerified);
});

test('a passkey after a login: only with an unspent login nonce of this tenant; the nonce still completes the login', async (t) => {
  const tenantId = await passkeyTenant(gw, { register_enable: true });
  const user = await registered(gw, { tenantId: 'default' });
  const { body } = await prepareLogin(gw, user);
  const login = await authenticateBody(gw, user, body);
  const nonce = login.data!.nonce;
  // Another tenant's nonce names nobody there.
  t.is((await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: tenantId, login_nonce: nonce } })).response.status, 401);
  // Both or neither credential: 422.
  t.is((await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: 'default' } })).response.status, 422);
  t.is((await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: 'default', login_nonce: nonce, enrolment_token: 'x' } })).response.status, 422);
  const options = await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: 'default', login_nonce: nonce } });
  t.is(options.response.status, 200);
  const credential = new SoftwareAuthenticator().register(options.data!, { origin: originOf(gw) });
  const saved = await gw.clients.anonymous.vault.POST('/auth/passkey/register', { body: { tenant_id: 'default', login_nonce: nonce, credential: credential as Schemas['RegistrationResponseJSON'] } });
  t.is(saved.response.status, 200, JSON.stringify(saved.error));
  // A spent (or forged) nonce gives nothing.
  await gw.services.store.loginNonces.updateMany({ userId: (await gw.services.identity.users.getByUsername('default', user.username))!._id }, { $set: { usedAt: new Date() } });
  t.is((await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: 'default', login_nonce: nonce } })).response.status, 401);
  t.is((await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: 'default', login_nonce: 'forged' } })).response.status, 401);
});

test('self-registration sends a verification link; email_verified follows it; the link works once, in its tenant, for its address', async (t) => {
  const user = await registered(gw);
  const dbUser = async () => (await gw.services.identity.users.getByUsername('default', user.username))!;
  t.false((await dbUser()).emailVerified);
  const { token, url } = await mailedToken(user.email, 'email_verification');
  t.is(url.pathname, '/api/oidc/default/verify-email');
  const other = await gw.createTenant();
  t.is((await gw.clients.anonymous.vault.POST('/auth/email/verify', { body: { tenant_id: other, token } })).response.status, 401);
  t.is((await gw.clients.anonymous.vault.POST('/auth/email/verify', { body: { tenant_id: 'default', token } })).response.status, 200);
  t.true((await dbUser()).emailVerified);
  t.is((await gw.clients.anonymous.vault.POST('/auth/email/verify', { body: { tenant_id: 'default', token } })).response.status, 401, 'single use');

  // An e-mail change on the account page (Update Email, with the user's proof) sends a new link.
  const proof = await prepareLogin(gw, user);
  const me = await dbUser();
  const key = (await gw.createApiKey('default', ['account'], me._id)).value;
  const changed = await vaultWithKey(gw, key).PUT('/users/{tenant_id}/{user_id}/email', {
    params: { path: { tenant_id: 'default', user_id: me._id } },
    body: { email: `moved-${user.email}`, challenge_id: proof.body.challenge_id, challenge_data: proof.body.challenge_data },
  });
  t.is(changed.response.status, 200, JSON.stringify(changed.error));
  t.false((await dbUser()).emailVerified);
  const moved = await mailedToken(`moved-${user.email}`, 'email_verification');
  t.is((await gw.clients.anonymous.vault.POST('/auth/email/verify', { body: { tenant_id: 'default', token: moved.token } })).response.status, 200);
  t.true((await dbUser()).emailVerified);

  // A link to an address the user has since replaced confirms nothing.
  const second = await registered(gw);
  const stale = await mailedToken(second.email, 'email_verification');
  const id = (await gw.services.identity.users.getByUsername('default', second.username))!._id;
  await gw.services.identity.users.update('default', id, { email: `new-${second.email}` });
  t.is((await gw.clients.anonymous.vault.POST('/auth/email/verify', { body: { tenant_id: 'default', token: stale.token } })).response.status, 401);
  t.false((await gw.services.identity.users.get('default', id))!.emailVerified);
});

test("account operations need the user's own session: end a session, delete a passkey", async (t) => {
  const tenantId = await passkeyTenant(gw);
  const alice = await userWithToken(gw, tenantId);
  const bob = await userWithToken(gw, tenantId);
  const aliceSecond = await tokenFor(gw, tenantId, { id: alice.id, username: alice.username });
  const sessions = await alice.vault.GET('/me/sessions', {});
  t.is(sessions.data?.total, 2);
  const bobSessions = await bob.vault.GET('/me/sessions', {});
  const bobSession = bobSessions.data!.sessions[0]!.session_id;
  // Bob's session is not Alice's to end: 404, and it stays open.
  t.is((await alice.vault.DELETE('/me/sessions/{session_id}', { params: { path: { session_id: bobSession } } })).response.status, 404);
  t.is((await bob.vault.GET('/me/sessions', {})).data?.total, 1);
  // Alice ends her second session; its token stops working.
  const second = (sessions.data!.sessions as { session_id: string; current?: boolean }[]).find((s) => !s.current)!.session_id;
  t.is((await alice.vault.DELETE('/me/sessions/{session_id}', { params: { path: { session_id: second } } })).response.status, 200);
  t.is((await aliceSecond.vault.GET('/me/sessions', {})).response.status, 401);
  t.is((await alice.vault.GET('/me/sessions', {})).data?.total, 1);

  const authenticator = new SoftwareAuthenticator();
  await registerPasskey(gw, bob, authenticator, 'Bob phone');
  const [bobKey] = (await bob.vault.GET('/passkeys', {})).data!.passkeys;
  t.is((await alice.vault.DELETE('/passkeys/{key_id}', { params: { path: { key_id: bobKey!.id } } })).response.status, 404);
  t.is((await bob.vault.GET('/passkeys', {})).data!.passkeys.length, 1);
  // A token without the account scope (any relying party's) cannot delete, nor an anonymous call.
  const adminKey = vaultWithKey(gw, (await gw.createApiKey(tenantId, ['users:read'], bob.id)).value);
  t.is((await adminKey.DELETE('/passkeys/{key_id}', { params: { path: { key_id: bobKey!.id } } })).response.status, 403);
  t.is((await gw.clients.anonymous.vault.DELETE('/passkeys/{key_id}', { params: { path: { key_id: bobKey!.id } } })).response.status, 401);
  t.is((await bob.vault.DELETE('/passkeys/{key_id}', { params: { path: { key_id: bobKey!.id } } })).response.status, 200);
  t.deepEqual((await bob.vault.GET('/passkeys', {})).data!.passkeys, []);
});

test('registration with a passkey: the user exists only once the passkey verifies; closed tenants, taken names and replays are refused', async (t) => {
  const closed = await passkeyTenant(gw);
  const closedReq = await authRequestFor(gw, closed);
  const refused = await gw.clients.anonymous.vault.POST('/auth/register/passkey/options', { params: { query: { auth_req_id: closedReq } }, body: { username: 'nobody' } });
  t.is(refused.response.status, 403);

  const tenantId = await passkeyTenant(gw, { register_enable: true });
  const authReqId = await authRequestFor(gw, tenantId);
  const taken = await gw.createUser(tenantId);
  t.is((await gw.clients.anonymous.vault.POST('/auth/register/passkey/options', { params: { query: { auth_req_id: authReqId } }, body: { username: taken.username.toUpperCase() } })).response.status, 409);

  const username = `pk-new-${randomUUID().slice(0, 6)}`;
  const options = await gw.clients.anonymous.vault.POST('/auth/register/passkey/options', { params: { query: { auth_req_id: authReqId } }, body: { username } });
  t.is(options.response.status, 200, JSON.stringify(options.error));
  t.is(await gw.services.identity.users.getByUsername(tenantId, username), null, 'no user before the passkey verifies');
  const credential = new SoftwareAuthenticator().register(options.data!, { origin: originOf(gw) }) as Schemas['RegistrationResponseJSON'];
  const body = { email: `${username}@example.test`, credential };
  const done = await gw.clients.anonymous.vault.POST('/auth/register/passkey', { params: { query: { auth_req_id: authReqId } }, body });
  t.is(done.response.status, 201, JSON.stringify(done.error));
  t.true(done.data!.nonce.length >= 32);
  const user = (await gw.services.identity.users.getByUsername(tenantId, username))!;
  t.false(user.emailVerified);
  t.is((await gw.services.store.passkeyCredentials.countDocuments({ tenantId, userId: user._id })), 1);
  t.truthy(await mailedToken(`${username}@example.test`, 'email_verification'));
  // The ceremony answers once.
  t.is((await gw.clients.anonymous.vault.POST('/auth/register/passkey', { params: { query: { auth_req_id: authReqId } }, body })).response.status, 401);
  // A ceremony made for an existing user (the offer after a login) creates no user.
  const login = await completeLogin(gw.services, { tenantId, userId: taken.id, method: 'zkimg', needVerify: false, ip: '127.0.0.1', userAgent: 'ava' });
  const forExisting = await gw.clients.anonymous.vault.POST('/auth/passkey/options', { body: { tenant_id: tenantId, login_nonce: login.nonce } });
  const misused = new SoftwareAuthenticator().register(forExisting.data!, { origin: originOf(gw) }) as Schemas['RegistrationResponseJSON'];
  t.is((await gw.clients.anonymous.vault.POST('/auth/register/passkey', { params: { query: { auth_req_id: authReqId } }, body: { email: 'x@example.test', credential: misused } })).response.status, 400);
});
