// zkimg-1 at the HTTP level (docs/zkimg-1.md): Register, Get Challenge and Authenticate
// through the generated Vault client, every "Test data" case of the protocol page, and the
// tampering list. Lockout limits are raised in this file's tenant so that the refusals under test
// are not cut short by a block (lockout has its own file).
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import * as zk from '../helpers/zkimg-client.ts';
import { agoMs, authenticateBody, authRequestFor, challenge, newUser, prepareLogin, register, registered, setVaultSettings, type TestUser } from './auth-helpers.ts';

let gw: TestGateway;
const HIGH_LIMITS = { ip_attempts_limit: 100_000, ip_attempts_reset_minutes: 1, user_attempts_limit: 100_000, user_timeframe_seconds: 60, initial_block_seconds: 1, max_block_time_minutes: 1 };

let big: TestUser;
let small: TestUser;
test.before(async () => {
  gw = await startTestGateway();
  await setVaultSettings(gw, 'default', { register_enable: true, block_config: HIGH_LIMITS });
  big = await registered(gw, { dim: [256, 256] });
  small = await registered(gw, { dim: [64, 64] });
});
test.after.always(() => gw?.stop());

const pct = (user: TestUser, percent: number) => zk.flipsForPercent(user.dim[0] * user.dim[1], percent);

test('full zkimg-1 flow: register (201 null), challenge, authenticate, login recorded as a session', async (t) => {
  const user = newUser();
  const reg = await register(gw, user);
  t.is(reg.response.status, 201);
  t.is(reg.data, null);

  // The commitment is stored sealed under the master key, not as the client sent it.
  const dbUser = await gw.services.identity.users.getByUsername('default', user.username);
  const stored = await gw.services.store.zkimgCommitments.findOne({ _id: dbUser!._id });
  t.truthy(stored);
  t.false(stored!.sealed.includes(user.enrolment.encryptedCommitment));
  t.is(gw.services.identity.sealer.openText('zkimg-commitment', stored!.sealed), user.enrolment.encryptedCommitment);

  const c = await challenge(gw, user);
  t.is(c.response.status, 200);
  t.is(c.data!.proto_version, 'zkimg-1');
  const parsed = zk.parseChallengeData(c.data!.challenge_data);
  t.deepEqual(parsed.helper, user.enrolment.helper, 'challenge_data carries the enrolled helper');
  t.is(parsed.n, 4096);
  t.is(parsed.r, 15);
  t.deepEqual(parsed.dim, [64, 64]);
  t.is(parsed.alg, 'seeded-test-v1');
  t.regex(parsed.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const record = await gw.services.store.zkimgChallenges.findOne({ _id: parsed.id });
  t.is(Math.round((record!.expiresAt.getTime() - record!.createdAt.getTime()) / 1000), 120);

  const { body } = zk.answerChallenge({ challengeData: c.data!.challenge_data, template: user.template, Y: user.enrolment.Y, username: user.username, cipherKey: user.cipherKey });
  const a = await authenticateBody(gw, user, body);
  t.is(a.response.status, 200, JSON.stringify(a.error));
  t.false(a.data!.need_verify);
  t.true(a.data!.nonce.length >= 32);
  const sessions = await gw.services.store.sessions.find({ userId: dbUser!._id }).toArray();
  t.is(sessions.length, 1);
  t.is(sessions[0]!.method, 'zkimg');
});

test('register: proto_version other than zkimg-1 is 422; duplicate username is 409; bad shapes are 422', async (t) => {
  const user = newUser();
  const wrongProto = await gw.clients.anonymous.vault.POST('/auth/register', { body: { ...zk.registerBody(user.enrolment, user.username, user.email), proto_version: 'zkimg-2' } });
  t.is(wrongProto.response.status, 422);
  t.deepEqual((wrongProto.error as { detail: { loc: unknown[] }[] }).detail[0]!.loc, ['body', 'proto_version']);

  const tooShort = await gw.clients.anonymous.vault.POST('/auth/register', { body: { ...zk.registerBody(user.enrolment, user.username, user.email), encrypted_commitment: 'A'.repeat(39) } });
  t.is(tooShort.response.status, 422);
  const notBase64 = await gw.clients.anonymous.vault.POST('/auth/register', { body: { ...zk.registerBody(user.enrolment, user.username, user.email), encrypted_commitment: 'A'.repeat(41) } });
  t.is(notBase64.response.status, 422, '41 base64url characters cannot be a whole number of bytes');
  const tooBig = await gw.clients.anonymous.vault.POST('/auth/register', { body: { ...zk.registerBody(user.enrolment, user.username, user.email), encrypted_commitment: 'A'.repeat(409_604) } });
  t.is(tooBig.response.status, 422, '409,604 characters decode to 307,203 bytes > 300 KiB');
  const badName = await gw.clients.anonymous.vault.POST('/auth/register', { body: { ...zk.registerBody(user.enrolment, 'no spaces', user.email) } });
  t.is(badName.response.status, 422);

  t.is((await register(gw, user)).response.status, 201);
  const again = await register(gw, { ...user, email: 'other@example.test' });
  t.is(again.response.status, 409);
  t.regex((again.error as { detail: string }).detail, /already registered/);
  const otherCase = await register(gw, { ...user, username: user.username.toUpperCase() });
  t.is(otherCase.response.status, 409, 'usernames are unique case-insensitively');
});

test('register needs the tenant\'s register_enable; auth_req_id selects the tenant', async (t) => {
  const tenantId = await gw.createTenant();
  const authReqId = await authRequestFor(gw, tenantId);
  const user = newUser({ tenantId, authReqId });
  const closed = await register(gw, user);
  t.is(closed.response.status, 403);
  await setVaultSettings(gw, tenantId, { register_enable: true, block_config: HIGH_LIMITS });
  t.is((await register(gw, user)).response.status, 201);
  t.truthy(await gw.services.identity.users.getByUsername(tenantId, user.username));
  t.is(await gw.services.identity.users.getByUsername('default', user.username), null);
  const unknown = await register(gw, { ...newUser(), authReqId: 'no-such-request' });
  t.is(unknown.response.status, 400);

  // Logging in with the auth request moves it on: the nonce is bound to it.
  const { body } = await prepareLogin(gw, user, 0);
  const a = await authenticateBody(gw, user, body);
  t.is(a.response.status, 200, JSON.stringify(a.error));
  const nonces = await gw.services.store.loginNonces.find({ authReqId }).toArray();
  t.is(nonces.length, 1);
  t.is(nonces[0]!.tenantId, tenantId);
});

// ------------------------------------------------------------------ Test data: 256 x 256 (r = 255)

for (const [percent, needVerify] of [[0, false], [10, false], [24.9, true]] as const) {
  test(`256x256: ${percent} % flipped bits are accepted, need_verify ${needVerify}`, async (t) => {
    const { body, proof } = await prepareLogin(gw, big, pct(big, percent), `p${percent}`);
    t.is(proof.errorBits, pct(big, percent), 'the repetition code recovered k: errors are exactly the flips');
    const a = await authenticateBody(gw, big, body);
    t.is(a.response.status, 200, JSON.stringify(a.error));
    t.is(a.data!.need_verify, needVerify);
  });
}

for (const percent of [25.1, 40]) {
  test(`256x256: ${percent} % flipped bits decode but are refused by max_ber`, async (t) => {
    const { body, proof } = await prepareLogin(gw, big, pct(big, percent), `p${percent}`);
    if (percent < 30) {
      t.is(proof.errorBits, pct(big, percent));
    } else {
      // At 40 % a group of r = 255 code bits now and then holds more flips than not (the flip
      // positions follow the random username), and that group decodes to the other
      // bit with r - flips errors: the count is then near, not equal to, the flips, and still far
      // above max_ber.
      t.true(Math.abs(proof.errorBits - pct(big, percent)) < 255 * 4);
      t.true(proof.errorBits > 0.25 * 256 * 255);
    }
    const a = await authenticateBody(gw, big, body);
    t.is(a.response.status, 401);
    t.regex((a.error as { detail: string }).detail, /above the tenant's limit/);
  });
}

// ------------------------------------------------------------------ Test data: 64 x 64 (r = 15)

for (const percent of [0, 5]) {
  test(`64x64: ${percent} % flipped bits are accepted`, async (t) => {
    const { body } = await prepareLogin(gw, small, pct(small, percent), `p${percent}`);
    const a = await authenticateBody(gw, small, body);
    t.is(a.response.status, 200, JSON.stringify(a.error));
    t.false(a.data!.need_verify);
  });
}

test('64x64: 30 % flipped bits are refused; with max_ber lifted, the proof itself fails', async (t) => {
  const { body, proof } = await prepareLogin(gw, small, pct(small, 30), 'p30');
  t.notDeepEqual(proof.k, small.enrolment.k, 'some group failed to decode');
  t.is((await authenticateBody(gw, small, body)).response.status, 401);

  // The same capture in a tenant whose max_ber lets the report through: step 5 refuses.
  const tenantId = await gw.createTenant();
  await setVaultSettings(gw, tenantId, { register_enable: true, block_config: HIGH_LIMITS, zkimg: { max_ber: 0.5, verify_ber: 0.15 } });
  const user = await registered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId), dim: [64, 64] });
  const attempt = await prepareLogin(gw, user, pct(user, 30), 'p30');
  t.notDeepEqual(attempt.proof.k, user.enrolment.k);
  const a = await authenticateBody(gw, user, attempt.body);
  t.is(a.response.status, 401);
  t.is((a.error as { detail: string }).detail, 'The proof does not verify');
});

// ------------------------------------------------------------------ refusals, both sizes

for (const size of ['256x256', '64x64'] as const) {
  const who = () => (size === '256x256' ? big : small);

  test(`${size}: a wrong cipherKey is refused at challenge and at authenticate`, async (t) => {
    const user = who();
    const c = await challenge(gw, user, 'wrong-cipher-key-0123456789');
    t.is(c.response.status, 401);
    t.is((c.error as { detail: string }).detail, 'Invalid username or key');
    const { body } = await prepareLogin(gw, user, 0);
    const a = await authenticateBody(gw, user, { ...body, cipherKey: 'wrong-cipher-key-0123456789' });
    t.is(a.response.status, 401);
    t.is((a.error as { detail: string }).detail, 'Invalid username or key');
    // The challenge was consumed by that attempt: the right key cannot reuse it.
    t.is((await authenticateBody(gw, user, body)).response.status, 401);
  });

  test(`${size}: a replayed challenge is refused`, async (t) => {
    const user = who();
    const { body } = await prepareLogin(gw, user, 0);
    t.is((await authenticateBody(gw, user, body)).response.status, 200);
    const replay = await authenticateBody(gw, user, body);
    t.is(replay.response.status, 401);
    t.regex((replay.error as { detail: string }).detail, /already used/);
  });

  test(`${size}: an expired challenge is refused`, async (t) => {
    const user = who();
    const { body, challenge: ch } = await prepareLogin(gw, user, 0);
    const rec = await gw.services.store.zkimgChallenges.findOne({ _id: ch.id });
    await gw.services.store.zkimgChallenges.updateOne({ _id: ch.id }, { $set: { expiresAt: agoMs(rec!.createdAt, 1)! } });
    const a = await authenticateBody(gw, user, body);
    t.is(a.response.status, 401);
    t.regex((a.error as { detail: string }).detail, /expired/);
  });

  test(`${size}: another user's challenge is refused and stays unused`, async (t) => {
    const user = who();
    const other = await registered(gw, { dim: user.dim });
    const theirs = await prepareLogin(gw, other, 0);
    const mine = await prepareLogin(gw, user, 0);
    const a = await authenticateBody(gw, user, { ...mine.body, challenge_id: theirs.challenge.id });
    t.is(a.response.status, 401);
    t.is((await authenticateBody(gw, other, theirs.body)).response.status, 200, 'the owner can still answer it');
  });

  const tamperings: [string, (p: zk.Proof, body: zk.AuthenticateBody) => zk.AuthenticateBody, RegExp][] = [
    [
      'errors (report adjusted to match)',
      (p, body) => {
        const errors = p.errors.slice();
        errors[0] ^= 0x80;
        const errorBits = zk.popcount(errors);
        return { ...body, challenge_data: zk.proofChallengeData({ ...p, errors }), ber: { ...body.ber, ber: { count_bits: p.countBits, error_bits: errorBits, BER_PERCENT: zk.berPercent(errorBits, p.countBits) } } };
      },
      /proof does not verify/,
    ],
    [
      'errors (report left as it was)',
      (p, body) => {
        const errors = p.errors.slice();
        errors[1] ^= 0x01;
        return { ...body, challenge_data: zk.proofChallengeData({ ...p, errors }) };
      },
      /error_bits does not match/,
    ],
    // R replaced by another valid, canonical point (the base point B).
    ['R', (p, body) => ({ ...body, challenge_data: zk.proofChallengeData({ ...p, R: new Uint8Array(Buffer.from('58' + '66'.repeat(31), 'hex')) }) }), /proof does not verify/],
    ['s', (p, body) => ({ ...body, challenge_data: zk.proofChallengeData({ ...p, s: zk.bigIntToBytesLE((zk.bytesToBigIntLE(p.s) + 1n) % zk.L) }) }), /proof does not verify/],
    ['BER_PERCENT', (p, body) => ({ ...body, ber: { ...body.ber, ber: { ...body.ber.ber, BER_PERCENT: p.berPercent === '0.00' ? '0.01' : '0.00' } } }), /BER_PERCENT does not match/],
    ['BER_PERCENT (one decimal)', (p, body) => ({ ...body, ber: { ...body.ber, ber: { ...body.ber.ber, BER_PERCENT: String(Number(p.berPercent)) + (p.berPercent.endsWith('0') ? '' : '0') } } }), /BER_PERCENT does not match/],
    ['count_bits', (p, body) => ({ ...body, ber: { ...body.ber, ber: { ...body.ber.ber, count_bits: p.countBits + 8 } } }), /count_bits must be/],
    ['s >= L', (p, body) => ({ ...body, challenge_data: zk.proofChallengeData({ ...p, s: zk.bigIntToBytesLE(zk.bytesToBigIntLE(p.s) + zk.L) }) }), /proof does not verify/],
    [
      'non-canonical R',
      (p, body) => {
        const R = new Uint8Array(32).fill(0xff);
        R[0] = 0xed; // y = 2^255 - 19 = p: not below p
        R[31] = 0x7f;
        return { ...body, challenge_data: zk.proofChallengeData({ ...p, R }) };
      },
      /proof does not verify/,
    ],
    ['missing ber report', (_p, body) => ({ ...body, ber: undefined as unknown as zk.AuthenticateBody['ber'] }), /ber report is required/],
    ['errors too short', (p, body) => ({ ...body, challenge_data: zk.proofChallengeData({ ...p, errors: p.errors.subarray(1) }) }), /errors must be exactly/],
    [
      'errors with bits past m',
      (p, body) => {
        const errors = p.errors.slice();
        errors[errors.length - 1] = 1; // both sizes have 256 bits past m = 256 r
        return { ...body, challenge_data: zk.proofChallengeData({ ...p, errors }) };
      },
      /errors must be zero from bit/,
    ],
    ['malformed challenge_data', (_p, body) => ({ ...body, challenge_data: Buffer.from('{"R":1}').toString('base64url') }), /challenge_data must be/],
  ];
  for (const [what, tamper, detail] of tamperings) {
    test(`${size}: tampered ${what} is refused`, async (t) => {
      const user = who();
      const { body, proof } = await prepareLogin(gw, user, pct(user, 5), `tamper-${what}`);
      const a = await authenticateBody(gw, user, tamper(proof, body));
      t.is(a.response.status, 401, JSON.stringify(a.error));
      t.regex((a.error as { detail: string }).detail, detail);
    });
  }
}

test('an unknown user and a wrong cipherKey get the same answer, and both count as failures', async (t) => {
  const unknownUser = { ...small, username: `nobody-${Date.now()}` };
  const a = await challenge(gw, unknownUser);
  const b = await challenge(gw, small, 'wrong-cipher-key-0123456789');
  t.is(a.response.status, b.response.status);
  t.deepEqual(a.error, b.error);
  t.is(a.response.headers.get('www-authenticate'), b.response.headers.get('www-authenticate'));
  const failures = await gw.services.store.auditLog.find({ action: 'login.zkimg.challenge', outcome: 'failure' }).toArray();
  const reasons = failures.map((f) => f.details.reason);
  t.true(reasons.includes('unknown_user'));
  t.true(reasons.includes('wrong_key'));
  const counted = await gw.services.store.loginLockouts.findOne({ _id: `default|user|${unknownUser.username.toLowerCase()}` });
  t.is(counted?.failures, 1, 'an unknown username is counted like a known one');

  // Authenticate: same for an unknown user with a real-looking challenge and for a wrong key.
  const { body } = await prepareLogin(gw, small, 0);
  const x = await authenticateBody(gw, unknownUser, { ...body, username: unknownUser.username });
  const y = await authenticateBody(gw, small, { ...body, cipherKey: 'wrong-cipher-key-0123456789' });
  t.is(x.response.status, 401);
  t.deepEqual(x.error, y.error);
});

test('a disabled user is refused like an unknown one', async (t) => {
  const user = await registered(gw);
  const dbUser = await gw.services.identity.users.getByUsername('default', user.username);
  await gw.services.identity.users.setDisabled('default', dbUser!._id, true);
  const c = await challenge(gw, user);
  t.is(c.response.status, 401);
  t.is((c.error as { detail: string }).detail, 'Invalid username or key');
});

test('liveness policy: with use_liveness, missing or failing evidence sets need_verify, good evidence does not', async (t) => {
  const tenantId = await gw.createTenant();
  await setVaultSettings(gw, tenantId, { register_enable: true, block_config: HIGH_LIMITS, use_liveness: true });
  const user = await registered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId) });
  const good = { status: 'success', similarity: 0.95, evidence: { totalSteps: 5, stepsPassed: 5, stepsFailed: 0, facesDetectedMax: 1, antiSpoofingTriggers: [], timing: { livenessPhaseDurationMs: 6000 } } };
  const cases: [string, unknown, boolean][] = [
    ['no log_data', undefined, true],
    ['good evidence', good, false],
    ['too few steps', { ...good, evidence: { ...good.evidence, stepsPassed: 3 } }, true],
    ['two faces', { ...good, evidence: { ...good.evidence, facesDetectedMax: 2 } }, true],
    ['anti-spoofing trigger', { ...good, evidence: { ...good.evidence, antiSpoofingTriggers: ['screen-replay'] } }, true],
    ['too slow', { ...good, evidence: { ...good.evidence, timing: { livenessPhaseDurationMs: 12_000 } } }, true],
    ['failed status', { ...good, status: 'failed' }, true],
  ];
  for (const [what, logData, needVerify] of cases) {
    user.authReqId = await authRequestFor(gw, tenantId);
    const { body } = await prepareLogin(gw, user, 0);
    const a = await authenticateBody(gw, user, { ...body, ...(logData === undefined ? {} : { log_data: logData }) });
    t.is(a.response.status, 200, what);
    t.is(a.data!.need_verify, needVerify, what);
  }
});

test('a 2FA tenant always asks for the second step', async (t) => {
  const tenantId = await gw.createTenant();
  await setVaultSettings(gw, tenantId, { register_enable: true, block_config: HIGH_LIMITS, is_2fa: true });
  const user = await registered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId) });
  const { body } = await prepareLogin(gw, user, 0);
  const a = await authenticateBody(gw, user, body);
  t.is(a.response.status, 200);
  t.true(a.data!.need_verify);
});
