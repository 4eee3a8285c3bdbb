/**
 * API keys as credentials, through real HTTP: a wrong key, a revoked key, an expired key, a key
 * of another tenant and a key without the needed scope are refused; the right key is let in.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { createGatewayClient } from '../../clients/gateway.ts';
import { createPasskeysClient } from '../../clients/passkeys.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(async () => {
  await gw?.stop();
});

const adminCall = (key: string) => createGatewayClient({ baseUrl: gw.url, auth: { AdminApiKey: key } }).GET('/core');

test('the right key with the right scope is let in', async (t) => {
  const { value } = await gw.createApiKey('default', ['gateway:admin']);
  const r = await adminCall(value);
  t.is(r.response.status, 200);
  t.truthy(r.data?.active.name);
});

test('no key, an empty key, a wrong key and a made-up key of the right form are refused with 401', async (t) => {
  t.is((await createGatewayClient({ baseUrl: gw.url }).GET('/core')).response.status, 401);
  t.is((await adminCall('')).response.status, 401);
  t.is((await adminCall('not-a-key-at-all-but-long-enough')).response.status, 401);
  const { value } = await gw.createApiKey('default', ['gateway:admin']);
  const forged = value.slice(0, -4) + (value.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  const r = await adminCall(forged);
  t.is(r.response.status, 401);
  t.is(r.error?.detail, 'Invalid API key');
});

test('a revoked key is refused at once', async (t) => {
  const { id, value } = await gw.createApiKey('default', ['gateway:admin']);
  t.is((await adminCall(value)).response.status, 200);
  t.true(await gw.services.identity.apiKeys.revoke('default', id));
  t.is((await adminCall(value)).response.status, 401);
});

test('an expired key is refused', async (t) => {
  const { key, value } = await gw.services.identity.apiKeys.create({
    tenantId: 'default',
    scopes: ['gateway:admin'],
    expiresAt: new Date(Date.now() - 1000),
  });
  t.truthy(key._id);
  t.is((await adminCall(value)).response.status, 401);
});

test('a key without the needed scope is refused with 403', async (t) => {
  const { value } = await gw.createApiKey('default', ['users:read']);
  const r = await adminCall(value);
  t.is(r.response.status, 403);
  t.regex(r.error?.detail ?? '', /gateway:admin/);
});

test("a key of another tenant cannot act on this tenant's resources", async (t) => {
  const other = await gw.createTenant();
  const { value } = await gw.createApiKey(other, ['users:read', 'users:write']);
  const headers = { 'X-API-Key': value };
  const foreign = await fetch(`${gw.url}/api/users/default`, { headers });
  t.is(foreign.status, 403);
  t.regex((await foreign.json()).detail, /another tenant/);
  // its own tenant passes authentication (what happens next is the operation's business)
  const own = await fetch(`${gw.url}/api/users/${other}`, { headers });
  t.not(own.status, 401);
  t.not(own.status, 403);
});

test('a key with every scope of another tenant is still confined to that tenant', async (t) => {
  const other = await gw.createTenant();
  const { value } = await gw.createApiKey(other, ['*']);
  const r = await fetch(`${gw.url}/api/users/default`, { headers: { 'X-API-Key': value } });
  t.is(r.status, 403);
  // the platform tenant's admin key may act in other tenants
  const admin = await fetch(`${gw.url}/api/users/${other}`, { headers: { 'X-API-Key': gw.adminKey } });
  t.is(admin.status, 200);
});

test('the operator API and tenant creation belong to the platform tenant, whatever scopes another tenant holds', async (t) => {
  const other = await gw.createTenant();
  const { value } = await gw.createApiKey(other, ['gateway:admin', 'tenants:admin']);
  const ops = await adminCall(value);
  t.is(ops.response.status, 403);
  t.regex(ops.error?.detail ?? '', /platform tenant/);
  const created = await fetch(`${gw.url}/api/tenants`, {
    method: 'POST',
    headers: { 'X-API-Key': value, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant_id: 'made-by-a-tenant' }),
  });
  t.is(created.status, 403);
  t.is(await gw.services.identity.tenants.get('made-by-a-tenant'), null);
});

test('LoginID-style Basic API keys: base64("<key>:")', async (t) => {
  const { value } = await gw.createApiKey('default', ['user:read']);
  const ok = createPasskeysClient({ baseUrl: gw.url, auth: { apiKey_header_Authorization: value } });
  const r = await ok.GET('/mgmt/user', { params: { query: { username: 'nobody' } } });
  t.not(r.response.status, 401);
  t.not(r.response.status, 403);
  const bad = createPasskeysClient({ baseUrl: gw.url, auth: { apiKey_header_Authorization: 'wrong-wrong-wrong-wrong-wrong' } });
  const refused = await bad.GET('/mgmt/user', { params: { query: { username: 'nobody' } } });
  t.is(refused.response.status, 401);
  t.is(refused.error?.msgCode, 'unauthorized');
  const malformed = await fetch(`${gw.url}/fido2/v2/mgmt/user?username=x`, { headers: { Authorization: 'Basic %%%not-base64' } });
  t.is(malformed.status, 401);
});
