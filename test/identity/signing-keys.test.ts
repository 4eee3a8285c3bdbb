import test from 'ava';
import { calculateJwkThumbprint } from 'jose';
import { TokenError } from '../../server/identity/tokens.ts';
import { randomBytes } from 'node:crypto';
import { ManualClock, startHarness, type Harness } from './_harness.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

const verifyOptions = (issuer: string) => ({ issuer, audience: 'aud', algorithms: ['EdDSA' as const, 'ES256' as const] });

test('the first key of an issuer is created once even when several instances ask at once', async (t) => {
  const issuer = 'http://gateway.test/race';
  const instances = Array.from({ length: 6 }, () => h.identity());
  const keys = await Promise.all(instances.map((identity) => identity.signingKeys.activeKey(issuer, 'EdDSA')));
  t.is(new Set(keys.map((key) => key.kid)).size, 1);
  t.is(await h.store.signingKeys.countDocuments({ issuer, status: 'active' }), 1);
});

test('kid is the RFC 7638 thumbprint; the JWKS holds public members only; the private key is stored sealed', async (t) => {
  const issuer = 'http://gateway.test/jwks';
  const identity = h.identity();
  const ed = await identity.signingKeys.activeKey(issuer, 'EdDSA');
  const es = await identity.signingKeys.activeKey(issuer, 'ES256');
  const { keys } = await identity.signingKeys.jwks(issuer);
  t.deepEqual(keys.map((k) => k.kid).sort(), [ed.kid, es.kid].sort());
  for (const jwk of keys) {
    t.is(await calculateJwkThumbprint(jwk, 'sha256'), jwk.kid!);
    t.is(jwk.use, 'sig');
    t.is(jwk.d, undefined);
  }
  t.deepEqual(keys.find((k) => k.kid === ed.kid), { kty: 'OKP', crv: 'Ed25519', x: keys.find((k) => k.kid === ed.kid)!.x, kid: ed.kid, alg: 'EdDSA', use: 'sig' });
  t.is(keys.find((k) => k.kid === es.kid)?.crv, 'P-256');
  const stored = await h.store.signingKeys.findOne({ _id: ed.kid });
  t.true(stored!.sealedPrivateJwk.startsWith('v1.'));
  t.false(JSON.stringify(stored).includes('"d"'));
  t.deepEqual((await h.identity().signingKeys.jwks('http://gateway.test/none')).keys, []);
});

test('rotation: the new key signs; tokens of the old key verify during the overlap and not after; the JWKS follows', async (t) => {
  const issuer = 'http://gateway.test/rotate';
  const clock = new ManualClock();
  const identity = h.identity({ clock: clock.now });
  const old = await identity.tokens.issue({ issuer, audience: 'aud', ttlSeconds: 3600 });
  const { kid, retiredKid } = await identity.signingKeys.rotate(issuer, 'EdDSA', 600);
  t.is(retiredKid, old.kid);
  t.not(kid, old.kid);
  const fresh = await identity.tokens.issue({ issuer, audience: 'aud', ttlSeconds: 3600 });
  t.is(fresh.kid, kid);
  t.deepEqual((await identity.signingKeys.jwks(issuer)).keys.map((k) => k.kid).sort(), [old.kid, kid].sort());

  // Another instance (cold caches) agrees during the overlap.
  const other = h.identity({ clock: clock.now, tokenCacheSize: 0 });
  clock.advance(599);
  t.is((await other.tokens.verify(old.token, verifyOptions(issuer))).kid, old.kid);
  t.is((await identity.tokens.verify(old.token, verifyOptions(issuer))).kid, old.kid); // now in its cache
  clock.advance(1);
  const error = await t.throwsAsync(other.tokens.verify(old.token, verifyOptions(issuer)), { instanceOf: TokenError });
  t.is(error?.reason, 'unknown_kid');
  // The instance that cached the token's verification refuses it too once the key is unpublished.
  const cachedError = await t.throwsAsync(identity.tokens.verify(old.token, verifyOptions(issuer)), { instanceOf: TokenError });
  t.is(cachedError?.reason, 'unknown_kid');
  t.is((await other.tokens.verify(fresh.token, verifyOptions(issuer))).kid, kid);
  t.deepEqual((await identity.signingKeys.jwks(issuer)).keys.map((k) => k.kid), [kid]);
});

test('rotation of one algorithm leaves the other algorithm\'s active key alone', async (t) => {
  const issuer = 'http://gateway.test/rotate-one';
  const identity = h.identity();
  const es = await identity.signingKeys.activeKey(issuer, 'ES256');
  const ed = await identity.signingKeys.activeKey(issuer, 'EdDSA');
  await identity.signingKeys.rotate(issuer, 'EdDSA', 0);
  t.is((await identity.signingKeys.activeKey(issuer, 'ES256')).kid, es.kid);
  t.not((await identity.signingKeys.activeKey(issuer, 'EdDSA')).kid, ed.kid);
});

test('an active key sealed under another master key is retired (still published) and replaced', async (t) => {
  const issuer = 'http://gateway.test/rekey';
  const before = h.identity({ masterKey: randomBytes(32) });
  const old = await before.signingKeys.activeKey(issuer);
  const after = h.identity();
  const fresh = await after.signingKeys.activeKey(issuer);
  t.not(fresh.kid, old.kid);
  t.is((await h.store.signingKeys.findOne({ _id: old.kid }))?.status, 'retired');
  t.deepEqual((await after.signingKeys.jwks(issuer)).keys.map((k) => k.kid).sort(), [old.kid, fresh.kid].sort());
});
