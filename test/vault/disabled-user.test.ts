/**
 * A disabled user keeps no way in (identity/sessions.ts, api-keys.ts), with the security
 * review's exploit: bob, disabled by an administrator, used his own API key to re-enable himself
 * and mint more keys, and his tokens kept working. Now his key is refused (so he cannot undo the
 * disable), his session's access token and refresh token are refused, by the Vault's Update User
 * and by SCIM `active: false` alike; an administrator who enables him again lets him log in anew.
 */
import test from 'ava';
import type { components } from '../../generated/secrets-vault/schema.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { codeFor, postForm, REDIRECT, setupTenant } from './_oidc.ts';
import { loose, vaultWithKey, vaultWithToken } from './admin-helpers.ts';
import { PATCH_OP } from './scim-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

type Setup = Awaited<ReturnType<typeof setupTenant>>;

/** A login through a public client of the tenant: the token endpoint's answer. */
async function login(s: Setup, clientId: string) {
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId, scope: 'openid account' });
  const tokens = await postForm(`${s.issuer}/token/standard`, { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: REDIRECT, code_verifier: verifier! });
  if (tokens.status !== 200) throw new Error(`token: ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return { accessToken: tokens.body.access_token as string, refreshToken: tokens.body.refresh_token as string };
}

const refresh = (s: Setup, clientId: string, refreshToken: string) =>
  postForm(`${s.issuer}/token/standard`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });

const userBody = (s: Setup, isDisabled: boolean) =>
  loose<components['schemas']['User']>({ user_id: s.user.id, username: s.user.username, email: `${s.user.username}@example.test`, tenant_id: s.tenantId, is_disabled: isDisabled });

test('attack: a disabled user\'s own key gets 401 and cannot re-enable him; his session\'s tokens are refused; enabled again, a new login works', async (t) => {
  const s = await setupTenant(gw);
  const { client } = await s.client({ type: 'public', allowedScopes: ['openid', 'account'] });
  const bobKey = await gw.createApiKey(s.tenantId, ['users:read', 'users:write', 'account'], s.user.id);
  const admin = vaultWithKey(gw, (await gw.createApiKey(s.tenantId, ['users:read', 'users:write'])).value);
  const bob = vaultWithKey(gw, bobKey.value);
  const session = await login(s, client.clientId);
  t.is((await vaultWithToken(gw, session.accessToken).GET('/me')).response.status, 200);

  const disabled = await admin.PUT('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: s.tenantId, user_id: s.user.id } }, body: userBody(s, true) });
  t.is(disabled.response.status, 200);
  t.true(disabled.data!.is_disabled);

  const me = await bob.GET('/me');
  t.is(me.response.status, 401);
  t.is((await bob.GET('/users/{tenant_id}', { params: { path: { tenant_id: s.tenantId } } })).response.status, 401);
  const reEnable = await bob.PUT('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: s.tenantId, user_id: s.user.id } }, body: userBody(s, false) });
  t.is(reEnable.response.status, 401);
  t.is((await bob.POST('/keys', { body: { name: 'more', scopes: ['users:write'], tenant_id: s.tenantId } })).response.status, 401);
  t.true((await gw.services.identity.users.get(s.tenantId, s.user.id))!.disabled, 'still disabled');

  t.is((await vaultWithToken(gw, session.accessToken).GET('/me')).response.status, 401, 'the session ended with the disable');
  const userinfo = await fetch(`${s.issuer}/userinfo`, { headers: { authorization: `Bearer ${session.accessToken}` } });
  t.is(userinfo.status, 401);
  const refused = await refresh(s, client.clientId, session.refreshToken);
  t.is(refused.body.error, 'invalid_grant');
  t.is((await gw.services.store.refreshTokens.findOne({ tenantId: s.tenantId, userId: s.user.id, revokedAt: null })), null, 'every refresh token revoked');
  // No login gets through while disabled: the token endpoint refuses the grant.
  await t.throwsAsync(login(s, client.clientId), { message: /invalid_grant/ });

  const enabled = await admin.PUT('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: s.tenantId, user_id: s.user.id } }, body: userBody(s, false) });
  t.false(enabled.data!.is_disabled);
  t.is((await vaultWithToken(gw, session.accessToken).GET('/me')).response.status, 401, 'the old session stays ended');
  t.is((await refresh(s, client.clientId, session.refreshToken)).body.error, 'invalid_grant', 'and its refresh token revoked');
  const fresh = await login(s, client.clientId);
  const again = await vaultWithToken(gw, fresh.accessToken).GET('/me');
  t.is(again.response.status, 200);
  t.is(again.data!.user_id, s.user.id);
  // Disabling did not revoke the key: it works again with its owner (revocation stays an explicit act).
  t.is((await bob.GET('/me')).response.status, 200);
});

test('SCIM active=false is a disable like any other: key refused, session ended', async (t) => {
  const s = await setupTenant(gw);
  const { client } = await s.client({ type: 'public', allowedScopes: ['openid', 'account'] });
  const scim = vaultWithKey(gw, (await gw.createApiKey(s.tenantId, ['scim'])).value);
  const key = vaultWithKey(gw, (await gw.createApiKey(s.tenantId, ['users:read'], s.user.id)).value);
  const session = await login(s, client.clientId);

  const patched = await scim.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', {
    params: { path: { tenant_id: s.tenantId, user_id: s.user.id } },
    body: { schemas: PATCH_OP, Operations: [{ op: 'replace', path: 'active', value: false }] } as never,
  });
  t.is(patched.response.status, 200, JSON.stringify(patched.error));
  t.is((await key.GET('/me')).response.status, 401);
  t.is((await vaultWithToken(gw, session.accessToken).GET('/me')).response.status, 401);
  t.is((await refresh(s, client.clientId, session.refreshToken)).body.error, 'invalid_grant');
});

test('deleting the owner refuses the key for good, even a key the deletion did not revoke', async (t) => {
  const s = await setupTenant(gw);
  const key = await gw.createApiKey(s.tenantId, ['users:read'], s.user.id);
  t.is((await vaultWithKey(gw, key.value).GET('/me')).response.status, 200);
  // Straight through the identity core, which revokes nothing itself: the owner check still holds.
  t.true(await gw.services.identity.users.delete(s.tenantId, s.user.id));
  t.is((await vaultWithKey(gw, key.value).GET('/me')).response.status, 401);
  t.is((await gw.services.identity.apiKeys.get(s.tenantId, key.id))?.revokedAt, null);
});
