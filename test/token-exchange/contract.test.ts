// Every token-exchange operation through the generated client, against a gateway that validates
// its responses against specs/token-exchange.yaml (a reply off the spec fails as a 500).
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { createTokenExchangeClient } from '../../clients/token-exchange.ts';
import { member, orgRidOf, signedIn, vaultIdToken } from './_helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('getAccessToken, refreshAccessToken and getUserOrgs answer the spec shapes', async (t) => {
  const m = await member(gw);
  const api = gw.clients.anonymous.tokenExchange;
  const idToken = await vaultIdToken(gw, m);
  const got = await api.POST('/authorization/v1/access-token', { body: { idToken } });
  t.is(got.response.status, 200, JSON.stringify(got.error));
  t.is(got.data!.userUuid, m.userId);
  t.regex(got.data!.orgUuid, UUID);
  t.true(got.data!.expiresAtSeconds > Date.now() / 1000);
  t.is(`ri.authn.gateway.organization.${got.data!.orgUuid}`, orgRidOf(m.tenantId));

  // refresh takes a trusted issuer's token that carries the e-mail (here the same kind of token)
  const refreshed = await api.POST('/authorization/v1/refresh-access-token', { body: { accessToken: idToken, orgRid: orgRidOf(m.tenantId) } });
  t.is(refreshed.response.status, 200, JSON.stringify(refreshed.error));
  t.is(refreshed.data!.orgUuid, got.data!.orgUuid);

  const orgs = await api.POST('/authorization/v1/user-orgs', { body: { idToken } });
  t.is(orgs.response.status, 200);
  const tenant = await gw.services.identity.tenants.get(m.tenantId);
  t.deepEqual(orgs.data, { orgs: { [got.data!.orgUuid]: tenant!.name } });
});

test('API keys: create, list (org and user), exchange, revoke', async (t) => {
  const admin = await member(gw, { admin: true });
  const { client } = await signedIn(gw, admin);
  const created = await client.POST('/authorization/v1/api-key', { body: { apiKeyName: 'ci', expiresAfterDays: 30 } });
  t.is(created.response.status, 200, JSON.stringify(created.error));
  const { apiKeyMetadata: meta, apiKeyValue } = created.data!;
  t.regex(meta.rid, /^ri\.authn\.gateway\.api-key\./);
  t.is(meta.createdBy, `ri.authn.gateway.user.${admin.userId}`);
  t.false(meta.isDeleted);
  t.truthy(meta.expiresAt);

  // every field of ListApiKeyRequest is optional on the wire (the generated type marks defaulted ones required)
  const mine = await client.POST('/authorization/v1/api-keys/user', { body: {} as never });
  t.deepEqual(mine.data!.apiKeys.map((k) => k.rid), [meta.rid]);
  t.is(mine.data!.nextPageToken, undefined);
  const org = await client.POST('/authorization/v1/api-keys/org', { body: { includeDeleted: null, includeExpired: null, pageSize: null, nextPageToken: null } });
  t.is(org.response.status, 200, JSON.stringify(org.error));
  t.deepEqual(org.data!.apiKeys, [meta]);

  const exchanged = await gw.clients.anonymous.tokenExchange.POST('/api-key-internal/v1/access-token', { body: { apiKeyValue } });
  t.is(exchanged.response.status, 200, JSON.stringify(exchanged.error));
  t.is(exchanged.data!.userUuid, admin.userId);
  const viaKey = createTokenExchangeClient({ baseUrl: gw.url, auth: { BearerAuth: exchanged.data!.accessToken } });
  t.is((await viaKey.POST('/authorization/v1/api-keys/user', { body: {} as never })).response.status, 200);

  const revoked = await client.PUT('/authorization/v1/api-key/{rid}/delete', { params: { path: { rid: meta.rid } } });
  t.is(revoked.response.status, 204);
  // the key stops exchanging, and the token it gave stops working
  const again = await gw.clients.anonymous.tokenExchange.POST('/api-key-internal/v1/access-token', { body: { apiKeyValue } });
  t.is(again.response.status, 403);
  t.is(again.error!.errorName, 'Authorization:NotAuthorized');
  t.is((await viaKey.POST('/authorization/v1/api-keys/user', { body: {} as never })).response.status, 401);
});

test('isEmailAllowed and the Okta hook follow the org rules set through the operator API', async (t) => {
  const m = await member(gw);
  const rules = await gw.clients.admin.gateway.PUT('/token-exchange/orgs/{tenantId}/email-rules', {
    params: { path: { tenantId: m.tenantId } },
    body: { domains: ['Allowed.Example'], addresses: ['ada@partner.example'] },
  });
  t.deepEqual(rules.data, { domains: ['allowed.example'], addresses: ['ada@partner.example'] });
  const api = gw.clients.anonymous.tokenExchange;
  const ask = async (email: string) => (await api.POST('/authorization/v1/is-email-allowed', { body: { email } })).data!.allowed;
  t.true(await ask('bob@allowed.example'));
  t.true(await ask('BOB@ALLOWED.EXAMPLE'));
  t.true(await ask('Ada@Partner.Example'));
  t.false(await ask('eve@partner.example'));
  t.false(await ask('bob@sub.allowed.example'));
  t.false(await ask('not an address'));

  // A real Okta registration inline hook request carries many fields the seed does not name.
  const okta = (email: string) =>
    api.POST('/authorization/v1/is-email-allowed-okta', {
      body: {
        eventId: '04Dmt8BcT_aEgM',
        eventTime: '2026-11-02T17:35:27.000Z',
        eventType: 'com.okta.user.pre-registration',
        eventTypeVersion: '1.0',
        contentType: 'application/json',
        cloudEventVersion: '0.1',
        source: 'regt4qeBKU29vSoPz0g3',
        requestType: 'self.service.registration',
        data: {
          context: { request: { method: 'POST', ipAddress: '127.0.0.1' } },
          userProfile: { firstName: 'Rosario', lastName: 'Jones', login: email, email },
          action: 'ALLOW',
        },
      },
    });
  t.deepEqual((await okta('rosario@allowed.example')).data, { commands: [{ type: 'com.okta.action.update', value: { registration: 'ALLOW' } }] });
  t.deepEqual((await okta('rosario@elsewhere.example')).data, { commands: [{ type: 'com.okta.action.update', value: { registration: 'DENY' } }] });
  const malformed = await api.POST('/authorization/v1/is-email-allowed-okta', { body: { requestType: 'x' } as never });
  t.is(malformed.response.status, 400);
  t.is((malformed.error as { errorName: string }).errorName, 'Default:InvalidArgument');
});

test('registerInWorkspace and authorize', async (t) => {
  const m = await member(gw);
  const { client, token } = await signedIn(gw, m);
  const ws = await gw.clients.admin.gateway.POST('/token-exchange/orgs/{tenantId}/workspaces', { params: { path: { tenantId: m.tenantId } }, body: { name: 'Flight test' } });
  t.is(ws.response.status, 201);
  const nb = 'ri.scout.gateway.notebook.0f6c3a52-8d1e-4b7a-9c2f-3e4d5a6b7c8d';
  const other = 'ri.scout.gateway.notebook.1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
  const reg = await client.POST('/authorization/v1/register-in-workspace', { body: { resourceRids: [nb], workspaceRid: ws.data!.rid } });
  t.is(reg.response.status, 204, JSON.stringify(reg.error));
  const org = `ri.authn.gateway.organization.${token.orgUuid}`;
  const allowed = await client.POST('/authorization/v1/authorize', { body: { rids: [nb, other, ws.data!.rid, org] } });
  t.is(allowed.response.status, 200);
  t.deepEqual(new Set(allowed.data), new Set([nb, ws.data!.rid, org]));
});

test('bearer operations without a token, or with a foreign one, are UNAUTHORIZED in the Conjure shape', async (t) => {
  const anonymous = gw.clients.anonymous.tokenExchange;
  const res = await anonymous.POST('/authorization/v1/api-keys/user', { body: {} as never });
  t.is(res.response.status, 401);
  t.like(res.error, { errorCode: 'UNAUTHORIZED', errorName: 'Default:Unauthorized' });
  // a Vault ID token is not this API's access token
  const m = await member(gw);
  const foreign = createTokenExchangeClient({ baseUrl: gw.url, auth: { BearerAuth: await vaultIdToken(gw, m) } });
  t.is((await foreign.POST('/authorization/v1/authorize', { body: { rids: [] } })).response.status, 401);
});
