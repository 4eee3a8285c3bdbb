/**
 * The `account` scope (identity/vault/account-scope.ts), with the security review's exploit: a
 * public SPA allowed only `openid` gets alice's access token (its audience includes the Vault
 * API) and tries to manage her account: list and regenerate her keys, mint a key that survives
 * logout, change her password, enrol a passkey, move her e-mail address. All refused; a token of a
 * client the tenant allowed `account` may, within its own scopes (regenerating a key still needs
 * all of the key's scopes, owner or not); API keys follow the same rule.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import * as zk from '../helpers/zkimg-client.ts';
import { codeFor, postForm, REDIRECT, setupTenant } from './_oidc.ts';
import { vaultWithKey, vaultWithToken } from './admin-helpers.ts';
import { registered, setVaultSettings, type TestUser } from './auth-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
  await setVaultSettings(gw, 'default', { register_enable: true });
});
test.after.always(() => gw?.stop());

/** alice's access token through a public client of `tenantId` allowed `allowedScopes`, asking for `scope`. */
async function tokenThrough(tenantId: string, userId: string, allowedScopes: string[], scope: string) {
  const { client } = await gw.services.identity.clients.create(tenantId, {
    name: 'rp', type: 'public', redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'refresh_token'], allowedScopes,
  });
  const issuer = `${gw.url}/api/oidc/${tenantId}`;
  const { code, verifier } = await codeFor(gw, issuer, tenantId, userId, { clientId: client.clientId, scope });
  const tokens = await postForm(`${issuer}/token/standard`, { grant_type: 'authorization_code', client_id: client.clientId, code, redirect_uri: REDIRECT, code_verifier: verifier! });
  if (tokens.status !== 200) throw new Error(`token: ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return { accessToken: tokens.body.access_token as string, scope: tokens.body.scope as string, issuer };
}

const detail = (error: unknown) => (error as { detail?: string } | undefined)?.detail ?? '';

function reenrolment(user: TestUser, seed: string) {
  const cipherKey = `new-pin-${seed}`;
  const template = zk.templateFromSeed(user.dim, seed);
  return zk.enrol({ template, dim: user.dim, cipherKey, tenantId: user.tenantId, username: user.username });
}

test('attack: an openid-only relying party\'s token cannot manage the account (keys, password, passkeys, e-mail); it still reads userinfo and /me', async (t) => {
  const s = await setupTenant(gw);
  await setVaultSettings(gw, s.tenantId, { passkey_enabled: true });
  const adminKey = await gw.createApiKey(s.tenantId, ['users:write', 'users:read', 'clients:write', 'keys:read'], s.user.id);
  const spa = await tokenThrough(s.tenantId, s.user.id, ['openid'], 'openid');
  t.is(spa.scope, 'openid');
  const rp = vaultWithToken(gw, spa.accessToken);

  const list = await rp.GET('/keys');
  t.is(list.response.status, 403);
  t.regex(detail(list.error), /account/);
  const regen = await rp.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: adminKey.id } } });
  t.is(regen.response.status, 403);
  t.is((await vaultWithKey(gw, adminKey.value).GET('/users/{tenant_id}', { params: { path: { tenant_id: s.tenantId } } })).response.status, 200, 'alice\'s key still works');
  const minted = await rp.POST('/keys', { body: { name: 'persist', scopes: ['openid'], tenant_id: s.tenantId } });
  t.is(minted.response.status, 403);
  t.regex(detail(minted.error), /account/);
  t.is((await gw.services.identity.apiKeys.list(s.tenantId, { ownerId: s.user.id })).length, 1, 'no key was minted');
  const password = await rp.POST('/auth/password/change', { body: { encrypted_commitment: 'C'.repeat(60), proto_version: 'zkimg-1' } });
  t.is(password.response.status, 403);
  t.regex(detail(password.error), /account/);
  const enrol = await rp.POST('/passkeys/register/options', {});
  t.is(enrol.response.status, 403);
  t.regex(detail(enrol.error), /account/, 'refused for the scope (passkeys are enabled in this tenant)');
  t.is((await rp.GET('/passkeys')).response.status, 403);
  t.is((await rp.PUT('/passkeys/{key_id}', { params: { path: { key_id: 'any' } }, body: { name: 'x' } })).response.status, 403);
  const email = await rp.PUT('/users/{tenant_id}/{user_id}/email', {
    params: { path: { tenant_id: s.tenantId, user_id: s.user.id } },
    body: { email: 'attacker@example.org', challenge_id: randomUUID(), challenge_data: 'x' },
  });
  t.is(email.response.status, 403);

  // What the token is for: userinfo, and who the user is.
  const info = await fetch(`${spa.issuer}/userinfo`, { headers: { authorization: `Bearer ${spa.accessToken}` } });
  t.is(info.status, 200);
  const me = await rp.GET('/me');
  t.is(me.response.status, 200);
  t.is(me.data!.user_id, s.user.id);
  t.is((await rp.GET('/me/sessions')).response.status, 200);
});

test('a token through a client allowed `account` manages the account, within its own scopes', async (t) => {
  const s = await setupTenant(gw);
  await setVaultSettings(gw, s.tenantId, { passkey_enabled: true });
  const adminKey = await gw.createApiKey(s.tenantId, ['users:write', 'users:read'], s.user.id);
  const portal = await tokenThrough(s.tenantId, s.user.id, ['openid', 'profile', 'account'], 'openid account');
  t.is(portal.scope, 'openid account');
  const vault = vaultWithToken(gw, portal.accessToken);

  const list = await vault.GET('/keys');
  t.is(list.response.status, 200);
  t.deepEqual(list.data!.api_keys.map((k) => k.key_id), [adminKey.id]);
  const created = await vault.POST('/keys', { body: { name: 'portal key', scopes: ['account'], tenant_id: s.tenantId } });
  t.is(created.response.status, 201);
  t.is(created.data!.user_id, s.user.id);
  const beyond = await vault.POST('/keys', { body: { name: 'more', scopes: ['users:read'], tenant_id: s.tenantId } });
  t.is(beyond.response.status, 403, 'no scope the token lacks');
  // Regeneration needs all of the key's scopes, owner or not: the admin key is out of reach.
  t.is((await vault.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: adminKey.id } } })).response.status, 403);
  t.is((await vaultWithKey(gw, adminKey.value).GET('/me')).response.status, 200);
  const regen = await vault.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: created.data!.key_id } } });
  t.is(regen.response.status, 200);
  t.is(regen.data!.key_id, created.data!.key_id);
  const options = await vault.POST('/passkeys/register/options', {});
  t.is(options.response.status, 200);
  t.is(options.data!.user.name, s.user.username);
  t.deepEqual((await vault.GET('/passkeys')).data!.passkeys, []);

  // A client not allowed `account` cannot ask for it (RFC 6749 §4.1.2.1: invalid_scope back to the client).
  await t.throwsAsync(tokenThrough(s.tenantId, s.user.id, ['openid'], 'openid account'), { message: /invalid_scope/ });
});

test('change password: refused to the relying party\'s token, done with the account token', async (t) => {
  const user = await registered(gw);
  const dbUser = (await gw.services.identity.users.getByUsername('default', user.username))!;
  const before = (await gw.services.store.zkimgCommitments.findOne({ _id: dbUser._id }))!.sealed;
  const fresh = reenrolment(user, 'changed');
  const body = { encrypted_commitment: fresh.encryptedCommitment, proto_version: 'zkimg-1' as const };

  const spa = await tokenThrough('default', dbUser._id, ['openid', 'email'], 'openid email');
  t.is((await vaultWithToken(gw, spa.accessToken).POST('/auth/password/change', { body })).response.status, 403);
  t.is((await gw.services.store.zkimgCommitments.findOne({ _id: dbUser._id }))!.sealed, before, 'the commitment is unchanged');

  const portal = await tokenThrough('default', dbUser._id, ['openid', 'account'], 'openid account');
  const changed = await vaultWithToken(gw, portal.accessToken).POST('/auth/password/change', { body });
  t.is(changed.response.status, 200, JSON.stringify(changed.error));
  t.not((await gw.services.store.zkimgCommitments.findOne({ _id: dbUser._id }))!.sealed, before);
});

test('API keys follow the same rule: a script\'s key cannot manage its owner\'s account; a key with `account` can', async (t) => {
  const s = await setupTenant(gw);
  const script = vaultWithKey(gw, (await gw.createApiKey(s.tenantId, ['users:read'], s.user.id)).value);
  t.is((await script.GET('/keys')).response.status, 403);
  t.is((await script.POST('/keys', { body: { name: 'x', scopes: ['users:read'], tenant_id: s.tenantId } })).response.status, 403);
  t.is((await script.POST('/auth/password/change', { body: { encrypted_commitment: 'C'.repeat(60), proto_version: 'zkimg-1' } })).response.status, 403);
  t.is((await script.GET('/passkeys')).response.status, 403);
  t.is((await script.GET('/me')).response.status, 200, 'who the owner is stays readable');

  const own = vaultWithKey(gw, (await gw.createApiKey(s.tenantId, ['users:read', 'account'], s.user.id)).value);
  t.is((await own.GET('/keys')).response.status, 200);
  const made = await own.POST('/keys', { body: { name: 'x', scopes: ['users:read'], tenant_id: s.tenantId } });
  t.is(made.response.status, 201);
  t.is(made.data!.user_id, s.user.id);

  // A tenant-level key (no user) is key administration: keys:write.
  const tenantKey = vaultWithKey(gw, (await gw.createApiKey(s.tenantId, ['users:read', 'account'])).value);
  const refused = await tenantKey.POST('/keys', { body: { name: 'x', scopes: ['users:read'], tenant_id: s.tenantId } });
  t.is(refused.response.status, 403);
  t.regex(detail(refused.error), /keys:write/);
  const keyAdmin = vaultWithKey(gw, (await gw.createApiKey(s.tenantId, ['users:read', 'keys:write'])).value);
  const tenantLevel = await keyAdmin.POST('/keys', { body: { name: 'x', scopes: ['users:read'], tenant_id: s.tenantId } });
  t.is(tenantLevel.response.status, 201);
  t.is(tenantLevel.data!.user_id, '');
});

test('client_credentials never grants `account`: such a token has no user to act for', async (t) => {
  const s = await setupTenant(gw);
  const { client, secret } = await s.client({ type: 'confidential', grantTypes: ['client_credentials'], allowedScopes: ['account', 'users:read', 'openid', 'email'] });
  const cc = await postForm(`${s.issuer}/token/standard`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret! });
  t.is(cc.status, 200);
  t.is(cc.body.scope, 'users:read');
  const asked = await postForm(`${s.issuer}/token/standard`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret!, scope: 'account' });
  t.is(asked.body.error, 'invalid_scope');
});
