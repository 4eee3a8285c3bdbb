/**
 * The Passkeys API's SCIM service (/fido2/v2/scim) beyond the RFC examples table
 * (test/scim/rfc-http.test.ts): an application's key reaches only its own users and groups on every
 * route, scopes profile:read / profile:write, errors in the RFC 7644 §3.12 shape with `status`,
 * ETags, discovery that advertises exactly what is kept, a user provisioned here registering a
 * passkey, and SCIM `active: false` closing the Passkeys sign-in and the Vault's logins.
 */
import test from 'ava';
import { createPasskeysClient } from '../../clients/passkeys.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { uniqueId } from '../vault/admin-helpers.ts';
import { authenticateBody, authRequestFor, challenge, newUser, prepareLogin, register, setVaultSettings } from '../vault/auth-helpers.ts';
import { ERROR_SCHEMA, PATCH_OP } from '../vault/scim-helpers.ts';
import { passkeyLogin } from '../vault/passkeys-helpers.ts';
import { authInit, must, newApp, regInit, register as registerPasskey, signIn, SoftwareAuthenticator } from './_helpers.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

async function app(scopes = ['profile:read', 'profile:write']) {
  const tenant = await gw.createTenant(uniqueId('pk-scim'));
  const key = await gw.createApiKey(tenant, scopes);
  return { tenant, client: createPasskeysClient({ baseUrl: gw.url, auth: { apiKey_header_Authorization: key.value } }) };
}
type Client = Awaited<ReturnType<typeof app>>['client'];

async function seed(client: Client) {
  const u = await client.POST('/scim/Users', { body: { schemas: [USER], userName: `u-${uniqueId('x')}` } });
  if (!u.data) throw new Error(`user: ${u.response.status} ${JSON.stringify(u.error)}`);
  const g = await client.POST('/scim/Groups', { body: { schemas: [GROUP], displayName: `g-${uniqueId('x')}`, members: [{ value: u.data.id }] } });
  if (!g.data) throw new Error(`group: ${g.response.status} ${JSON.stringify(g.error)}`);
  return { user: u.data, group: g.data };
}

test('isolation: application B\'s key reaches none of application A\'s users or groups, on every SCIM route', async (t) => {
  const a = await app();
  const b = await app();
  const { user, group } = await seed(a.client);
  const uid = { params: { path: { id: user.id } } };
  const gid = { params: { path: { id: group.id } } };
  const notFound = (r: { response: Response; error?: unknown }, what: string) => {
    t.is(r.response.status, 404, what);
    t.like(r.error as object, { schemas: [ERROR_SCHEMA], status: '404' }, what);
  };
  notFound(await b.client.GET('/scim/Users/{id}', uid), 'GET user');
  notFound(await b.client.PUT('/scim/Users/{id}', { ...uid, body: { schemas: [USER], userName: 'taken-over', active: true } }), 'PUT user');
  notFound(await b.client.PATCH('/scim/Users/{id}', { ...uid, body: { schemas: PATCH_OP, Operations: [{ op: 'replace', path: 'active', value: false }] } as never }), 'PATCH user');
  notFound(await b.client.DELETE('/scim/Users/{id}', uid), 'DELETE user');
  notFound(await b.client.GET('/scim/Groups/{id}', gid), 'GET group');
  notFound(await b.client.PUT('/scim/Groups/{id}', { ...gid, body: { schemas: [GROUP], displayName: 'taken-over' } }), 'PUT group');
  notFound(await b.client.PATCH('/scim/Groups/{id}', { ...gid, body: { schemas: PATCH_OP, operations: [{ op: 'remove', path: 'members' }] } as never }), 'PATCH group');
  notFound(await b.client.DELETE('/scim/Groups/{id}', gid), 'DELETE group');
  const users = await b.client.GET('/scim/Users', { params: { query: { filter: `id eq "${user.id}" or userName eq "${user.userName}"` } } });
  t.is(users.data!.totalResults, 0, 'list users with a filter naming A\'s user');
  t.is((await b.client.GET('/scim/Users', {})).data!.totalResults, 0, 'list users');
  const groups = await b.client.GET('/scim/Groups', { params: { query: { filter: `members.value eq "${user.id}"` } } });
  t.is(groups.data!.totalResults, 0, 'list groups by A\'s member');
  const adopt = await b.client.POST('/scim/Groups', { body: { schemas: [GROUP], displayName: 'adopters', members: [{ value: user.id }] } });
  t.is(adopt.response.status, 400, 'B cannot make A\'s user a member of its group');
  // A's resources are as they were.
  const still = await a.client.GET('/scim/Groups/{id}', gid);
  t.deepEqual([still.data!.displayName, still.data!.members!.map((m) => m.value)], [group.displayName, [user.id]]);
  t.is((await a.client.GET('/scim/Users/{id}', uid)).data!.active, true);
  t.is((await a.client.GET('/scim/Users', {})).data!.totalResults, 1);
  // A Vault tenant's users are not an application's either.
  const vaultUser = await gw.createUser('default');
  notFound(await a.client.GET('/scim/Users/{id}', { params: { path: { id: vaultUser.id } } }), 'a Vault user by id');
});

test('scopes: profile:read reads and may not write; a key with neither scope reads nothing; no key is 401, all in the SCIM error shape', async (t) => {
  const reader = await app(['profile:read']);
  const writer = await app(['profile:write']);
  t.is((await reader.client.GET('/scim/Users', {})).response.status, 200);
  const denied = await reader.client.POST('/scim/Users', { body: { schemas: [USER], userName: 'nope' } });
  t.is(denied.response.status, 403);
  t.like(denied.error as object, { schemas: [ERROR_SCHEMA], status: '403', msgCode: 'forbidden' }, 'seed 003 ScimError: msgCode as in the other errors');
  t.is((await writer.client.GET('/scim/Groups', {})).response.status, 403, 'profile:write alone does not read');
  const other = await app(['passkey:read']);
  for (const path of ['/scim/Users', '/scim/Groups', '/scim/Schemas', '/scim/ResourceTypes', '/scim/ServiceProviderConfig'] as const) {
    t.is((await other.client.GET(path, {})).response.status, 403, path);
    const anon = await gw.clients.anonymous.passkeys.GET(path, {});
    t.is(anon.response.status, 401, path);
    t.like(anon.error as object, { schemas: [ERROR_SCHEMA], status: '401' });
  }
  const created = await writer.client.POST('/scim/Users', { body: { schemas: [USER], userName: 'writer-made' } });
  t.is(created.response.status, 201);
  t.is(created.response.headers.get('location'), `${gw.url}/fido2/v2/scim/Users/${created.data!.id}`);
});

test('uniqueness, ETags and malformed bodies answer RFC 7644 errors', async (t) => {
  const { client } = await app();
  const { user, group } = await seed(client);
  const dup = await client.POST('/scim/Users', { body: { schemas: [USER], userName: user.userName.toUpperCase() } });
  t.deepEqual([dup.response.status, (dup.error as { scimType?: string }).scimType], [409, 'uniqueness']);
  const gdup = await client.POST('/scim/Groups', { body: { schemas: [GROUP], displayName: group.displayName } });
  t.deepEqual([gdup.response.status, (gdup.error as { scimType?: string }).scimType], [409, 'uniqueness']);
  const got = await client.GET('/scim/Users/{id}', { params: { path: { id: user.id } } });
  const etag = got.response.headers.get('etag')!;
  t.is(etag, got.data!.meta!.version!);
  const ok = await client.PATCH('/scim/Users/{id}', {
    params: { path: { id: user.id } },
    headers: { 'If-Match': etag } as never,
    body: { schemas: PATCH_OP, operations: [{ op: 'replace', path: 'displayName', value: 'Babs' }] } as never,
  });
  t.is(ok.response.status, 200, JSON.stringify(ok.error));
  const stale = await client.PUT('/scim/Users/{id}', {
    params: { path: { id: user.id } },
    headers: { 'If-Match': etag } as never,
    body: { schemas: [USER], userName: user.userName, active: true },
  });
  t.deepEqual([stale.response.status, (stale.error as { status?: string }).status], [412, '412']);
  const staleDelete = await client.DELETE('/scim/Groups/{id}', { params: { path: { id: group.id } }, headers: { 'If-Match': 'W/"99"' } as never });
  t.is(staleDelete.response.status, 412);
  const noOps = await client.PATCH('/scim/Groups/{id}', { params: { path: { id: group.id } }, body: { schemas: PATCH_OP } as never });
  t.is(noOps.response.status, 400);
  const badOp = await client.PATCH('/scim/Groups/{id}', { params: { path: { id: group.id } }, body: { schemas: PATCH_OP, operations: [{ op: 'move', path: 'members' }] } as never });
  t.is(badOp.response.status, 400);
  t.is((await client.DELETE('/scim/Groups/{id}', { params: { path: { id: group.id } } })).response.status, 204);
  t.is((await client.DELETE('/scim/Users/{id}', { params: { path: { id: user.id } } })).response.status, 204);
  t.is((await client.GET('/scim/Users/{id}', { params: { path: { id: user.id } } })).response.status, 404);
});

test('discovery advertises what is kept: every advertised User attribute round-trips, others are not kept', async (t) => {
  const { client } = await app();
  const spc = await client.GET('/scim/ServiceProviderConfig', {});
  t.is(spc.response.status, 200, JSON.stringify(spc.error));
  t.like(spc.data!, { patch: { supported: true }, etag: { supported: true }, bulk: { supported: false }, sort: { supported: false }, changePassword: { supported: false }, filter: { supported: true, maxResults: 100 } });
  const types = await client.GET('/scim/ResourceTypes', {});
  t.deepEqual(types.data!.Resources!.map((r) => [r.name, r.endpoint, r.schema]), [['User', '/Users', USER], ['Group', '/Groups', GROUP]]);
  const schemas = await client.GET('/scim/Schemas', {});
  t.is(schemas.response.status, 200, JSON.stringify(schemas.error));
  const userSchema = schemas.data!.Resources!.find((s) => s.id === USER)!;
  const advertised = userSchema.attributes!.map((a) => a.name);
  t.deepEqual(advertised, ['userName', 'name', 'displayName', 'active', 'emails', 'groups']);
  t.is(userSchema.attributes!.find((a) => a.name === 'userName')!.uniqueness, 'server');
  t.deepEqual(schemas.data!.Resources!.find((s) => s.id === GROUP)!.attributes!.map((a) => a.name), ['displayName', 'members']);

  const { group } = await seed(client);
  const full = {
    schemas: [USER],
    userName: 'full',
    externalId: 'ext-1',
    name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Ada Lovelace' },
    displayName: 'Ada',
    active: false,
    emails: [{ value: 'ada@example.test', type: 'work', primary: true }],
    locale: 'en-GB',
    roles: [{ value: 'admin' }],
  };
  const made = await client.POST('/scim/Users', { body: full as never });
  t.is(made.response.status, 201, JSON.stringify(made.error));
  await client.PATCH('/scim/Groups/{id}', { params: { path: { id: group.id } }, body: { schemas: PATCH_OP, Operations: [{ op: 'add', path: 'members', value: [{ value: made.data!.id }] }] } as never });
  const back = (await client.GET('/scim/Users/{id}', { params: { path: { id: made.data!.id } } })).data! as Record<string, unknown>;
  for (const name of advertised.filter((n) => n !== 'groups')) t.deepEqual(back[name], (full as Record<string, unknown>)[name], name);
  t.deepEqual((back.groups as { value: string }[]).map((g) => g.value), [group.id]);
  t.is(back.externalId, 'ext-1');
  t.false('locale' in back || 'roles' in back, 'attributes the schema does not list are not kept');
});

test('a Vault user deactivated through SCIM (active: false) cannot complete a zkimg-1 login; active again, he can', async (t) => {
  const tenantId = await gw.createTenant(uniqueId('scim-off'));
  await setVaultSettings(gw, tenantId, { register_enable: true });
  const user = newUser({ tenantId, authReqId: await authRequestFor(gw, tenantId) });
  t.is((await register(gw, user)).response.status, 201);
  const id = (await gw.services.identity.users.getByUsername(tenantId, user.username))!._id;
  const login = async (noise: string) => {
    user.authReqId = await authRequestFor(gw, tenantId);
    const c = await challenge(gw, user);
    if (c.response.status !== 200) return c.response.status;
    return (await authenticateBody(gw, user, (await prepareLogin(gw, user, 0, noise)).body)).response.status;
  };
  t.is(await login('before'), 200);
  const setActive = (active: boolean) =>
    gw.clients.admin.vault.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', {
      params: { path: { tenant_id: tenantId, user_id: id } },
      body: { schemas: PATCH_OP, Operations: [{ op: 'replace', path: 'active', value: active }] } as never,
    });
  t.is((await setActive(false)).response.status, 200);
  const refused = await login('disabled');
  t.true(refused >= 400 && refused < 500, `a deactivated user's login is refused (${refused})`);
  t.is((await setActive(true)).response.status, 200);
  t.is(await login('again'), 200);
});

test('a user provisioned through /fido2/v2/scim registers a passkey (reg/init + reg/complete) with a grant for that user, and signs in with it', async (t) => {
  const app = await newApp(gw);
  const username = `${uniqueId('scim-pk')}@example.test`;
  const made = await app.mgmt.POST('/scim/Users', { body: { schemas: [USER], userName: username, displayName: 'Provisioned', emails: [{ value: username, primary: true }] } });
  t.is(made.response.status, 201, JSON.stringify(made.error));
  const id = made.data!.id;
  // The user exists, so a stranger knowing the username cannot put a passkey on the account.
  t.is((await regInit(gw, app, username)).response.status, 403);
  // The application's backend grants the registration (mgmt/grant), as LoginID's web SDK expects.
  const grant = must(await app.mgmt.POST('/mgmt/grant', { body: { grants: ['reg:write'], username } }), 'grant');
  const authenticator = new SoftwareAuthenticator();
  const reg = await registerPasskey(gw, app, authenticator, username, { jwt: grant.token });
  t.is(reg.response.status, 200, JSON.stringify(reg.error));
  t.is(reg.data!.userId, id, 'the passkey is the provisioned user\'s, no second user');
  t.is(await gw.services.store.users.countDocuments({ tenantId: app.id, usernameKey: username.toLowerCase() }), 1);
  const signedIn = await signIn(gw, app, authenticator, username);
  t.is(signedIn.response.status, 200, JSON.stringify(signedIn.error));
  t.is(signedIn.data!.userId, id);
  const scimView = must(await app.mgmt.GET('/scim/Users/{id}', { params: { path: { id } } }), 'scim get');
  t.like(scimView, { userName: username, displayName: 'Provisioned', active: true });
});

test('a user deactivated through /fido2/v2/scim (active: false) is refused at the Passkeys sign-in (auth/complete) and at the Vault\'s passkey login; active again, both work', async (t) => {
  const app = await newApp(gw);
  const authenticator = new SoftwareAuthenticator();
  const username = `${uniqueId('scim-off')}@example.test`;
  const made = must(await app.mgmt.POST('/scim/Users', { body: { schemas: [USER], userName: username } }), 'scim create');
  const grant = must(await app.mgmt.POST('/mgmt/grant', { body: { grants: ['reg:write'], username } }), 'grant');
  t.is((await registerPasskey(gw, app, authenticator, username, { jwt: grant.token })).response.status, 200);
  const setActive = (active: boolean) =>
    app.mgmt.PATCH('/scim/Users/{id}', { params: { path: { id: made.id } }, body: { schemas: PATCH_OP, Operations: [{ op: 'replace', path: 'active', value: active }] } as never });
  const vaultLogin = async () => {
    try {
      return (await passkeyLogin(gw, app.id, username, authenticator)).response.status;
    } catch (error) {
      // auth/options refused: the helper throws with the status first
      return Number(/: (\d{3}) /.exec((error as Error).message)?.[1] ?? 0);
    }
  };
  t.is((await signIn(gw, app, authenticator, username)).response.status, 200, 'before');
  t.is(await vaultLogin(), 200, 'the Vault login before');

  t.is((await setActive(false)).response.status, 200);
  // auth/init tells nobody the account is off (its options name no passkey), auth/complete refuses
  const init = must(await authInit(app, username), 'auth/init');
  t.deepEqual(init.assertionOptions.allowCredentials ?? [], []);
  const refused = await signIn(gw, app, authenticator, username);
  t.is(refused.response.status, 403, `auth/complete of a deactivated user: ${JSON.stringify(refused.error)}`);
  t.like(refused.error as object, { msgCode: 'forbidden' });
  t.is(refused.data, undefined);
  const vault = await vaultLogin();
  t.true(vault >= 400 && vault < 500, `the Vault's passkey login of a deactivated user is refused (${vault})`);

  t.is((await setActive(true)).response.status, 200);
  t.is((await signIn(gw, app, authenticator, username)).response.status, 200, 'active again');
  t.is(await vaultLogin(), 200, 'the Vault login again');
});
