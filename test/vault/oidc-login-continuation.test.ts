// The login continuation on a real embedded store: nonces single use, bound to their auth request
// and tenant, step-up enforced before redemption.
import test from 'ava';
import { startHarness, type Harness } from '../identity/_harness.ts';
import { createAuthRequest } from '../../server/identity/vault/auth-requests.ts';
import { completeLogin, redeemLoginNonce, stepUpLogin } from '../../server/identity/vault/login-continuation.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

const services = () => ({ store: h.store });
const request = (tenantId: string) =>
  createAuthRequest(h.store, { tenantId, clientId: 'c', redirectUri: 'https://rp.test/cb', scope: ['openid'], state: 's', nonce: 'n', codeChallenge: null, codeChallengeMethod: null });
const login = { userId: 'u1', method: 'zkimg' as const, ip: '127.0.0.1', userAgent: 'ava' };

test('a login nonce is redeemed once, only for its own auth request and tenant', async (t) => {
  const req = await request('t1');
  const other = await request('t1');
  const { nonce, sessionId } = await completeLogin(services(), { ...login, tenantId: 't1', needVerify: false, authReqId: req._id });
  const session = await h.store.sessions.findOne({ _id: sessionId });
  t.is(session?.userId, 'u1');
  t.is((await h.store.loginNonces.findOne({ authReqId: req._id }))?._id.length, 64, 'stored as a SHA-256, not the nonce');
  t.deepEqual(await redeemLoginNonce(services(), { tenantId: 't2', authReqId: req._id, nonce }), { ok: false, reason: 'invalid' });
  t.deepEqual(await redeemLoginNonce(services(), { tenantId: 't1', authReqId: other._id, nonce }), { ok: false, reason: 'invalid' });
  const first = await redeemLoginNonce(services(), { tenantId: 't1', authReqId: req._id, nonce });
  t.true(first.ok);
  t.deepEqual(await redeemLoginNonce(services(), { tenantId: 't1', authReqId: req._id, nonce }), { ok: false, reason: 'invalid' });
});

test('a login for another tenant\'s auth request is refused', async (t) => {
  const req = await request('t1');
  await t.throwsAsync(completeLogin(services(), { ...login, tenantId: 't2', needVerify: false, authReqId: req._id }), { message: /auth_req_id/ });
});

test('a login that needs verification is redeemable only after the step-up', async (t) => {
  const req = await request('t1');
  const { nonce } = await completeLogin(services(), { ...login, tenantId: 't1', needVerify: true, authReqId: req._id });
  t.deepEqual(await redeemLoginNonce(services(), { tenantId: 't1', authReqId: req._id, nonce }), { ok: false, reason: 'step_up_required' });
  t.is(await stepUpLogin(services(), { tenantId: 't1', userId: 'someone-else', authReqId: req._id }), null);
  const stepped = await stepUpLogin(services(), { tenantId: 't1', userId: 'u1', authReqId: req._id });
  t.truthy(stepped);
  // The original nonce works after the step-up, and so does the fresh one; each once.
  t.true((await redeemLoginNonce(services(), { tenantId: 't1', authReqId: req._id, nonce })).ok);
  t.true((await redeemLoginNonce(services(), { tenantId: 't1', authReqId: req._id, nonce: stepped!.nonce })).ok);
  t.false((await redeemLoginNonce(services(), { tenantId: 't1', authReqId: req._id, nonce: stepped!.nonce })).ok);
});

test('an expired nonce is refused', async (t) => {
  const req = await request('t1');
  const { nonce } = await completeLogin(services(), { ...login, tenantId: 't1', needVerify: false, authReqId: req._id });
  await h.store.loginNonces.updateMany({ authReqId: req._id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  t.deepEqual(await redeemLoginNonce(services(), { tenantId: 't1', authReqId: req._id, nonce }), { ok: false, reason: 'invalid' });
});
