// Orgs of a user (identity/orgs/membership.ts): one org, several with and without orgRid, none;
// who counts as a member when the e-mail is or is not verified by the issuer; disabled users.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { issuers } from '../../server/issuers.ts';
import { orgUuidOf } from '../../server/identity/orgs/org-ids.ts';
import { member, orgRidOf, vaultIdToken } from './_helpers.ts';
import { idpKey, signToken, startIdp, type Idp, type IdpKey } from './_idp.ts';

let gw: TestGateway;
let idp: Idp;
let key: IdpKey;
test.before(async () => {
  gw = await startTestGateway();
  key = await idpKey('ES256');
  idp = await startIdp([key]);
  await gw.clients.admin.gateway.PUT('/token-exchange/trusted-issuers', { body: { issuer: idp.issuer, audiences: ['nominal-client'], jwksUri: idp.jwksUri } });
});
test.after.always(async () => {
  await idp?.close();
  await gw?.stop();
});

const api = () => gw.clients.anonymous.tokenExchange;
const exchange = (idToken: string, orgRid?: string) => api().POST('/authorization/v1/access-token', { body: { idToken, ...(orgRid ? { orgRid } : {}) } });
const orgsOf = async (idToken: string) => (await api().POST('/authorization/v1/user-orgs', { body: { idToken } })).data!;

test('a single org: no orgRid needed; the right orgRid works; another org\'s rid is NoMembership', async (t) => {
  const m = await member(gw);
  const idToken = await vaultIdToken(gw, m);
  const plain = await exchange(idToken);
  t.is(plain.data?.orgUuid, orgUuidOf(m.tenantId));
  t.is((await exchange(idToken, orgRidOf(m.tenantId))).response.status, 200);
  const other = await exchange(idToken, orgRidOf('some-other-tenant'));
  t.is(other.response.status, 403);
  t.is(other.error?.errorName, 'Authorization:NoMembership');
});

test('several orgs (a verified address with users in three tenants): orgRid chooses, its absence is InvalidArgument', async (t) => {
  const email = `multi-${randomUUID().slice(0, 8)}@example.test`;
  const home = await member(gw, { email });
  const second = await member(gw, { email });
  const third = await member(gw, { email: email.toUpperCase() });
  const idToken = await vaultIdToken(gw, home);
  const orgs = await orgsOf(idToken);
  t.deepEqual(Object.keys(orgs.orgs ?? {}).sort(), [home, second, third].map((m) => orgUuidOf(m.tenantId)).sort());

  const none = await exchange(idToken);
  t.is(none.response.status, 400);
  t.is(none.error?.errorName, 'Default:InvalidArgument');
  t.deepEqual(Object.keys(none.error?.parameters ?? {}), ['orgRid']);

  for (const m of [home, second, third]) {
    const res = await exchange(idToken, orgRidOf(m.tenantId));
    t.is(res.response.status, 200, JSON.stringify(res.error));
    t.is(res.data?.orgUuid, orgUuidOf(m.tenantId));
    t.is(res.data?.userUuid, m.userId, 'the member in that org is that org\'s user');
  }
  // a disabled account in one tenant drops that org only
  await gw.services.identity.users.setDisabled(second.tenantId, second.userId, true);
  t.false(Object.keys((await orgsOf(idToken)).orgs ?? {}).includes(orgUuidOf(second.tenantId)));
  t.is((await exchange(idToken, orgRidOf(second.tenantId))).error?.errorName, 'Authorization:NoMembership');
});

test('an unverified address makes no one a member of other orgs: only the issuing account counts', async (t) => {
  const email = `unverified-${randomUUID().slice(0, 8)}@example.test`;
  const home = await member(gw, { email });
  const victim = await member(gw, { email });
  const idToken = await vaultIdToken(gw, home, { email_verified: false });
  t.deepEqual(Object.keys((await orgsOf(idToken)).orgs ?? {}), [orgUuidOf(home.tenantId)]);
  t.is((await exchange(idToken, orgRidOf(victim.tenantId))).error?.errorName, 'Authorization:NoMembership');
  // the same from an external provider that does not vouch for its addresses: no org at all
  const external = await signToken(key, { issuer: idp.issuer, claims: { email, email_verified: false } });
  t.deepEqual(await orgsOf(external), {});
  t.is((await exchange(external)).error?.errorName, 'Authorization:NoMembership');
});

test('no membership: an external user whose verified address has no user anywhere; getUserOrgs omits orgs', async (t) => {
  const idToken = await signToken(key, { issuer: idp.issuer, claims: { email: `nobody-${randomUUID().slice(0, 6)}@example.test`, email_verified: true } });
  t.deepEqual(await orgsOf(idToken), {});
  const res = await exchange(idToken);
  t.is(res.response.status, 403);
  t.like(res.error, { errorCode: 'PERMISSION_DENIED', errorName: 'Authorization:NoMembership' });
});

test('a Vault token whose account is gone or disabled speaks for no one, even where its address has users', async (t) => {
  const email = `gone-${randomUUID().slice(0, 8)}@example.test`;
  const home = await member(gw, { email });
  await member(gw, { email });
  const idToken = await vaultIdToken(gw, home);
  await gw.services.identity.users.setDisabled(home.tenantId, home.userId, true);
  t.deepEqual(await orgsOf(idToken), {});
  t.is((await exchange(idToken)).error?.errorName, 'Authorization:NoMembership');
});

test('a Vault token must name a client of its tenant as audience, and a tenant that exists', async (t) => {
  const m = await member(gw);
  const issue = (issuer: string, audience: string | string[]) =>
    gw.services.identity.tokens.issue({ issuer, audience, subject: m.userId, ttlSeconds: 60, claims: { email: m.email, email_verified: true } });
  const wrongAud = await exchange((await issue(issuers.vault(gw.url, m.tenantId), 'not-a-client')).token);
  t.like(wrongAud.error, { errorName: 'Authorization:InvalidJwtAudience', parameters: { audience: 'not-a-client' } });
  // the Vault API alone is not a client: a token meant only for the Vault API is not exchanged
  t.is((await exchange((await issue(issuers.vault(gw.url, m.tenantId), `${gw.url}/api`)).token)).error?.errorName, 'Authorization:InvalidJwtAudience');
  // a Vault access token names the Vault API and its client
  t.is((await exchange((await issue(issuers.vault(gw.url, m.tenantId), [`${gw.url}/api`, 'nominal-app'])).token)).response.status, 200);
  const ghost = issuers.vault(gw.url, 'no-such-tenant');
  const noTenant = await exchange((await issue(ghost, 'nominal-app')).token);
  t.like(noTenant.error, { errorName: 'Authorization:InvalidJwtIssuer', parameters: { issuer: ghost } });
});

test('an org that lists its exchangeable clients keeps the ID tokens of its other relying parties out of the exchange', async (t) => {
  const m = await member(gw);
  await gw.services.identity.clients.create(m.tenantId, { clientId: 'third-party-rp', name: 'rp', type: 'public', redirectUris: ['http://127.0.0.1:9/cb'] });
  const forClient = async (audience: string) =>
    (await gw.services.identity.tokens.issue({ issuer: issuers.vault(gw.url, m.tenantId), audience, subject: m.userId, ttlSeconds: 60, claims: { email: m.email } })).token;
  t.is((await exchange(await forClient('third-party-rp'))).response.status, 200, 'by default every client of the tenant');
  const admin = gw.clients.admin.gateway;
  const put = await admin.PUT('/token-exchange/orgs/{tenantId}/exchange-clients', { params: { path: { tenantId: m.tenantId } }, body: { clientIds: ['nominal-app'] } });
  t.deepEqual(put.data, { clientIds: ['nominal-app'] });
  t.is((await exchange(await forClient('third-party-rp'))).error?.errorName, 'Authorization:InvalidJwtAudience');
  t.is((await exchange(await forClient('nominal-app'))).response.status, 200);
  // the org's e-mail rules, kept in the same settings, are untouched by this and the other way round
  await admin.PUT('/token-exchange/orgs/{tenantId}/email-rules', { params: { path: { tenantId: m.tenantId } }, body: { domains: ['x.example'], addresses: [] } });
  t.deepEqual((await admin.GET('/token-exchange/orgs/{tenantId}/exchange-clients', { params: { path: { tenantId: m.tenantId } } })).data, { clientIds: ['nominal-app'] });
  await admin.PUT('/token-exchange/orgs/{tenantId}/exchange-clients', { params: { path: { tenantId: m.tenantId } }, body: { clientIds: [] } });
  t.is((await exchange(await forClient('nominal-app'))).error?.errorName, 'Authorization:InvalidJwtAudience', 'an empty list: none');
  t.deepEqual((await admin.GET('/token-exchange/orgs/{tenantId}/email-rules', { params: { path: { tenantId: m.tenantId } } })).data, { domains: ['x.example'], addresses: [] });
  await admin.PUT('/token-exchange/orgs/{tenantId}/exchange-clients', { params: { path: { tenantId: m.tenantId } }, body: { clientIds: null } });
  t.is((await exchange(await forClient('third-party-rp'))).response.status, 200, 'null: every client again');
  t.is((await admin.GET('/token-exchange/orgs/{tenantId}/exchange-clients', { params: { path: { tenantId: 'no-such-tenant' } } })).response.status, 404);
});

test('refreshAccessToken: the token must carry the e-mail itself (userinfo is not consulted)', async (t) => {
  const m = await member(gw);
  const noEmail = await gw.services.identity.tokens.issue({ issuer: issuers.vault(gw.url, m.tenantId), audience: 'nominal-app', subject: m.userId, ttlSeconds: 60 });
  const res = await api().POST('/authorization/v1/refresh-access-token', { body: { accessToken: noEmail.token } });
  t.is(res.response.status, 400);
  t.like(res.error, { errorName: 'Authorization:MissingClaims', parameters: { missingClaims: 'email' } });
});

test('a Passkeys API token (issuer /fido2/v2, app in tid) is accepted for the app\'s user', async (t) => {
  const m = await member(gw);
  const token = await gw.services.identity.tokens.issue({
    issuer: issuers.passkeys(gw.url),
    audience: m.tenantId,
    subject: m.userId,
    alg: 'ES256',
    ttlSeconds: 60,
    claims: { tid: m.tenantId, email: m.email },
  });
  const res = await exchange(token.token);
  t.is(res.response.status, 200, JSON.stringify(res.error));
  t.is(res.data?.orgUuid, orgUuidOf(m.tenantId));
});
