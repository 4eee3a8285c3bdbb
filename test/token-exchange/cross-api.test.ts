// Cross-API, end to end over HTTP: a user registers and logs in with zkimg-1 at a Vault tenant's
// OpenID provider (authorize → login page → challenge/authenticate → authorize/complete → code →
// token endpoint); the ID token the Vault issued is exchanged at the token-exchange API; the
// access token works on this API's bearer operations; disabling the user through the Vault's
// admin API makes the next exchange fail and stops the token already issued.
import test from 'ava';
import { createHash, randomUUID } from 'node:crypto';
import type { components } from '../../generated/secrets-vault/schema.ts';
import { createTokenExchangeClient } from '../../clients/token-exchange.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { completeUrl, postForm, REDIRECT, setupTenant, visit } from '../vault/_oidc.ts';
import { authenticateBody, newUser, prepareLogin, register, setVaultSettings } from '../vault/auth-helpers.ts';
import { loose, vaultWithKey } from '../vault/admin-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

/** The browser leg with a real zkimg-1 registration and login through the Vault API, then the code exchange. */
async function vaultLogin(issuer: string, tenantId: string, clientId: string, user: ReturnType<typeof newUser>, enrol: boolean) {
  const verifier = `v-${randomUUID()}-${randomUUID()}`;
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: 'openid email profile',
    state: 'st',
    nonce: 'nn',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const toLogin = await visit(`${issuer}/authorize?${query.toString().replace(/\+/g, '%20')}`);
  if (toLogin.status !== 302 || toLogin.location === null) throw new Error(`authorize: ${toLogin.status} ${toLogin.body}`);
  const authReqId = toLogin.location.searchParams.get('auth_req_id')!;
  const onPage = { ...user, tenantId, authReqId };
  if (enrol) {
    const reg = await register(gw, onPage);
    if (reg.response.status !== 201) throw new Error(`register: ${reg.response.status} ${JSON.stringify(reg.error)}`);
  }
  const { body } = await prepareLogin(gw, onPage);
  const auth = await authenticateBody(gw, onPage, body);
  if (auth.data === undefined) throw new Error(`authenticate: ${auth.response.status} ${JSON.stringify(auth.error)}`);
  const back = await visit(completeUrl(issuer, authReqId, auth.data.nonce));
  const code = back.location?.searchParams.get('code');
  if (!code) throw new Error(`complete: ${back.status} ${back.body}`);
  const tokens = await postForm(`${issuer}/token/standard`, { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: REDIRECT, code_verifier: verifier });
  if (tokens.status !== 200) throw new Error(`token: ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return { idToken: tokens.body.id_token as string, accessToken: tokens.body.access_token as string };
}

test('a zkimg-1 login\'s Vault ID token becomes a token-exchange access token; disabling the user in the Vault ends it', async (t) => {
  const s = await setupTenant(gw);
  await setVaultSettings(gw, s.tenantId, { register_enable: true });
  const { client } = await s.client({ type: 'public' });
  const user = newUser({ tenantId: s.tenantId });
  const api = gw.clients.anonymous.tokenExchange;

  const login = await vaultLogin(s.issuer, s.tenantId, client.clientId, user, true);
  const account = (await gw.services.identity.users.getByUsername(s.tenantId, user.username))!;
  // the ID token and the access token for userinfo, as a relying party would pass them
  const exchanged = await api.POST('/authorization/v1/access-token', { body: { idToken: login.idToken, accessToken: login.accessToken } });
  t.is(exchanged.response.status, 200, JSON.stringify(exchanged.error));
  t.is(exchanged.data!.userUuid, account._id);
  const orgs = await api.POST('/authorization/v1/user-orgs', { body: { idToken: login.idToken } });
  t.deepEqual(Object.keys(orgs.data!.orgs ?? {}), [exchanged.data!.orgUuid]);

  // the token works on this API's bearer operations
  const nominal = createTokenExchangeClient({ baseUrl: gw.url, auth: { BearerAuth: exchanged.data!.accessToken } });
  const key = await nominal.POST('/authorization/v1/api-key', { body: { apiKeyName: 'laptop' } });
  t.is(key.response.status, 200, JSON.stringify(key.error));
  const listed = await nominal.POST('/authorization/v1/api-keys/user', { body: {} as never });
  t.deepEqual(listed.data!.apiKeys.map((k) => k.apiKeyName), ['laptop']);
  const org = `ri.authn.gateway.organization.${exchanged.data!.orgUuid}`;
  t.deepEqual((await nominal.POST('/authorization/v1/authorize', { body: { rids: [org] } })).data, [org]);

  // an administrator disables the user through the Vault's admin API
  const admin = vaultWithKey(gw, (await gw.createApiKey(s.tenantId, ['users:read', 'users:write'])).value);
  const disable = await admin.PUT('/users/{tenant_id}/{user_id}', {
    params: { path: { tenant_id: s.tenantId, user_id: account._id } },
    body: loose<components['schemas']['User']>({ user_id: account._id, username: account.username, email: account.email ?? undefined, tenant_id: s.tenantId, is_disabled: true }),
  });
  t.is(disable.response.status, 200);

  // the same (still unexpired) ID token no longer exchanges, nor does the user's API key
  const again = await api.POST('/authorization/v1/access-token', { body: { idToken: login.idToken } });
  t.is(again.response.status, 403);
  t.is(again.error?.errorName, 'Authorization:NoMembership');
  const viaKey = await api.POST('/api-key-internal/v1/access-token', { body: { apiKeyValue: key.data!.apiKeyValue } });
  t.is(viaKey.error?.errorName, 'Authorization:NotAuthorized');
  // and the access token already issued stops working at once
  t.is((await nominal.POST('/authorization/v1/api-keys/user', { body: {} as never })).response.status, 401);

  // enabled again, a fresh login exchanges again
  await admin.PUT('/users/{tenant_id}/{user_id}', {
    params: { path: { tenant_id: s.tenantId, user_id: account._id } },
    body: loose<components['schemas']['User']>({ user_id: account._id, username: account.username, email: account.email ?? undefined, tenant_id: s.tenantId, is_disabled: false }),
  });
  const relogin = await vaultLogin(s.issuer, s.tenantId, client.clientId, user, false);
  t.is((await api.POST('/authorization/v1/access-token', { body: { idToken: relogin.idToken } })).response.status, 200);
});

test('an ID token the Vault issued for a client of another tenant is not accepted by a tenant it does not name', async (t) => {
  const a = await setupTenant(gw);
  await setVaultSettings(gw, a.tenantId, { register_enable: true });
  const { client } = await a.client({ type: 'public' });
  const login = await vaultLogin(a.issuer, a.tenantId, client.clientId, newUser({ tenantId: a.tenantId }), true);
  // re-signing is impossible without the key; swapping the issuer breaks the signature
  const [h, p, sig] = login.idToken.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  const b = await setupTenant(gw);
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, iss: b.issuer })).toString('base64url')}.${sig}`;
  const res = await gw.clients.anonymous.tokenExchange.POST('/authorization/v1/access-token', { body: { idToken: forged } });
  t.is(res.response.status, 403);
  t.is(res.error?.errorName, 'Authorization:InvalidJwtFormat');
});
