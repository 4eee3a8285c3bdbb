/**
 * Bearer JWTs on a secured operation (the Vault's /me accepts HTTPBearer), over HTTP: a token we
 * issued gets through; `alg: none`, an unknown kid, expired, not yet valid, a bad signature, the
 * wrong issuer or audience, another tenant's issuer, and an HS256 token keyed with our public
 * key are all refused with 401.
 */
import test from 'ava';
import { SignJWT, exportJWK, generateKeyPair, base64url } from 'jose';
import { createHmac } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { audiences, issuers } from '../../server/issuers.ts';

let gw: TestGateway;
let issuer: string;
let audience: string;
let userId: string;

test.before(async () => {
  gw = await startTestGateway();
  issuer = issuers.vault(gw.config.publicUrl, 'default');
  audience = audiences.vaultApi(gw.config.publicUrl);
  userId = (await gw.createUser('default')).id;
});
test.after.always(async () => {
  await gw?.stop();
});

const me = (token: string) => fetch(`${gw.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });

async function signed(claims: Record<string, unknown>, options: { iss?: string; aud?: string; exp?: number; nbf?: number; kid?: string } = {}) {
  const key = await gw.services.identity.signingKeys.activeKey(options.iss ?? issuer, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tid: 'default', scope: '', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? key.kid, typ: 'at+jwt' })
    .setIssuer(options.iss ?? issuer)
    .setAudience(options.aud ?? audience)
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(options.exp ?? now + 300)
    .setNotBefore(options.nbf ?? now - 1)
    .setJti(`jti-${Math.random()}`)
    .sign(key.privateKey);
}

async function refused(t: any, token: string, why: string) {
  const r = await me(token);
  t.is(r.status, 401, why);
  const body = await r.json();
  t.is(typeof body.detail, 'string');
  t.regex(r.headers.get('www-authenticate') ?? '', /Bearer/);
}

test('a token the gateway issued is accepted', async (t) => {
  const { token } = await gw.services.identity.tokens.issue({ issuer, audience: [audience], subject: userId, ttlSeconds: 60, claims: { tid: 'default', scope: '' }, typ: 'at+jwt' });
  const r = await me(token);
  t.not(r.status, 401);
  t.not(r.status, 403);
  t.not((await me(await signed({}))).status, 401);
});

test('a token bound to a session is refused on every Vault endpoint once the session ends', async (t) => {
  const { completeLogin } = await import('../../server/identity/vault/login-continuation.ts');
  const { endSession } = await import('../../server/identity/sessions.ts');
  const { sessionId } = await completeLogin(gw.services, { tenantId: 'default', userId, method: 'zkimg', needVerify: false, ip: '127.0.0.1', userAgent: 'test' });
  const token = await signed({ sid: sessionId });
  t.not((await me(token)).status, 401, 'accepted while the session lives');
  t.true(await endSession(gw.services.store, 'default', sessionId, 'logout'));
  await refused(t, token, 'session ended');
});

test('alg none is refused', async (t) => {
  const good = await signed({});
  const [, payload] = good.split('.');
  const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
  await refused(t, `${header}.${payload}.`, 'alg none');
});

test('an unknown kid, and a kid-less token, are refused', async (t) => {
  const { privateKey } = await generateKeyPair('EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const forged = await new SignJWT({ tid: 'default' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'not-a-kid-we-know' })
    .setIssuer(issuer).setAudience(audience).setSubject(userId).setExpirationTime(now + 60)
    .sign(privateKey);
  await refused(t, forged, 'unknown kid');
  const noKid = await new SignJWT({ tid: 'default' })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(issuer).setAudience(audience).setSubject(userId).setExpirationTime(now + 60)
    .sign(privateKey);
  await refused(t, noKid, 'no kid');
});

test('an attacker key claiming our kid does not verify (bad signature)', async (t) => {
  const ours = await gw.services.identity.signingKeys.activeKey(issuer, 'EdDSA');
  const { privateKey } = await generateKeyPair('EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const forged = await new SignJWT({ tid: 'default' })
    .setProtectedHeader({ alg: 'EdDSA', kid: ours.kid })
    .setIssuer(issuer).setAudience(audience).setSubject(userId).setExpirationTime(now + 60)
    .sign(privateKey);
  await refused(t, forged, 'bad signature');
  const good = await signed({});
  const flipped = good.slice(0, -3) + (good.at(-3) === 'A' ? 'B' : 'A') + good.slice(-2);
  await refused(t, flipped, 'tampered signature');
  const [h, , s] = good.split('.');
  const escalated = `${h}.${base64url.encode(JSON.stringify({ sub: userId, tid: 'default', scope: 'tenants:admin', iss: issuer, aud: audience, exp: now + 60 }))}.${s}`;
  await refused(t, escalated, 'payload changed under a valid signature');
});

test('expired and not-yet-valid tokens are refused (beyond the clock tolerance)', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  await refused(t, await signed({}, { exp: now - 120 }), 'expired');
  await refused(t, await signed({}, { nbf: now + 600, exp: now + 900 }), 'not yet valid');
});

test('wrong issuer, wrong audience, and a token of another tenant issuer are refused', async (t) => {
  await refused(t, await signed({}, { aud: 'https://somewhere.else/api' }), 'wrong audience');
  const foreignIssuer = 'https://evil.example/api/oidc/default';
  const { privateKey } = await generateKeyPair('EdDSA');
  const now = Math.floor(Date.now() / 1000);
  const evil = await new SignJWT({ tid: 'default' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'x' })
    .setIssuer(foreignIssuer).setAudience(audience).setSubject(userId).setExpirationTime(now + 60)
    .sign(privateKey);
  await refused(t, evil, 'foreign issuer');
  // A token from tenant "other"'s issuer that claims tid=default: its keys are not default's.
  const other = await gw.createTenant();
  const otherIssuer = issuers.vault(gw.config.publicUrl, other);
  const crossTenant = await signed({ tid: 'default' }, { iss: otherIssuer });
  const r = await fetch(`${gw.url}/api/users/default`, { headers: { Authorization: `Bearer ${crossTenant}` } });
  t.true(r.status === 401 || r.status === 403, `cross-tenant token answered ${r.status}`);
});

test('HS256 signed with our public key as the HMAC secret is refused', async (t) => {
  const key = await gw.services.identity.signingKeys.activeKey(issuer, 'EdDSA');
  const jwks = await gw.services.identity.signingKeys.jwks(issuer);
  const publicJwk = jwks.keys.find((k) => k.kid === key.kid) ?? (await exportJWK(key.privateKey));
  const secrets = [JSON.stringify(publicJwk), String(publicJwk.x)];
  const now = Math.floor(Date.now() / 1000);
  for (const secret of secrets) {
    const header = base64url.encode(JSON.stringify({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' }));
    const payload = base64url.encode(JSON.stringify({ sub: userId, tid: 'default', iss: issuer, aud: audience, exp: now + 60 }));
    const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    await refused(t, `${header}.${payload}.${mac}`, 'HS256 confusion');
  }
});

test('garbage in the Authorization header is a 401, never a 500', async (t) => {
  for (const token of ['a.b.c', 'x', '....', 'eyJhbGciOiJFZERTQSJ9.e30.', 'é'.repeat(50)]) {
    const r = await fetch(`${gw.url}/api/me`, { headers: { Authorization: `Bearer ${encodeURIComponent(token)}` } });
    t.is(r.status, 401, token);
  }
});
