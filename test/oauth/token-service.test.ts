/**
 * The API-neutral token endpoint (server/identity/oauth/): a profile other than the Vault's
 * (another issuer, another audience, another scope policy) gets the same grants, the same
 * refresh-token families, rotation and reuse detection; the grant registry is what discovery,
 * the token form and client registration read; every refusal is a domain code, never an HTTP error.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { IdentityError } from '../../server/identity/errors.ts';
import { issueAuthorizationCode } from '../../server/identity/oauth/authorization-codes.ts';
import type { ScopePolicy, TokenProfile } from '../../server/identity/oauth/grant.ts';
import { GRANT_TYPES, GRANTS, grantTypesFor, TOKEN_FORM_PARAMETERS } from '../../server/identity/oauth/grants/index.ts';
import { s256Challenge } from '../../server/identity/oauth/pkce.ts';
import { exchangeToken, tokenFormOf } from '../../server/identity/oauth/token-endpoint.ts';
import { createSession, findActiveSession } from '../../server/identity/sessions.ts';
import type { IdentityCore } from '../../server/identity/index.ts';
import { startHarness, type Harness } from '../identity/_harness.ts';

let h: Harness;
let identity: IdentityCore;
test.before(async () => {
  h = await startHarness();
  identity = h.identity();
});
test.after.always(() => h?.close());

const OPEN_POLICY: ScopePolicy = { userGrantable: (_t, allowed) => [...allowed], clientGrantable: (_t, allowed) => allowed.filter((s) => s !== 'openid') };
const profileOf = (tenantId: string): TokenProfile => ({ issuer: `https://tx.example/${tenantId}`, audience: 'https://tx.example/api', scopes: OPEN_POLICY, accessTokenTtlSeconds: 120 });
const services = () => ({ store: h.store, identity });
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

async function codeFor(tenantId: string, clientId: string, verifier: string) {
  const userId = (await identity.users.create(tenantId, { username: `u-${randomUUID().slice(0, 8)}` }))._id;
  const session = await createSession(h.store, { tenantId, userId, method: 'upstream', ip: '192.0.2.1', userAgent: 'ava' });
  const code = await issueAuthorizationCode(h.store, {
    tenantId,
    clientId,
    redirectUri: 'https://rp.test/cb',
    codeChallenge: s256Challenge(verifier),
    codeChallengeMethod: 'S256',
    nonce: 'n-1',
    scope: ['openid', 'orders:read'],
    userId,
    sessionId: session._id,
    authTime: new Date(),
  });
  return { code, userId, session };
}

async function refusal(t: import('ava').ExecutionContext, promise: Promise<unknown>): Promise<IdentityError> {
  const error = await t.throwsAsync(promise);
  t.true(error instanceof IdentityError, `an IdentityError, not ${error?.constructor.name}`);
  return error as IdentityError;
}

test('the registry lists each grant once, and discovery, the token form and client registration read it', (t) => {
  t.deepEqual(GRANT_TYPES, ['authorization_code', 'refresh_token', 'client_credentials']);
  t.is(new Set(GRANTS.map((g) => g.type)).size, GRANTS.length);
  for (const grant of GRANTS) for (const p of grant.parameters) t.true(TOKEN_FORM_PARAMETERS.includes(p), `${grant.type}: ${p} in the token form`);
  t.deepEqual(grantTypesFor('confidential'), ['authorization_code', 'refresh_token', 'client_credentials']);
  t.deepEqual(grantTypesFor('public'), ['authorization_code', 'refresh_token'], 'client_credentials is for confidential clients only (RFC 6749 §4.4)');
  const form = tokenFormOf({ grant_type: 'authorization_code', code: 'c', code_verifier: 'v', unknown: 'x', scope: 42 });
  t.deepEqual(form, { grant_type: 'authorization_code', code: 'c', code_verifier: 'v' }, 'only registered string parameters');
});

test('client registration refuses a grant the registry does not have, and client_credentials for a public client', async (t) => {
  const tenantId = `t-${randomUUID().slice(0, 8)}`;
  const unknown = await refusal(t, identity.clients.create(tenantId, { name: 'x', type: 'confidential', grantTypes: ['password'] }));
  t.is(unknown.code, 'request.invalid');
  const publicCc = await refusal(t, identity.clients.create(tenantId, { name: 'x', type: 'public', grantTypes: ['client_credentials'] }));
  t.is(publicCc.code, 'request.invalid');
  const { client } = await identity.clients.create(tenantId, { name: 'x', type: 'public' });
  t.deepEqual(client.grantTypes, ['authorization_code', 'refresh_token']);
  await refusal(t, identity.clients.update(tenantId, client.clientId, { grantTypes: ['client_credentials'] }));
  t.deepEqual((await identity.clients.get(tenantId, client.clientId))?.grantTypes, ['authorization_code', 'refresh_token']);
});

test('another API\'s profile: its issuer and audience, the same rotation, and reuse revokes the family and ends the session', async (t) => {
  const tenantId = `t-${randomUUID().slice(0, 8)}`;
  const profile = profileOf(tenantId);
  const { client, secret } = await identity.clients.create(tenantId, { name: 'rp', type: 'confidential', allowedScopes: ['openid', 'orders:read'], redirectUris: ['https://rp.test/cb'] });
  const verifier = 'v'.repeat(43);
  const { code, userId, session } = await codeFor(tenantId, client.clientId, verifier);
  const input = (form: Record<string, string>) => ({ tenantId, form: tokenFormOf({ client_id: client.clientId, client_secret: secret as string, ...form }), ip: '192.0.2.1', userAgent: 'ava' });

  // The caller's shape turns the RFC 6749 §5.1 set into its API's reply.
  const first = await exchangeToken(services(), profile, input({ grant_type: 'authorization_code', code, redirect_uri: 'https://rp.test/cb', code_verifier: verifier }), (s) => ({
    accessToken: s.access_token,
    refreshToken: s.refresh_token,
    idToken: s.id_token,
    expiresIn: s.expires_in,
  }));
  t.is(first.expiresIn, 120);
  const access = payloadOf(first.accessToken);
  t.is(access.iss, profile.issuer);
  t.deepEqual(access.aud, [profile.audience, client.clientId]);
  t.is(access.sub, userId);
  t.is(access.sid, session._id);
  t.is(payloadOf(first.idToken as string).iss, profile.issuer);
  t.is(payloadOf(first.idToken as string).nonce, 'n-1');

  const second = await exchangeToken(services(), profile, input({ grant_type: 'refresh_token', refresh_token: first.refreshToken as string }));
  t.truthy(second.refresh_token);
  t.not(second.refresh_token, first.refreshToken, 'rotated');
  const family = await h.store.refreshTokens.find({ tenantId }).toArray();
  t.is(new Set(family.map((r) => r.familyId)).size, 1, 'one family');

  // Presenting the rotated token again is reuse: the family is revoked and the session ends.
  const reuse = await refusal(t, exchangeToken(services(), profile, input({ grant_type: 'refresh_token', refresh_token: first.refreshToken as string })));
  t.is(reuse.code, 'oauth.invalid_grant');
  t.is(await findActiveSession(h.store, tenantId, session._id), null);
  const revoked = await refusal(t, exchangeToken(services(), profile, input({ grant_type: 'refresh_token', refresh_token: second.refresh_token as string })));
  t.is(revoked.code, 'oauth.invalid_grant');
});

test('an endpoint serves only the grants it names, refused before the client is looked at; client authentication failures are domain codes', async (t) => {
  const tenantId = `t-${randomUUID().slice(0, 8)}`;
  const profile = profileOf(tenantId);
  const { client, secret } = await identity.clients.create(tenantId, { name: 'svc', type: 'confidential', grantTypes: ['client_credentials'], allowedScopes: ['orders:read', 'openid'] });
  const base = { tenantId, ip: '192.0.2.9', userAgent: 'ava' };
  const onlyRefresh = await refusal(
    t,
    exchangeToken(services(), profile, { ...base, grantTypes: ['refresh_token'], form: { grant_type: 'client_credentials', client_id: 'nobody' } }),
  );
  t.is(onlyRefresh.code, 'oauth.unsupported_grant_type');
  const unknown = await refusal(t, exchangeToken(services(), profile, { ...base, form: { grant_type: 'password', client_id: client.clientId } }));
  t.is(unknown.code, 'oauth.unsupported_grant_type');
  const wrongSecret = await refusal(t, exchangeToken(services(), profile, { ...base, form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'wrong' } }));
  t.is(wrongSecret.code, 'oauth.invalid_client');
  t.is(wrongSecret.details.realm, profile.issuer);

  const tokens = await exchangeToken(services(), profile, { ...base, form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret as string } });
  t.is(tokens.scope, 'orders:read', 'the profile\'s policy decides what a client may be granted for itself');
  t.is(payloadOf(tokens.access_token).aud instanceof Array && (payloadOf(tokens.access_token).aud as string[])[0], profile.audience);
  const tooMuch = await refusal(t, exchangeToken(services(), profile, { ...base, form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret as string, scope: 'openid' } }));
  t.is(tooMuch.code, 'oauth.invalid_scope');
});
