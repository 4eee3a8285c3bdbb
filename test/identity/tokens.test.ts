import test from 'ava';
import { createPublicKey } from 'node:crypto';
import { SignJWT, generateKeyPair, exportJWK, calculateJwkThumbprint, type JWK } from 'jose';
import type { CryptoCore } from '../../core-wasm/js/index.ts';
import { TokenError, type TokenErrorReason, type VerifyOptions } from '../../server/identity/tokens.ts';
import { ManualClock, coresExporting, startHarness, type Harness } from './_harness.ts';

const ISSUER = 'http://gateway.test/api/oidc/default';
const OTHER_ISSUER = 'http://gateway.test/api/oidc/other';
const AUDIENCE = 'demo';
const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({ issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA', 'ES256'], ...extra });

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function refused(t: import('ava').ExecutionContext, promise: Promise<unknown>, reason: TokenErrorReason) {
  const error = await t.throwsAsync(promise, { instanceOf: TokenError });
  t.is(error?.reason, reason);
}

for (const alg of ['EdDSA', 'ES256'] as const) {
  const primitive = alg === 'EdDSA' ? 'ed25519Verify' : 'p256Verify';
  test(`a valid ${alg} token verifies through the reference core and the WASM core`, async (t) => {
    const { cores, skipped } = await coresExporting(primitive);
    if (skipped !== null) t.log(`${skipped}: reference core only`);
    const issuer = h.identity();
    const { token, jti, kid } = await issuer.tokens.issue({ issuer: ISSUER, audience: AUDIENCE, subject: 'user-1', alg, ttlSeconds: 300, claims: { scope: 'openid' }, typ: 'at+jwt' });
    for (const core of cores) {
      // A fresh identity instance per core, so that no cache answers for the core under test.
      const verifier = h.identity({ core: () => core, tokenCacheSize: 0 });
      const verified = await verifier.tokens.verify(token, options({ typ: 'at+jwt', requireClaims: ['sub', 'jti'] }));
      t.is(verified.payload.sub, 'user-1', core.name);
      t.is(verified.payload.jti, jti);
      t.is(verified.payload.scope, 'openid');
      t.is(verified.kid, kid);
      t.is(verified.alg, alg);
      t.is(verified.header.typ, 'at+jwt');
      // The same bytes with one signature bit flipped fail on this core.
      const [head, body, sig] = token.split('.');
      const raw = Buffer.from(sig, 'base64url');
      raw[raw.length - 1] ^= 1;
      await refused(t, verifier.tokens.verify(`${head}.${body}.${raw.toString('base64url')}`, options()), 'bad_signature');
    }
  });
}

test('alg none is refused before any key is looked at', async (t) => {
  const { tokens } = h.identity();
  const { kid } = await tokens.issue({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60 });
  const now = Math.floor(h.clock.ms / 1000);
  const none = `${b64({ alg: 'none', kid })}.${b64({ iss: ISSUER, aud: AUDIENCE, exp: now + 60 })}.`;
  await refused(t, tokens.verify(none, options()), 'alg_not_allowed');
  await refused(t, tokens.verify(`${b64({ alg: 'NONE', kid })}.${b64({ iss: ISSUER, aud: AUDIENCE, exp: now + 60 })}.`, options()), 'alg_not_allowed');
});

test('an HS256 token using the published public key as its HMAC secret is refused', async (t) => {
  const { tokens, signingKeys } = h.identity();
  await tokens.issue({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60 });
  const jwk = (await signingKeys.jwks(ISSUER)).keys[0];
  const now = Math.floor(h.clock.ms / 1000);
  const claims = { iss: ISSUER, aud: AUDIENCE, exp: now + 60, sub: 'admin' };
  // Every form an attacker might feed an HMAC verifier: the JWK JSON, the raw key, the PEM.
  const secrets = [
    Buffer.from(JSON.stringify(jwk)),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' })),
  ];
  for (const secret of secrets) {
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwk.kid }).sign(secret);
    await refused(t, tokens.verify(forged, options()), 'alg_not_allowed');
    // Even a caller who wrongly lists HS256 cannot enable it: only EdDSA and ES256 are verifiable.
    await refused(t, tokens.verify(forged, options({ algorithms: ['HS256' as 'EdDSA', 'EdDSA'] })), 'alg_not_allowed');
  }
});

test('an algorithm outside the caller\'s list is refused even when it is one we verify', async (t) => {
  const { tokens } = h.identity();
  const { token } = await tokens.issue({ issuer: ISSUER, audience: AUDIENCE, alg: 'ES256', ttlSeconds: 60 });
  await refused(t, tokens.verify(token, options({ algorithms: ['EdDSA'] })), 'alg_not_allowed');
});

test('an unknown kid, a missing kid, and a kid whose key has another alg are refused', async (t) => {
  const { tokens } = h.identity();
  const { kid: edKid } = await tokens.issue({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60 });
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const strangerKid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const now = Math.floor(h.clock.ms / 1000);
  const claims = { iss: ISSUER, aud: AUDIENCE, exp: now + 60 };
  const stranger = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: strangerKid }).sign(privateKey);
  await refused(t, tokens.verify(stranger, options()), 'unknown_kid');
  const noKid = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' }).sign(privateKey);
  await refused(t, tokens.verify(noKid, options()), 'unknown_kid');
  const es = await generateKeyPair('ES256');
  const mismatched = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: edKid }).sign(es.privateKey);
  await refused(t, tokens.verify(mismatched, options()), 'unknown_kid');
});

test('a token signed with a key of another issuer is refused for this issuer, even with iss rewritten', async (t) => {
  const { tokens, signingKeys } = h.identity();
  const other = await tokens.issue({ issuer: OTHER_ISSUER, audience: AUDIENCE, ttlSeconds: 60 });
  await refused(t, tokens.verify(other.token, options()), 'unknown_kid');
  const otherKey = await signingKeys.activeKey(OTHER_ISSUER);
  const now = Math.floor(h.clock.ms / 1000);
  const rewritten = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: now + 60 }).setProtectedHeader({ alg: 'EdDSA', kid: otherKey.kid }).sign(otherKey.privateKey);
  await refused(t, tokens.verify(rewritten, options()), 'unknown_kid');
  t.is((await tokens.verify(other.token, options({ issuer: OTHER_ISSUER }))).kid, otherKey.kid);
});

test('expired and not-yet-valid tokens are refused, with the clock tolerance honoured', async (t) => {
  const clock = new ManualClock();
  const { tokens } = h.identity({ clock: clock.now });
  const { token } = await tokens.issue({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60 });
  clock.advance(60 + 29);
  t.truthy(await tokens.verify(token, options()));
  clock.advance(1);
  await refused(t, tokens.verify(token, options()), 'expired');
  await refused(t, tokens.verify(token, options({ clockToleranceSeconds: 0 })), 'expired');

  const later = await tokens.issue({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 600, notBeforeSeconds: 120 });
  await refused(t, tokens.verify(later.token, options()), 'not_yet_valid');
  clock.advance(90);
  t.truthy(await tokens.verify(later.token, options()));
});

test('an iat in the future beyond the tolerance is refused', async (t) => {
  const clock = new ManualClock();
  const identity = h.identity({ clock: clock.now });
  const key = await identity.signingKeys.activeKey(ISSUER);
  const now = Math.floor(clock.ms / 1000);
  const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: now + 600, iat: now + 300 }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).sign(key.privateKey);
  await refused(t, identity.tokens.verify(token, options()), 'not_yet_valid');
});

test('wrong issuer, wrong audience, wrong typ and missing claims are refused', async (t) => {
  const identity = h.identity();
  const key = await identity.signingKeys.activeKey(ISSUER);
  const now = Math.floor(h.clock.ms / 1000);
  const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  await refused(t, identity.tokens.verify(await sign({ iss: OTHER_ISSUER, aud: AUDIENCE, exp: now + 60 }), options()), 'wrong_issuer');
  await refused(t, identity.tokens.verify(await sign({ aud: AUDIENCE, exp: now + 60 }), options()), 'wrong_issuer');
  const good = await sign({ iss: ISSUER, aud: [AUDIENCE, 'other'], exp: now + 60 });
  t.truthy(await identity.tokens.verify(good, options()));
  await refused(t, identity.tokens.verify(good, options({ audience: 'someone-else' })), 'wrong_audience');
  await refused(t, identity.tokens.verify(await sign({ iss: ISSUER, exp: now + 60 }), options()), 'wrong_audience');
  await refused(t, identity.tokens.verify(good, options({ typ: 'at+jwt' })), 'wrong_type');
  await refused(t, identity.tokens.verify(good, options({ requireClaims: ['sub'] })), 'missing_claim');
  await refused(t, identity.tokens.verify(await sign({ iss: ISSUER, aud: AUDIENCE }), options()), 'missing_claim');
  await refused(t, identity.tokens.verify(await sign({ iss: ISSUER, aud: AUDIENCE, exp: 'soon' }), options()), 'malformed');
});

test('malformed compact serialisations and critical headers are refused as malformed', async (t) => {
  const { tokens } = h.identity();
  const { token } = await tokens.issue({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60 });
  const [head, body, sig] = token.split('.');
  for (const bad of ['', 'abc', `${head}.${body}`, `${head}.${body}.${sig}.x`, `${head}=.${body}.${sig}`, `.${body}.${sig}`, `${b64([1])}.${body}.${sig}`, `${head}.bm90IGpzb24.${sig}`, 'a'.repeat(20_000)]) {
    await refused(t, tokens.verify(bad, options()), 'malformed');
  }
  const header = JSON.parse(Buffer.from(head, 'base64url').toString());
  await refused(t, tokens.verify(`${b64({ ...header, crit: ['exp'] })}.${body}.${sig}`, options()), 'malformed');
});

test('an ES256 signature in DER form (not JOSE r||s) is refused as a bad signature', async (t) => {
  const identity = h.identity();
  const key = await identity.signingKeys.activeKey(ISSUER, 'ES256');
  const now = Math.floor(h.clock.ms / 1000);
  const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: now + 60 }).setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(key.privateKey);
  const [head, body, sig] = token.split('.');
  const raw = Buffer.from(sig, 'base64url');
  const integer = (bytes: Buffer) => {
    let v = bytes;
    while (v.length > 1 && v[0] === 0 && v[1] < 0x80) v = v.subarray(1);
    if (v[0] >= 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const seq = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  const der = Buffer.concat([Buffer.from([0x30, seq.length]), seq]);
  t.truthy(await identity.tokens.verify(token, options()));
  await refused(t, h.identity().tokens.verify(`${head}.${body}.${der.toString('base64url')}`, options()), 'bad_signature');
});

test('the verified-token cache skips the core on a repeat, and a cached token is still checked against the options', async (t) => {
  const clock = new ManualClock();
  let calls = 0;
  const counting: CryptoCore = (await import('../../core-wasm/js/index.ts')).createReferenceCore();
  const wrapped = new Proxy(counting, {
    get(target, prop, receiver) {
      if (prop === 'ed25519Verify') return (...args: Parameters<CryptoCore['ed25519Verify']>) => { calls++; return target.ed25519Verify(...args); };
      return Reflect.get(target, prop, receiver);
    },
  });
  const identity = h.identity({ clock: clock.now, core: () => wrapped });
  const { token } = await identity.tokens.issue({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: 60 });
  await identity.tokens.verify(token, options());
  await identity.tokens.verify(token, options());
  t.is(calls, 1);
  t.is(identity.tokens.cacheSize, 1);
  await refused(t, identity.tokens.verify(token, options({ audience: 'other' })), 'wrong_audience');
  await refused(t, identity.tokens.verify(token, options({ algorithms: ['ES256'] })), 'alg_not_allowed');
  clock.advance(120);
  await refused(t, identity.tokens.verify(token, options()), 'expired');
});

test('RS256 keys sign ID tokens that verify with the published JWK, but the gateway never accepts them as bearer tokens', async (t) => {
  const { tokens, signingKeys } = h.identity();
  const { token, kid } = await tokens.issue({ issuer: ISSUER, audience: AUDIENCE, alg: 'RS256', ttlSeconds: 60 });
  const jwk = (await signingKeys.jwks(ISSUER)).keys.find((k: JWK) => k.kid === kid)!;
  t.is(jwk.kty, 'RSA');
  t.is(jwk.d, undefined);
  const { jwtVerify, importJWK } = await import('jose');
  const { payload } = await jwtVerify(token, await importJWK(jwk, 'RS256'), { issuer: ISSUER, audience: AUDIENCE, currentDate: new Date(h.clock.ms) });
  t.is(payload.iss, ISSUER);
  await refused(t, tokens.verify(token, options()), 'alg_not_allowed');
});
