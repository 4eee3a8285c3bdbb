// The provider's rule modules against their specifications' own examples, and the single-use
// guarantees under concurrency (guarded single-document updates, no transactions).
import test from 'ava';
import { sha512 } from '@noble/hashes/sha2.js';
import { startHarness, type Harness } from '../identity/_harness.ts';
import { isValidCodeChallenge, s256Challenge, verifyPkce } from '../../server/identity/oauth/pkce.ts';
import { accessTokenHash } from '../../server/identity/oauth/id-token.ts';
import { issueAuthorizationCode, redeemAuthorizationCode } from '../../server/identity/oauth/authorization-codes.ts';
import { issueRefreshToken, useRefreshToken } from '../../server/identity/oauth/refresh-tokens.ts';
import { completeLogin } from '../../server/identity/vault/login-continuation.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

test('PKCE S256: RFC 7636 Appendix B, and the verifier grammar of §4.1', (t) => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
  t.is(s256Challenge(verifier), challenge);
  t.true(verifyPkce(verifier, challenge));
  t.false(verifyPkce(verifier.replace('d', 'e'), challenge));
  t.false(verifyPkce(verifier.slice(0, 42), s256Challenge(verifier.slice(0, 42))), 'shorter than 43 characters');
  t.false(verifyPkce('a'.repeat(129), s256Challenge('a'.repeat(129))), 'longer than 128 characters');
  t.false(verifyPkce(`${'a'.repeat(42)}+`, s256Challenge(`${'a'.repeat(42)}+`)), 'outside the unreserved set');
  t.true(isValidCodeChallenge(challenge));
  t.false(isValidCodeChallenge(`${challenge}=`));
  t.false(isValidCodeChallenge(verifier.slice(0, 42)));
});

test('at_hash: OpenID Connect Core Appendix A.3 (RS256 → SHA-256), and SHA-512 for EdDSA', (t) => {
  t.is(accessTokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256'), '77QmUPtjPfzWtF2AnpK9RQ');
  // Left half of SHA-512 (computed here with @noble/hashes, independently of node:crypto).
  const half = Buffer.from(sha512(new TextEncoder().encode('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y')).subarray(0, 32)).toString('base64url');
  t.is(accessTokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'EdDSA'), half);
});

const codeInput = (tenantId: string) => ({
  tenantId,
  clientId: 'c',
  redirectUri: 'https://rp.test/cb',
  codeChallenge: null,
  codeChallengeMethod: null,
  nonce: null,
  scope: ['openid'],
  userId: 'u',
  sessionId: 's',
  authTime: new Date(),
});

test('an authorization code redeemed by 8 concurrent requests is redeemed exactly once; the rest are replays', async (t) => {
  const code = await issueAuthorizationCode(h.store, codeInput('race'));
  const outcomes = await Promise.all(Array.from({ length: 8 }, () => redeemAuthorizationCode(h.store, 'race', code)));
  t.is(outcomes.filter((o) => o.outcome === 'redeemed').length, 1);
  t.is(outcomes.filter((o) => o.outcome === 'replayed').length, 7);
  t.deepEqual(await redeemAuthorizationCode(h.store, 'other-tenant', code), { outcome: 'unknown' });
  t.is((await h.store.authorizationCodes.findOne({ tenantId: 'race' }))?._id.length, 64, 'stored as its SHA-256');
});

test('a refresh token stored before families named their issuer (the Vault\'s) still rotates at the endpoint that issued it', async (t) => {
  const { sessionId } = await completeLogin({ store: h.store }, { tenantId: 'rt', userId: 'u', method: 'zkimg', needVerify: false, ip: '', userAgent: '' });
  const token = await issueRefreshToken(h.store, { tenantId: 'rt', clientId: 'legacy', userId: 'u', sessionId, familyId: 'legacy-fam', scope: ['openid'], authTime: new Date() }, new Date(Date.now() + 86_400_000));
  t.is((await useRefreshToken(h.store, 'rt', 'legacy', 'https://gw.example/api/oidc/rt', token)).outcome, 'rotated');
});

test('a refresh token used by 8 concurrent requests rotates once; the others are reuse, which revokes the family and ends the session', async (t) => {
  const { sessionId } = await completeLogin({ store: h.store }, { tenantId: 'rt', userId: 'u', method: 'zkimg', needVerify: false, ip: '', userAgent: '' });
  const ISS = 'https://gw.example/api/oidc/rt';
  const input = { tenantId: 'rt', clientId: 'c', userId: 'u', sessionId, familyId: 'fam', issuer: ISS, scope: ['openid'], authTime: new Date() };
  const far = new Date(Date.now() + 86_400_000);
  const token = await issueRefreshToken(h.store, input, far);
  const sibling = await issueRefreshToken(h.store, { ...input, familyId: 'other-family' }, far);
  t.deepEqual(await useRefreshToken(h.store, 'rt', 'another-client', ISS, token), { outcome: 'invalid' }, 'another client cannot use nor burn it');
  t.deepEqual(await useRefreshToken(h.store, 'rt', 'c', 'https://gw.example/fido2/v2', token), { outcome: 'invalid' }, "another API's token endpoint cannot use nor burn it");
  const uses = await Promise.all(Array.from({ length: 8 }, () => useRefreshToken(h.store, 'rt', 'c', ISS, token)));
  t.is(uses.filter((u) => u.outcome === 'rotated').length, 1);
  t.is(uses.filter((u) => u.outcome === 'reused').length, 7);
  t.is(await h.store.refreshTokens.countDocuments({ familyId: 'fam', revokedAt: null }), 0);
  t.deepEqual(await useRefreshToken(h.store, 'rt', 'c', ISS, sibling), { outcome: 'invalid' }, 'the session ended, so its other tokens are revoked too');
  t.truthy((await h.store.sessions.findOne({ _id: sessionId }))?.endedAt);
});
