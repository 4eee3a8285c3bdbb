// The remote key set of a registered issuer (identity/federation/issuer-keys.ts), with a short
// cool-down so that the "once a minute" rule can be watched without waiting a minute.
import test from 'ava';
import { createIssuerKeyService, IssuerKeysUnavailable } from '../../server/identity/federation/issuer-keys.ts';
import type { TrustedIssuer } from '../../server/identity/federation/trusted-issuers.ts';
import type { SigningKeyService } from '../../server/identity/signing-keys.ts';
import { idpKey, startIdp } from './_idp.ts';

const noGatewayKeys = {} as SigningKeyService;
const remote = (jwksUri: string): TrustedIssuer => ({
  issuer: 'https://idp.example',
  keys: { kind: 'remote', jwksUri },
  emailClaim: 'email',
  emailsVerified: false,
  userinfoUrl: null,
  acceptedAudiences: async () => [],
  accountOf: () => null,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an unknown kid refetches once the cool-down is over (finding a rotated key), and at most once per cool-down', async (t) => {
  const first = await idpKey('EdDSA');
  const idp = await startIdp([first]);
  t.teardown(() => idp.close());
  const keys = createIssuerKeyService({ signingKeys: noGatewayKeys, cooldownMs: 300 });
  const issuer = remote(idp.jwksUri);
  t.truthy(await keys.find(issuer, { alg: 'EdDSA', kid: first.kid }));
  t.is(idp.fetches, 1);
  t.truthy(await keys.find(issuer, { alg: 'EdDSA', kid: first.kid }), 'cached');
  t.is(idp.fetches, 1);

  const rotated = await idpKey('EdDSA');
  idp.published = [first, rotated];
  t.is(await keys.find(issuer, { alg: 'EdDSA', kid: rotated.kid }), null, 'inside the cool-down: no fetch');
  t.is(idp.fetches, 1);
  await sleep(350);
  const found = await keys.find(issuer, { alg: 'EdDSA', kid: rotated.kid });
  t.is(found?.jwk.kid, rotated.kid, 'after it: one refetch finds the new key');
  t.is(idp.fetches, 2);
  // made-up kids right after: refused without fetching, however many
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => keys.find(issuer, { alg: 'EdDSA', kid: `made-up-${i}` })));
  t.true(results.every((r) => r === null));
  t.is(idp.fetches, 2);
  // a known kid under another algorithm is not a key for it
  t.is(await keys.find(issuer, { alg: 'ES256', kid: first.kid }), null);
});

test('a hanging JWKS endpoint fails within the timeout, as IssuerKeysUnavailable(timeout)', async (t) => {
  const key = await idpKey('ES256');
  const idp = await startIdp([key]);
  idp.hang = true;
  t.teardown(() => idp.close());
  const keys = createIssuerKeyService({ signingKeys: noGatewayKeys, timeoutMs: 200 });
  const error = await t.throwsAsync(keys.find(remote(idp.jwksUri), { alg: 'ES256', kid: key.kid }));
  t.true(error instanceof IssuerKeysUnavailable && error.timeout);
});

test('an endpoint that answers garbage is unavailable (not a timeout)', async (t) => {
  const keys = createIssuerKeyService({ signingKeys: noGatewayKeys, timeoutMs: 500 });
  const error = await t.throwsAsync(keys.find(remote('http://127.0.0.1:9/jwks'), { alg: 'EdDSA', kid: 'k' }));
  t.true(error instanceof IssuerKeysUnavailable && !error.timeout);
});
