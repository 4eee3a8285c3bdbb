/**
 * Vault clients through the API: create (secret once, stored hashed, usable by the identity core),
 * redirect URI rules, list paging, update (secret never readable, type changes), scopes, and
 * another tenant's clients out of reach, also by guessing client ids.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { assertNoSecret, loose, uniqueId, vaultWithKey, type Loose } from './admin-helpers.ts';
import type { components } from '../../generated/secrets-vault/schema.ts';

type Client = components['schemas']['Client'];

let gw: TestGateway;
let tenantA: string;
let tenantB: string;
let adminA: ReturnType<typeof vaultWithKey>;
let adminB: ReturnType<typeof vaultWithKey>;

test.before(async () => {
  gw = await startTestGateway();
  tenantA = await gw.createTenant(uniqueId('ca'));
  tenantB = await gw.createTenant(uniqueId('cb'));
  adminA = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['clients:read', 'clients:write'])).value);
  adminB = vaultWithKey(gw, (await gw.createApiKey(tenantB, ['clients:read', 'clients:write'])).value);
});
test.after.always(async () => {
  await gw?.stop();
});

const client = (tenant: string, over: Loose<Client> = {}): Client =>
  loose<Client>({
    client_id: uniqueId('app'),
    name: 'App',
    tenant_id: tenant,
    redirect_uris: ['https://app.example.com/cb'],
    ...over,
  });

test('a confidential client gets a generated secret once; it is stored hashed and authenticates', async (t) => {
  const body = client(tenantA, { post_logout_redirect_uri: ['https://app.example.com/bye'], logo_uri: 'https://app.example.com/logo.png', sing_alg: 'RS256' });
  const r = await adminA.POST('/clients', { body });
  t.is(r.response.status, 200);
  const secret = r.data!.client_secret!;
  t.true(secret.length >= 32);
  t.is(r.data!.client_type, 'confidential');
  t.is(r.data!.sing_alg, 'RS256');
  t.is(r.data!.logo_uri, 'https://app.example.com/logo.png');
  t.deepEqual(r.data!.allowed_scopes, ['openid', 'profile', 'email', 'offline_access']);
  const doc = await gw.services.store.clients.findOne({ tenantId: tenantA, clientId: body.client_id });
  t.truthy(doc?.secretHash);
  t.false(JSON.stringify(doc).includes(secret), 'the record keeps a hash, not the secret');
  t.truthy(await gw.services.identity.clients.authenticate(tenantA, body.client_id, secret));
  t.deepEqual(doc?.grantTypes, ['authorization_code', 'refresh_token', 'client_credentials']);

  const list = await adminA.GET('/clients', { params: { query: { tenant_id: tenantA } } });
  t.is(list.response.status, 200);
  const listed = list.data!.clients.find((c) => c.client_id === body.client_id);
  t.is(listed?.client_secret, null);
  assertNoSecret(t, [list.data], secret);
});

test('a chosen secret is accepted when long enough; a short one, or one on a public client, is 422', async (t) => {
  const chosen = 'c'.repeat(40);
  const ok = await adminA.POST('/clients', { body: client(tenantA, { client_secret: chosen }) });
  t.is(ok.response.status, 200);
  t.is(ok.data!.client_secret, chosen);
  t.is((await adminA.POST('/clients', { body: client(tenantA, { client_secret: 'short' }) })).response.status, 422);
  const pub = await adminA.POST('/clients', { body: client(tenantA, { client_type: 'public', client_secret: chosen }) });
  t.is(pub.response.status, 422);
  t.deepEqual((pub.error as { detail: { loc: unknown[] }[] }).detail[0]?.loc, ['body', 'client_secret']);
});

test('a public client has no secret and no client_credentials grant', async (t) => {
  const body = client(tenantA, { client_type: 'public', redirect_uris: ['http://localhost:3000/cb', 'http://127.0.0.1:8080/cb'] });
  const r = await adminA.POST('/clients', { body });
  t.is(r.response.status, 200);
  t.is(r.data!.client_secret, null);
  const doc = await gw.services.store.clients.findOne({ tenantId: tenantA, clientId: body.client_id });
  t.is(doc?.secretHash, null);
  t.is(doc?.tokenEndpointAuthMethod, 'none');
  t.deepEqual(doc?.grantTypes, ['authorization_code', 'refresh_token']);
});

test('redirect URIs: relative, fragment, plain http on a public host and other schemes are refused', async (t) => {
  const bad = ['/cb', 'https://app.example.com/cb#frag', 'http://app.example.com/cb', 'javascript:alert(1)', 'ftp://x.example/cb', 'not a url'];
  for (const uri of bad) {
    const r = await adminA.POST('/clients', { body: client(tenantA, { redirect_uris: ['https://ok.example/cb', uri] }) });
    t.is(r.response.status, 422, uri);
    t.deepEqual((r.error as { detail: { loc: unknown[] }[] }).detail[0]?.loc, ['body', 'redirect_uris', 1], uri);
  }
  const logout = await adminA.POST('/clients', { body: client(tenantA, { post_logout_redirect_uri: ['http://evil.example/'] }) });
  t.is(logout.response.status, 422);
});

test('client ids: a duplicate in the tenant is 409, the same id in another tenant is fine, a malformed one is 422', async (t) => {
  const id = uniqueId('dup');
  t.is((await adminA.POST('/clients', { body: client(tenantA, { client_id: id }) })).response.status, 200);
  t.is((await adminA.POST('/clients', { body: client(tenantA, { client_id: id }) })).response.status, 409);
  t.is((await adminB.POST('/clients', { body: client(tenantB, { client_id: id }) })).response.status, 200);
  t.is((await adminA.POST('/clients', { body: client(tenantA, { client_id: 'has space' }) })).response.status, 422);
});

test('readClients pages with skip and limit; limits outside 1..500 are 422', async (t) => {
  const tenant = await gw.createTenant(uniqueId('page'));
  const key = vaultWithKey(gw, (await gw.createApiKey(tenant, ['clients:read', 'clients:write'])).value);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const body = client(tenant);
    ids.push(body.client_id);
    await key.POST('/clients', { body });
  }
  const all = (await key.GET('/clients', { params: { query: { tenant_id: tenant, limit: 500 } } })).data!.clients.map((c) => c.client_id);
  t.deepEqual([...all].sort(), [...ids].sort());
  const page = await key.GET('/clients', { params: { query: { tenant_id: tenant, skip: 1, limit: 2 } } });
  t.deepEqual(page.data!.clients.map((c) => c.client_id), all.slice(1, 3));
  const past = await key.GET('/clients', { params: { query: { tenant_id: tenant, skip: 50 } } });
  t.deepEqual(past.data!.clients, []);
  t.is((await key.GET('/clients', { params: { query: { tenant_id: tenant, limit: 0 } } })).response.status, 422);
  t.is((await key.GET('/clients', { params: { query: { tenant_id: tenant, limit: 501 } } })).response.status, 422);
  t.is((await key.GET('/clients', { params: { query: { tenant_id: tenant, skip: -1 } } })).response.status, 422);
});

test('updateClient replaces settings, keeps the secret on null, replaces it when given, never shows it', async (t) => {
  const body = client(tenantA);
  const created = await adminA.POST('/clients', { body });
  const first = created.data!.client_secret!;
  const up = await adminA.PUT('/clients/{client_id}', {
    params: { path: { client_id: body.client_id } },
    body: { ...body, name: 'Renamed', redirect_uris: ['https://new.example/cb'], client_secret: null, is_lock: true },
  });
  t.is(up.response.status, 200);
  t.is(up.data, null);
  t.truthy(await gw.services.identity.clients.authenticate(tenantA, body.client_id, first), 'a null secret keeps the secret');
  const listed = (await adminA.GET('/clients', { params: { query: { tenant_id: tenantA } } })).data!.clients.find((c) => c.client_id === body.client_id);
  t.is(listed?.name, 'Renamed');
  t.deepEqual(listed?.redirect_uris, ['https://new.example/cb']);
  t.is(listed?.is_lock, true);

  const second = 's'.repeat(48);
  await adminA.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body: { ...body, client_secret: second } });
  t.is(await gw.services.identity.clients.authenticate(tenantA, body.client_id, first), null, 'the old secret stops working');
  t.truthy(await gw.services.identity.clients.authenticate(tenantA, body.client_id, second));
  const all = await adminA.GET('/clients', { params: { query: { tenant_id: tenantA } } });
  assertNoSecret(t, [all.data, up.data], first);
  assertNoSecret(t, [all.data], second);
});

test('updateClient type changes: confidential → public drops the secret; public → confidential needs one', async (t) => {
  const body = client(tenantA);
  const secret = (await adminA.POST('/clients', { body })).data!.client_secret!;
  const toPublic = await adminA.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body: { ...body, client_type: 'public' } });
  t.is(toPublic.response.status, 200);
  t.is(await gw.services.identity.clients.authenticate(tenantA, body.client_id, secret), null);
  const doc = await gw.services.store.clients.findOne({ tenantId: tenantA, clientId: body.client_id });
  t.is(doc?.secretHash, null);
  t.is(doc?.tokenEndpointAuthMethod, 'none');

  const noSecret = await adminA.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body: { ...body, client_type: 'confidential' } });
  t.is(noSecret.response.status, 422);
  const fresh = 'f'.repeat(40);
  const back = await adminA.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body: { ...body, client_type: 'confidential', client_secret: fresh } });
  t.is(back.response.status, 200);
  t.truthy(await gw.services.identity.clients.authenticate(tenantA, body.client_id, fresh));
});

test('updateClient: an unknown client is 404; the bootstrap directory client keeps its type and secret (409)', async (t) => {
  t.is((await adminA.PUT('/clients/{client_id}', { params: { path: { client_id: 'nope' } }, body: client(tenantA, { client_id: 'nope' }) })).response.status, 404);
  const r = await gw.clients.admin.vault.PUT('/clients/{client_id}', {
    params: { path: { client_id: 'directory-session' } },
    body: loose<Client>({ client_id: 'directory-session', name: 'Directory', tenant_id: 'default', client_type: 'public' }),
  });
  t.is(r.response.status, 409);
  t.truthy(await gw.services.identity.bootstrap.directoryClientCredentials());
  const creds = await gw.services.identity.bootstrap.directoryClientCredentials();
  t.truthy(await gw.services.identity.clients.authenticate('default', 'directory-session', creds!.clientSecret));
});

test('scopes: reading clients needs clients:read, writing needs clients:write', async (t) => {
  const readOnly = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['clients:read'])).value);
  const none = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['users:read'])).value);
  t.is((await readOnly.GET('/clients', { params: { query: { tenant_id: tenantA } } })).response.status, 200);
  t.is((await readOnly.POST('/clients', { body: client(tenantA) })).response.status, 403);
  t.is((await none.GET('/clients', { params: { query: { tenant_id: tenantA } } })).response.status, 403);
  const body = client(tenantA);
  await adminA.POST('/clients', { body });
  t.is((await readOnly.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body })).response.status, 403);
});

test('attack: a key of tenant B cannot list, create in, or update tenant A\'s clients, even by guessing the client id', async (t) => {
  const body = client(tenantA, { name: 'A app' });
  const secret = (await adminA.POST('/clients', { body })).data!.client_secret!;

  const list = await adminB.GET('/clients', { params: { query: { tenant_id: tenantA } } });
  t.is(list.response.status, 403);
  t.false(JSON.stringify(list.error).includes(body.client_id));
  t.is((await adminB.POST('/clients', { body: client(tenantA) })).response.status, 403);

  // Naming A in the body: refused. Naming its own tenant with A's client id: not found there.
  const asA = await adminB.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body: { ...body, redirect_uris: ['https://evil.example/cb'] } });
  t.is(asA.response.status, 403);
  const asB = await adminB.PUT('/clients/{client_id}', {
    params: { path: { client_id: body.client_id } },
    body: { ...body, tenant_id: tenantB, redirect_uris: ['https://evil.example/cb'], client_secret: 'e'.repeat(40) },
  });
  t.is(asB.response.status, 404);

  const doc = await gw.services.store.clients.findOne({ tenantId: tenantA, clientId: body.client_id });
  t.deepEqual(doc?.redirectUris, ['https://app.example.com/cb']);
  t.truthy(await gw.services.identity.clients.authenticate(tenantA, body.client_id, secret));
  // B's own list never shows A's client.
  const own = await adminB.GET('/clients', { params: { query: { tenant_id: tenantB } } });
  t.false(own.data!.clients.some((c) => c.tenant_id === tenantA));
});

test('the platform admin may manage clients of any tenant; an unknown tenant is 404', async (t) => {
  const r = await gw.clients.admin.vault.POST('/clients', { body: client(tenantB) });
  t.is(r.response.status, 200);
  t.is(r.data!.tenant_id, tenantB);
  t.is((await gw.clients.admin.vault.GET('/clients', { params: { query: { tenant_id: uniqueId('ghost') } } })).response.status, 404);
  // The bootstrap's clients read like any other (response validation on), without secrets.
  const boot = await gw.clients.admin.vault.GET('/clients', { params: { query: { tenant_id: 'default' } } });
  t.is(boot.response.status, 200);
  const byId = new Map(boot.data!.clients.map((c) => [c.client_id, c]));
  t.is(byId.get('directory-session')?.client_type, 'confidential');
  t.is(byId.get('demo')?.client_type, 'public');
  const creds = await gw.services.identity.bootstrap.directoryClientCredentials();
  assertNoSecret(t, [boot.data], creds!.clientSecret);
});

test('an RS256 client publishes its issuer\'s RS256 key before any token, on create and on update; the other tenant\'s set is untouched', async (t) => {
  const algs = async (tenant: string) => {
    const r = await fetch(`${gw.url}/api/oidc/${tenant}/.well-known/jwks`);
    t.is(r.status, 200);
    return ((await r.json()) as { keys: { alg: string }[] }).keys.map((k) => k.alg).sort();
  };
  const tenantC = await gw.createTenant(uniqueId('cc'));
  const adminC = vaultWithKey(gw, (await gw.createApiKey(tenantC, ['clients:read', 'clients:write'])).value);
  t.deepEqual(await algs(tenantC), ['EdDSA']);
  const created = await adminC.POST('/clients', { body: client(tenantC, { sing_alg: 'RS256' }) });
  t.is(created.response.status, 200);
  t.deepEqual(await algs(tenantC), ['EdDSA', 'RS256']);

  const tenantD = await gw.createTenant(uniqueId('cd'));
  const adminD = vaultWithKey(gw, (await gw.createApiKey(tenantD, ['clients:read', 'clients:write'])).value);
  const body = client(tenantD);
  t.is((await adminD.POST('/clients', { body })).response.status, 200);
  t.deepEqual(await algs(tenantD), ['EdDSA']);
  t.is((await adminD.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body: { ...body, client_secret: null, sing_alg: 'RS256' } })).response.status, 200);
  t.deepEqual(await algs(tenantD), ['EdDSA', 'RS256']);
  t.deepEqual(await algs(tenantB), ['EdDSA'], 'another tenant publishes no RS256 key for it');
});
