// The provider's rule modules against their specifications' own examples, and the single-use
// guarantees under concurrency (guarded single-document updates, no transactions).
import test from 'ava';
import { sha512 } from '@noble/hashes/sha2.js';
import { startHarness, type Harness } from '../identity/_harness.ts';
import { isValidCodeChallenge, s256Challenge, verifyPkce } from '../../server/identity/oauth/pkce.ts';
import { accessTokenHash } from '../../server/identity/oauth/id-token.ts';
import { issueAuthorizationCode, redeemAuthorizationCode } from '../../server/identity/oauth/authorization-codes.ts';
import { startRefreshFamily, useRefreshToken } from '../../server/identity/oauth/refresh-tokens.ts';
import { hashSecret, randomSecret } from '../../server/identity/secrets/hash.ts';
import { endSession } from '../../server/identity/sessions.ts';
import type { LegacyRefreshTokenDoc } from '../../server/store/collections.ts';
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

const ISS = 'https://gw.example/api/oidc/rt';
const FAR = () => new Date(Date.now() + 86_400_000);
const ISSUE = { ip: '192.0.2.7', userAgent: 'ava' };

async function family(familyId: string, sessionId?: string) {
  const sid = sessionId ?? (await completeLogin({ store: h.store }, { tenantId: 'rt', userId: 'u', method: 'zkimg', needVerify: false, ip: '', userAgent: '' })).sessionId;
  const grant = { tenantId: 'rt', clientId: 'c', userId: 'u', sessionId: sid, familyId, issuer: ISS, scope: ['openid'], authTime: new Date() };
  const { token } = await startRefreshFamily(h.store, grant, FAR(), ISSUE);
  return { sessionId: sid, token };
}

/** A refresh token as versions before family documents stored it: one document, `_id` its SHA-256, maybe no issuer. */
async function storedByEarlierVersion(sessionId: string, familyId: string, issuer?: string): Promise<string> {
  const token = randomSecret(32);
  const now = new Date();
  const doc: LegacyRefreshTokenDoc = {
    _id: hashSecret(token), tenantId: 'rt', clientId: 'c', userId: 'u', sessionId, familyId, ...(issuer ? { issuer } : {}), scope: ['openid'], authTime: now,
    createdAt: now, expiresAt: FAR(), rotatedAt: null, revokedAt: null, revokedReason: null,
  };
  await h.store.refreshTokens.insertOne(doc);
  return token;
}

// ISS plays the Vault, whose profile redeems tokens stored without an issuer (TokenProfile.redeemsUnboundRefreshTokens).
const use = (token: string, clientId = 'c', issuer = ISS, now?: Date) => useRefreshToken(h.store, 'rt', clientId, issuer, token, ISSUE, now, { redeemsUnbound: issuer === ISS });

test('a family is one document: each rotation replaces its current secret in place and records the issue', async (t) => {
  const { token } = await family('one-doc');
  const first = await use(token);
  if (first.outcome !== 'rotated') return t.fail(first.outcome);
  const second = await use(first.token);
  if (second.outcome !== 'rotated') return t.fail(second.outcome);
  const docs = await h.store.refreshTokens.find({ familyId: 'one-doc' }).toArray();
  t.is(docs.length, 1);
  t.like(docs[0], { rotations: 2, current: hashSecret(second.token.split('.')[1]!), issueIp: ISSUE.ip, issueUserAgent: ISSUE.userAgent, issuer: ISS });
  t.is(docs[0]!._id, hashSecret(token.split('.')[0]!), 'found by its key\'s hash; no token value is stored');
  t.false(JSON.stringify(docs[0]).includes(second.token.split('.')[1]!));
});

test('a refresh token stored one document per token by an earlier version (without an issuer: the Vault\'s) rotates once more, into a family document', async (t) => {
  const { sessionId } = await family('unrelated');
  const vaults = await storedByEarlierVersion(sessionId, 'legacy-fam');
  t.deepEqual(await use(vaults, 'c', 'https://gw.example/fido2/v2'), { outcome: 'invalid' }, 'without an issuer it is the Vault\'s only: another API\'s endpoint neither uses nor burns it');
  const migrated = await use(vaults);
  if (migrated.outcome !== 'rotated') return t.fail(migrated.outcome);
  t.deepEqual(await use(migrated.token, 'c', 'https://gw.example/fido2/v2'), { outcome: 'invalid' }, 'its family is bound to the issuer it was redeemed at');
  t.is((await use(migrated.token)).outcome, 'rotated');

  const stored = await storedByEarlierVersion(sessionId, 'legacy-fam-2', ISS);
  t.deepEqual(await use(stored, 'another-client'), { outcome: 'invalid' }, 'another client cannot use nor burn it');
  t.deepEqual(await use(stored, 'c', 'https://gw.example/fido2/v2'), { outcome: 'invalid' }, "another API's token endpoint cannot use nor burn it");
  const rotated = await use(stored);
  if (rotated.outcome !== 'rotated') return t.fail(rotated.outcome);
  t.regex(rotated.token, /^[\w-]{22}\.[\w-]{43}$/, 'its successor is of the family layout');
  t.truthy((await h.store.refreshTokens.findOne({ _id: hashSecret(stored) }) as LegacyRefreshTokenDoc | null)?.rotatedAt, 'spent in its own document');
  const families = await h.store.refreshTokens.find({ familyId: 'legacy-fam-2', current: { $exists: true } }).toArray();
  t.is(families.length, 1);
  t.like(families[0], { issuer: ISS, sessionId, userId: 'u', scope: ['openid'] });
  const next = await use(rotated.token);
  t.is(next.outcome, 'rotated', 'and the family rotates from there');

  // The stored token again is reuse: both layouts of the family are revoked and the session ends.
  t.is((await use(stored)).outcome, 'reused');
  t.is(await h.store.refreshTokens.countDocuments({ familyId: 'legacy-fam-2', revokedAt: null }), 0);
  t.truthy((await h.store.sessions.findOne({ _id: sessionId }))?.endedAt);
  if (next.outcome === 'rotated') t.deepEqual(await use(next.token), { outcome: 'invalid' });
});

test('a refresh token used by 8 concurrent requests rotates once; the others are reuse, which revokes the family and ends the session', async (t) => {
  const { sessionId, token } = await family('fam');
  const sibling = await family('other-family', sessionId);
  t.deepEqual(await use(token, 'another-client'), { outcome: 'invalid' }, 'another client cannot use nor burn it');
  t.deepEqual(await use(token, 'c', 'https://gw.example/fido2/v2'), { outcome: 'invalid' }, "another API's token endpoint cannot use nor burn it");
  const uses = await Promise.all(Array.from({ length: 8 }, () => use(token)));
  t.is(uses.filter((u) => u.outcome === 'rotated').length, 1);
  t.is(uses.filter((u) => u.outcome === 'reused').length, 7);
  t.is(await h.store.refreshTokens.countDocuments({ familyId: 'fam', revokedAt: null }), 0);
  const winner = uses.find((u) => u.outcome === 'rotated');
  if (winner?.outcome === 'rotated') t.deepEqual(await use(winner.token), { outcome: 'invalid' }, "the winner's successor is revoked with its family");
  t.deepEqual(await use(sibling.token), { outcome: 'invalid' }, 'the session ended, so its other families are revoked too');
  t.truthy((await h.store.sessions.findOne({ _id: sessionId }))?.endedAt);
});

test('a token presented again many rotations later is still reuse; a wrong key, an expired or a revoked family\'s current token is only invalid', async (t) => {
  const { sessionId, token } = await family('long');
  let current = token;
  for (let i = 0; i < 40; i++) {
    const r = await use(current);
    if (r.outcome !== 'rotated') return t.fail(`rotation ${i}: ${r.outcome}`);
    current = r.token;
  }
  const [key, secret] = current.split('.') as [string, string];
  t.deepEqual(await use(`${randomSecret(16)}.${secret}`), { outcome: 'invalid' }, 'a key naming no family');
  t.deepEqual(await use(`${key}.${secret}`, 'c', ISS, new Date(Date.now() + 31 * 86_400_000)), { outcome: 'invalid' }, 'expired: not reuse');
  t.is(await h.store.refreshTokens.countDocuments({ familyId: 'long', revokedAt: null }), 1, 'nothing revoked so far');
  t.is((await use(token)).outcome, 'reused', 'the first token, 40 rotations back');
  t.truthy((await h.store.sessions.findOne({ _id: sessionId }))?.endedAt);
  t.deepEqual(await use(current), { outcome: 'invalid' }, 'the current token of a revoked family');

  const other = await family('revoked-by-logout');
  await endSession(h.store, 'rt', other.sessionId, 'logout');
  t.deepEqual(await use(other.token), { outcome: 'invalid' });
  t.like(await h.store.refreshTokens.findOne({ familyId: 'revoked-by-logout' }), { revokedReason: 'logout' });
});
