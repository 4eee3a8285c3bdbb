// The token checks of getAccessToken, one refusal per row, with a registered external provider
// (test/token-exchange/_idp.ts) that serves its keys over HTTP: each row tries to get an access
// token with a token that must be refused, and gets the Conjure error the spec names.
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { hs256WithPublicKey, idpKey, signToken, startIdp, unsignedToken, type Idp, type IdpKey } from './_idp.ts';
import { member } from './_helpers.ts';

let gw: TestGateway;
let idp: Idp;
let ed: IdpKey;
let es: IdpKey;
let rs: IdpKey;
const AUDIENCE = 'nominal-client';
const EMAIL = 'pilot@idp.example';

test.before(async () => {
  gw = await startTestGateway();
  [ed, es, rs] = await Promise.all([idpKey('EdDSA'), idpKey('ES256'), idpKey('RS256')]);
  idp = await startIdp([ed, es, rs]);
  const put = await gw.clients.admin.gateway.PUT('/token-exchange/trusted-issuers', {
    body: { issuer: idp.issuer, audiences: [AUDIENCE], jwksUri: idp.jwksUri, emailsVerified: true },
  });
  if (put.response.status !== 200) throw new Error(`putTrustedIssuer: ${put.response.status} ${JSON.stringify(put.error)}`);
  await member(gw, { email: EMAIL });
});
test.after.always(async () => {
  await idp?.close();
  await gw?.stop();
});

const exchange = (idToken: string) => gw.clients.anonymous.tokenExchange.POST('/authorization/v1/access-token', { body: { idToken } });
const claims = { email: EMAIL };

test('a valid token of each algorithm (EdDSA and ES256 through the crypto core, RS256) is exchanged', async (t) => {
  for (const key of [ed, es, rs]) {
    const res = await exchange(await signToken(key, { issuer: idp.issuer, claims }));
    t.is(res.response.status, 200, `${key.alg}: ${JSON.stringify(res.error)}`);
  }
});

const refusals: [string, () => Promise<string>, number, string, Record<string, string>?][] = [
  ['wrong signature (another key under the published kid)', async () => {
    const impostor = await idpKey('EdDSA', ed.kid);
    return signToken(impostor, { issuer: idp.issuer, claims });
  }, 403, 'Authorization:InvalidJwtFormat'],
  ['tampered payload', async () => {
    const [h, , s] = (await signToken(ed, { issuer: idp.issuer, claims })).split('.');
    const payload = Buffer.from(JSON.stringify({ iss: idp.issuer, aud: AUDIENCE, sub: 'admin', email: 'ceo@idp.example', exp: 4102444800 })).toString('base64url');
    return `${h}.${payload}.${s}`;
  }, 403, 'Authorization:InvalidJwtFormat'],
  ['alg none', async () => unsignedToken({ alg: 'none', kid: ed.kid }, { iss: idp.issuer, aud: AUDIENCE, sub: 'x', email: EMAIL, exp: 4102444800 }), 403, 'Authorization:InvalidJwtFormat'],
  ['HS256 with the public key as HMAC secret', async () => hs256WithPublicKey(rs, { iss: idp.issuer, aud: AUDIENCE, sub: 'x', email: EMAIL, exp: 4102444800 }), 403, 'Authorization:InvalidJwtFormat'],
  ['a key used for another algorithm (ES256 header, EdDSA key)', async () => {
    const token = await signToken(ed, { issuer: idp.issuer, claims });
    const [, p, s] = token.split('.');
    return `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: ed.kid })).toString('base64url')}.${p}.${s}`;
  }, 403, 'Authorization:InvalidJwtFormat'],
  ['not a JWT at all', async () => 'not-a-jwt', 403, 'Authorization:InvalidJwtFormat'],
  ['unknown issuer', async () => signToken(ed, { issuer: 'https://unknown-idp.example.com', claims }), 403, 'Authorization:InvalidJwtIssuer', { issuer: 'https://unknown-idp.example.com' }],
  ['wrong audience', async () => signToken(ed, { issuer: idp.issuer, audience: 'someone-else', claims }), 403, 'Authorization:InvalidJwtAudience', { audience: 'someone-else' }],
  ['expired', async () => signToken(ed, { issuer: idp.issuer, expiresIn: -120, claims }), 403, 'Authorization:InvalidJwtExpired'],
  ['not yet valid (nbf in the future)', async () => signToken(ed, { issuer: idp.issuer, notBeforeIn: 600, claims }), 403, 'Authorization:InvalidJwtExpired'],
  ['no e-mail claim', async () => signToken(ed, { issuer: idp.issuer }), 400, 'Authorization:MissingClaims', { missingClaims: 'email' }],
];

for (const [name, make, status, errorName, parameters] of refusals) {
  test(`refused: ${name}`, async (t) => {
    const res = await exchange(await make());
    t.is(res.response.status, status, JSON.stringify(res.error));
    t.is(res.error?.errorName, errorName);
    t.regex(res.error?.errorInstanceId ?? '', /^[0-9a-f-]{36}$/);
    if (parameters) t.deepEqual(res.error?.parameters, parameters);
  });
}

test.serial('an unknown kid within a minute of the last fetch fetches nothing and is refused', async (t) => {
  // warm the cache
  t.is((await exchange(await signToken(ed, { issuer: idp.issuer, claims }))).response.status, 200);
  const before = idp.fetches;
  for (let i = 0; i < 3; i++) {
    const stranger = await idpKey('EdDSA');
    const res = await exchange(await signToken(stranger, { issuer: idp.issuer, claims }));
    t.is(res.response.status, 403);
    t.is(res.error?.errorName, 'Authorization:InvalidJwtFormat');
  }
  t.is(idp.fetches, before);
});

test('a JWKS endpoint that never answers: the request ends with a TIMEOUT error, and later requests are not stuck', async (t) => {
  const key = await idpKey('ES256');
  const hanging = await startIdp([key]);
  hanging.hang = true;
  t.teardown(() => hanging.close());
  await gw.clients.admin.gateway.PUT('/token-exchange/trusted-issuers', { body: { issuer: hanging.issuer, audiences: [AUDIENCE], jwksUri: hanging.jwksUri } });
  const started = Date.now();
  const res = await exchange(await signToken(key, { issuer: hanging.issuer, claims }));
  t.is(res.response.status, 500);
  t.like(res.error, { errorCode: 'TIMEOUT', errorName: 'Default:Timeout' });
  t.true(Date.now() - started < 20_000);
  // the gateway keeps serving other issuers meanwhile
  t.is((await exchange(await signToken(ed, { issuer: idp.issuer, claims }))).response.status, 200);
});

test('inline keys: a registered key set verifies without any fetch; removing the issuer refuses its tokens', async (t) => {
  const key = await idpKey('EdDSA');
  const issuer = `${idp.issuer}-inline`;
  const put = await gw.clients.admin.gateway.PUT('/token-exchange/trusted-issuers', {
    body: { issuer, audiences: [AUDIENCE], jwks: { keys: [key.publicJwk as { kty: 'OKP'; kid: string }] }, emailsVerified: true },
  });
  t.is(put.response.status, 200, JSON.stringify(put.error));
  t.is((await exchange(await signToken(key, { issuer, claims }))).response.status, 200);
  const del = await gw.clients.admin.gateway.DELETE('/token-exchange/trusted-issuers', { params: { query: { issuer } } });
  t.is(del.response.status, 204);
  const res = await exchange(await signToken(key, { issuer, claims }));
  t.is(res.error?.errorName, 'Authorization:InvalidJwtIssuer');
});

test('the operator API refuses private keys, both or neither key source, plain-http remote URLs and the gateway\'s own issuers', async (t) => {
  const admin = gw.clients.admin.gateway;
  const priv = { ...(ed.publicJwk as object), d: 'AAAA' } as unknown as { kty: 'OKP'; kid: string };
  const cases = [
    { issuer: 'https://a.example', audiences: ['x'], jwks: { keys: [priv] } },
    { issuer: 'https://a.example', audiences: ['x'], jwksUri: 'https://a.example/jwks', jwks: { keys: [ed.publicJwk as { kty: 'OKP'; kid: string }] } },
    { issuer: 'https://a.example', audiences: ['x'] },
    { issuer: 'https://a.example', audiences: ['x'], jwksUri: 'http://a.example/jwks' },
  ];
  for (const body of cases) t.is((await admin.PUT('/token-exchange/trusted-issuers', { body })).response.status, 400, JSON.stringify(body));
  const own = await admin.PUT('/token-exchange/trusted-issuers', { body: { issuer: `${gw.url}/api/oidc/default`, audiences: ['x'], jwksUri: 'https://a.example/jwks' } });
  t.is(own.response.status, 409);
  const list = await admin.GET('/token-exchange/trusted-issuers');
  t.true(list.data!.issuers.some((i) => i.issuer === idp.issuer));
  // a tenant's own key is not the operator's
  const tenantKey = await gw.createApiKey(await gw.createTenant(), ['gateway:admin']);
  const res = await fetch(`${gw.url}/gateway/v1/token-exchange/trusted-issuers`, { headers: { 'x-api-key': tenantKey.value } });
  t.not(res.status, 200);
});
