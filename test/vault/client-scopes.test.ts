/**
 * Which scopes a client may hold and be granted (identity/vault/client-scopes.ts,
 * platform-scopes.ts), with the security review's exploits: a default-tenant key with only
 * clients:write registering a client with `*` (a client_credentials token with scope `*` in the
 * platform tenant is a platform admin), and a tenant's `*` key registering a client with
 * `gateway:admin` and turning its token into a permanent `gateway:admin` key. Records written
 * before the rule (straight into the store here) never yield platform scopes outside the
 * platform tenant, on the client_credentials, code and refresh grants.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/secrets-vault/schema.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { codeFor, postForm, REDIRECT, setupTenant, visit } from './_oidc.ts';
import { loose, vaultWithKey, vaultWithToken } from './admin-helpers.ts';

type Client = components['schemas']['Client'];

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

const SECRET = 's'.repeat(40);
const clientBody = (tenantId: string, allowed_scopes: string[] | undefined, client_id = `c-${randomUUID().slice(0, 8)}`) =>
  loose<Client>({ client_id, name: client_id, tenant_id: tenantId, client_type: 'confidential', client_secret: SECRET, redirect_uris: [REDIRECT], ...(allowed_scopes ? { allowed_scopes } : {}) });

const ccToken = (tenantId: string, clientId: string, scope?: string) =>
  postForm(`${gw.url}/api/oidc/${tenantId}/token/standard`, { grant_type: 'client_credentials', client_id: clientId, client_secret: SECRET, ...(scope !== undefined ? { scope } : {}) });

test('attack: a default-tenant key with only clients:write cannot register a client with * or tenants:admin, so gets no * token', async (t) => {
  const writer = vaultWithKey(gw, (await gw.createApiKey('default', ['clients:write'])).value);
  const attempted: string[] = [];
  for (const scopes of [['*'], ['*', 'tenants:admin'], ['tenants:admin'], ['gateway:admin'], ['users:read']]) {
    const body = clientBody('default', scopes);
    attempted.push(body.client_id);
    const r = await writer.POST('/clients', { body });
    t.is(r.response.status, 403, scopes.join(' '));
    t.regex((r.error as { detail: string }).detail, new RegExp(scopes[scopes.length - 1]!.replace('*', '\\*')));
  }
  // What it may list: the OpenID scopes, `account`, and scopes it holds.
  const ok = await writer.POST('/clients', { body: clientBody('default', ['openid', 'profile', 'email', 'offline_access', 'account', 'clients:write']) });
  t.is(ok.response.status, 200);
  const token = await ccToken('default', ok.data!.client_id);
  t.is(token.body.scope, 'clients:write');
  t.is((await ccToken('default', ok.data!.client_id, '*')).body.error, 'invalid_scope');
  t.is(await gw.services.store.clients.countDocuments({ tenantId: 'default', clientId: { $in: attempted } }), 0, 'no refused client was stored');
});

test('attack: a tenant\'s * key cannot give its client gateway:admin, *, or tenants:admin, nor mint a gateway:admin key', async (t) => {
  const acme = await gw.createTenant(`acme-${randomUUID().slice(0, 8)}`);
  const acmeAll = vaultWithKey(gw, (await gw.createApiKey(acme, ['*'])).value);
  for (const scope of ['gateway:admin', 'gateway:outbox', '*', 'tenants:admin']) {
    t.is((await acmeAll.POST('/clients', { body: clientBody(acme, [scope]) })).response.status, 403, scope);
    t.is((await acmeAll.POST('/keys', { body: { name: 'k', scopes: [scope], tenant_id: acme } })).response.status, 403, `key with ${scope}`);
  }
  // Tenant scopes it holds are fine.
  const ok = await acmeAll.POST('/clients', { body: clientBody(acme, ['users:read', 'clients:read']) });
  t.is(ok.response.status, 200);
  t.is((await ccToken(acme, ok.data!.client_id)).body.scope, 'users:read clients:read');
});

test('platform scopes: only a platform admin gives them, and only in the platform tenant', async (t) => {
  const admin = gw.clients.admin.vault;
  const other = await gw.createTenant(`o-${randomUUID().slice(0, 8)}`);
  const platformClient = await admin.POST('/clients', { body: clientBody('default', ['tenants:admin', 'gateway:admin']) });
  t.is(platformClient.response.status, 200);
  t.is((await ccToken('default', platformClient.data!.client_id)).body.scope, 'tenants:admin gateway:admin');
  t.is((await admin.POST('/clients', { body: clientBody(other, ['tenants:admin']) })).response.status, 403, 'not in another tenant, even by the platform admin');

  // A default-tenant key holding gateway:admin is not a platform admin: it cannot hand it on.
  const gatewayOnly = vaultWithKey(gw, (await gw.createApiKey('default', ['gateway:admin', 'clients:write', 'keys:write'])).value);
  t.is((await gatewayOnly.POST('/clients', { body: clientBody('default', ['gateway:admin']) })).response.status, 403);
  const key = await gatewayOnly.POST('/keys', { body: { name: 'k', scopes: ['gateway:admin'], tenant_id: 'default' } });
  t.is(key.response.status, 403);
  t.regex((key.error as { detail: string }).detail, /platform admin/);
  const byAdmin = await admin.POST('/keys', { body: { name: 'ops', scopes: ['gateway:admin'], tenant_id: 'default' } });
  t.is(byAdmin.response.status, 201);
  await gw.services.identity.apiKeys.revoke('default', byAdmin.data!.key_id);
});

test('update: the whole allowed_scopes list is checked again, since updating a client can take it over', async (t) => {
  const tenant = await gw.createTenant(`u-${randomUUID().slice(0, 8)}`);
  const strong = vaultWithKey(gw, (await gw.createApiKey(tenant, ['clients:write', 'users:write'])).value);
  const weak = vaultWithKey(gw, (await gw.createApiKey(tenant, ['clients:write'])).value);
  const body = clientBody(tenant, ['openid', 'users:write']);
  t.is((await strong.POST('/clients', { body })).response.status, 200);
  // The weak key could set a new secret and act as the client: it may not keep users:write on it.
  const takeover = await weak.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body: { ...body, client_secret: 'w'.repeat(40) } });
  t.is(takeover.response.status, 403);
  t.is((await ccToken(tenant, body.client_id)).body.scope, 'users:write', 'the refused update changed nothing');
  t.is((await weak.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body: { ...body, allowed_scopes: ['openid', '*'] } })).response.status, 403);
  const dropped = await weak.PUT('/clients/{client_id}', { params: { path: { client_id: body.client_id } }, body: { ...body, allowed_scopes: ['openid', 'profile'] } });
  t.is(dropped.response.status, 200);
  t.is((await gw.services.identity.clients.get(tenant, body.client_id))?.allowedScopes.join(' '), 'openid profile');
});

test('records from before the rule: a non-platform tenant\'s client never yields *, tenants:admin or gateway:* (client_credentials, code, refresh)', async (t) => {
  const s = await setupTenant(gw);
  const stale = ['openid', 'profile', '*', 'tenants:admin', 'gateway:admin', 'users:read'];
  const { client, secret } = await s.client({ type: 'confidential', clientId: `stale-${randomUUID().slice(0, 8)}`, secret: SECRET, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'], allowedScopes: stale });
  t.is(secret, SECRET);

  const cc = await ccToken(s.tenantId, client.clientId);
  t.is(cc.status, 200);
  t.is(cc.body.scope, 'users:read');
  for (const scope of ['*', 'tenants:admin', 'gateway:admin']) t.is((await ccToken(s.tenantId, client.clientId, scope)).body.error, 'invalid_scope', scope);

  // Code flow: asking for a platform scope is invalid_scope, sent back to the client.
  const query = new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT, scope: 'openid tenants:admin', state: 'st' });
  const refused = await visit(`${s.issuer}/authorize?${query.toString().replace(/\+/g, '%20')}`);
  t.is(refused.status, 302);
  t.is(refused.location?.searchParams.get('error'), 'invalid_scope');

  // A code and a refresh token whose recorded scope holds platform scopes (as written before the
  // rule) yield tokens without them.
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: client.clientId, scope: 'openid users:read' });
  await gw.services.store.authorizationCodes.updateMany({ tenantId: s.tenantId, clientId: client.clientId }, { $push: { scope: { $each: ['*', 'tenants:admin'] } } });
  const tokens = await postForm(`${s.issuer}/token/standard`, { grant_type: 'authorization_code', client_id: client.clientId, client_secret: SECRET, code, redirect_uri: REDIRECT, code_verifier: verifier! });
  t.is(tokens.status, 200, JSON.stringify(tokens.body));
  t.is(tokens.body.scope, 'openid users:read');
  const otherTenant = await gw.createTenant(`x-${randomUUID().slice(0, 8)}`);
  t.is((await vaultWithToken(gw, tokens.body.access_token).GET('/users/{tenant_id}', { params: { path: { tenant_id: otherTenant } } })).response.status, 403);

  await gw.services.store.refreshTokens.updateMany({ tenantId: s.tenantId, clientId: client.clientId }, { $push: { scope: { $each: ['gateway:admin', '*'] } } });
  const refreshed = await postForm(`${s.issuer}/token/standard`, { grant_type: 'refresh_token', client_id: client.clientId, client_secret: SECRET, refresh_token: tokens.body.refresh_token });
  t.is(refreshed.status, 200, JSON.stringify(refreshed.body));
  t.is(refreshed.body.scope, 'openid users:read');

  // And a scope the client lost since the login is not granted on refresh either.
  await gw.services.identity.clients.update(s.tenantId, client.clientId, { allowedScopes: ['openid', 'profile'] });
  const narrowed = await postForm(`${s.issuer}/token/standard`, { grant_type: 'refresh_token', client_id: client.clientId, client_secret: SECRET, refresh_token: refreshed.body.refresh_token });
  t.is(narrowed.body.scope, 'openid');

  // The family narrowed with that issue: giving the scope back to the client does not give it back to the grant.
  await gw.services.identity.clients.update(s.tenantId, client.clientId, { allowedScopes: ['openid', 'profile', 'users:read'] });
  const again = await postForm(`${s.issuer}/token/standard`, { grant_type: 'refresh_token', client_id: client.clientId, client_secret: SECRET, refresh_token: narrowed.body.refresh_token });
  t.is(again.status, 200, JSON.stringify(again.body));
  t.is(again.body.scope, 'openid');
});
