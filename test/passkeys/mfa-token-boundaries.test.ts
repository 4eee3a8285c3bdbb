// The boundaries of an MFA sign-in's tokens (identity/loginid/mfa-tokens.ts):
// - its refresh token is redeemed only at POST /fido2/v2/mfa/token: the Vault's token endpoint of
//   the same tenant refuses it although the MFA client's id is a client of that tenant (refresh
//   families are bound to the issuer they were issued under, identity/oauth/refresh-tokens.ts),
//   and the refused attempt leaves the family usable where it belongs;
// - its access token dies with its session for the application's backend too: mgmt/token/verify
//   answers as the API's own bearer scheme does (security.ts verifyLiveToken).
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { done, jwtClient, must } from './_helpers.ts';
import { finishedMfa, hostApp, type HostApp } from './_mfa.ts';

let gw: TestGateway;
let app: HostApp;

test.before(async () => {
  gw = await startTestGateway({ GATEWAY_OUTBOX: '1' });
  app = await hostApp(gw, gw.url);
});
test.after.always(() => gw?.stop());

test.serial('an MFA refresh token is refused at the Vault token endpoint of the same tenant and still works at /fido2/v2/mfa/token', async (t) => {
  const { mfa } = await finishedMfa(gw, app);
  const res = await fetch(`${gw.url}/api/oidc/${app.id}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: app.id }),
  });
  t.is(res.status, 400);
  t.like(await res.json(), { detail: 'invalid refresh token' }, "the Vault's error shape");
  const refreshed = must(await app.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: app.id } }), 'refresh where it belongs');
  t.truthy(refreshed.refresh_token);
});

test.serial('mgmt/token/verify refuses an MFA access token whose session ended by refresh-token reuse', async (t) => {
  const { mfa } = await finishedMfa(gw, app);
  done(await app.mgmt.POST('/mgmt/token/verify', { body: { jwtAccess: mfa.accessToken } }), 'valid while the session is open');
  must(await app.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: app.id } }), 'refresh');
  const reuse = await app.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: app.id } });
  t.is(reuse.response.status, 400, 'reuse detected: family revoked, session ended');
  t.is((await jwtClient(gw, mfa.accessToken).GET('/passkeys')).response.status, 401, 'the API refuses the token');
  t.is((await app.mgmt.POST('/mgmt/token/verify', { body: { jwtAccess: mfa.accessToken } })).response.status, 401, 'and so does mgmt/token/verify');
});

test.serial('an MFA refresh token used by three racing requests rotates once; the others are reuse, which ends the session for the winner too', async (t) => {
  const { mfa } = await finishedMfa(gw, app);
  const body = { grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: app.id };
  const results = await Promise.all([1, 2, 3].map(() => app.host.POST('/mfa/token', { body })));
  t.deepEqual(results.map((r) => r.response.status).sort(), [200, 400, 400]);
  const winner = results.find((r) => r.response.status === 200)!.data!;
  t.truthy(winner.access_token && winner.refresh_token);
  t.is((await jwtClient(gw, winner.access_token).GET('/passkeys')).response.status, 401, "the winner's access token dies with the session");
  const next = await app.host.POST('/mfa/token', { body: { ...body, refresh_token: winner.refresh_token! } });
  t.is(next.response.status, 400, "and its refresh token with the revoked family");
});

test.serial('mgmt/token/verify refuses an MFA access token of a deactivated user', async (t) => {
  const { reg, mfa } = await finishedMfa(gw, app);
  done(await app.mgmt.POST('/mgmt/user/{userId}/deactivate', { params: { path: { userId: reg.userId } } }), 'deactivate');
  t.is((await jwtClient(gw, mfa.accessToken).GET('/passkeys')).response.status, 401, 'the API refuses the token');
  t.is((await app.mgmt.POST('/mgmt/token/verify', { body: { jwtAccess: mfa.accessToken } })).response.status, 401, 'and so does mgmt/token/verify');
});
