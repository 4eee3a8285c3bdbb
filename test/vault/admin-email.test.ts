/**
 * Update Email: a new address confirmed by a fresh zkimg-1 proof of the user (email-change.ts).
 * The challenge comes from Get Challenge; the proof key (the commitment's public Y, n, r) that
 * Update Email verifies against is recorded on the challenge here, as Get Challenge is to record
 * it (see email-change.ts), so these tests exercise the verification itself.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import * as zk from '../helpers/zkimg-client.ts';
import { prepareLogin, registered, type TestUser } from './auth-helpers.ts';
import { loose, uniqueId, vaultWithKey } from './admin-helpers.ts';
import type { components } from '../../generated/secrets-vault/schema.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
  // Users enrol through Register, which the tenant must allow; the refusals below all come from
  // one address, so the per-IP lockout limit is raised out of their way.
  const open = await gw.clients.admin.vault.PUT('/tenants/{tenant_id}', {
    params: { path: { tenant_id: TENANT } },
    body: loose<components['schemas']['TenantUpdate']>({ display_name: 'Default', register_enable: true, block_config: { ip_attempts_limit: 1000 } }),
  });
  if (open.response.status !== 200) throw new Error(`updateTenant: ${open.response.status}`);
});
test.after.always(async () => {
  await gw?.stop();
});

const TENANT = 'default';

async function userWithKey(): Promise<{ user: TestUser; id: string; key: string }> {
  const user = await registered(gw, { username: uniqueId('em') });
  const doc = await gw.services.identity.users.getByUsername(TENANT, user.username);
  const key = await gw.createApiKey(TENANT, ['account'], doc!._id);
  return { user, id: doc!._id, key: key.value };
}

/**
 * A fresh proof for `user`. Get Challenge records the commitment's public part on the challenge
 * (checked here); `recordKey: false` removes it, as a challenge from before that rule would be.
 */
async function freshProof(user: TestUser, opts: { recordKey?: boolean } = {}) {
  const { challenge, body } = await prepareLogin(gw, user);
  const stored = await gw.services.store.zkimgChallenges.findOne({ _id: challenge.id });
  if (stored?.proofKey?.Y !== zk.b64u(user.enrolment.Y) || stored.proofKey.n !== challenge.n || stored.proofKey.r !== challenge.r) {
    throw new Error('Get Challenge did not record the proof key');
  }
  if (opts.recordKey === false) {
    await gw.services.store.zkimgChallenges.updateOne({ _id: challenge.id }, { $unset: { proofKey: '' } });
  }
  return { challenge_id: body.challenge_id, challenge_data: body.challenge_data };
}

const put = (key: string, userId: string, body: { challenge_id: string; challenge_data: string; email: string }, tenantId = TENANT) =>
  vaultWithKey(gw, key).PUT('/users/{tenant_id}/{user_id}/email', { params: { path: { tenant_id: tenantId, user_id: userId } }, body });

test('the user changes its own address with a fresh proof: unverified until confirmed, the old address told', async (t) => {
  const { user, id, key } = await userWithKey();
  await gw.services.identity.users.update(TENANT, id, { emailVerified: true });
  const email = `${uniqueId('new')}@example.org`;
  const r = await put(key, id, { ...(await freshProof(user)), email: `  ${email} ` });
  t.is(r.response.status, 200);
  t.is(r.data, null);
  const me = await vaultWithKey(gw, key).GET('/me');
  t.is(me.data!.email, email);
  t.false(me.data!.is_verified);
  const told = await gw.services.identity.outbox.list({ to: user.email, purpose: 'email_changed' });
  t.is(told.length, 1);
});

test('a proof answers once: the same challenge again is 401', async (t) => {
  const { user, id, key } = await userWithKey();
  const proof = await freshProof(user);
  t.is((await put(key, id, { ...proof, email: `${uniqueId('a')}@example.org` })).response.status, 200);
  const again = await put(key, id, { ...proof, email: `${uniqueId('b')}@example.org` });
  t.is(again.response.status, 401);
  t.regex((again.error as { detail: string }).detail, /zkimg-1 proof/);
});

test('tampered proofs, malformed data, a challenge without proof key and another user\'s challenge are refused and counted', async (t) => {
  const { user, id, key } = await userWithKey();
  const before = (await gw.services.identity.users.get(TENANT, id))!.email;
  const good = await freshProof(user);
  const parsed = JSON.parse(Buffer.from(good.challenge_data, 'base64url').toString('utf8')) as { R: string; s: string; errors: string };
  const s = zk.fromB64u(parsed.s);
  s[0] ^= 1;
  const tampered = zk.b64u(new TextEncoder().encode(JSON.stringify({ ...parsed, s: zk.b64u(s) })));
  t.is((await put(key, id, { challenge_id: good.challenge_id, challenge_data: tampered, email: 'x1@example.org' })).response.status, 401);
  t.is((await put(key, id, { ...(await freshProof(user)), challenge_data: 'not-json', email: 'x2@example.org' })).response.status, 401);
  t.is((await put(key, id, { ...(await freshProof(user, { recordKey: false })), email: 'x3@example.org' })).response.status, 401);
  const other = await userWithKey();
  t.is((await put(key, id, { ...(await freshProof(other.user)), email: 'x4@example.org' })).response.status, 401, 'a proof of another user');
  t.is((await gw.services.identity.users.get(TENANT, id))!.email, before);
  const failures = await gw.services.store.auditLog.find({ target: id, action: 'user.email_change', outcome: 'failure' }).toArray();
  t.deepEqual(failures.map((f) => f.details.reason).sort(), ['challenge_without_proof_key', 'malformed_proof', 'proof:equation-failed', 'stale_challenge'].sort());
});

test('address rules: malformed is 422; another user\'s address (any case) is 409; the same address keeps verification', async (t) => {
  const { user, id, key } = await userWithKey();
  t.is((await put(key, id, { ...(await freshProof(user)), email: 'not an address' })).response.status, 422);
  const other = await userWithKey();
  const taken = await put(key, id, { ...(await freshProof(user)), email: other.user.email.toUpperCase() });
  t.is(taken.response.status, 409);
  await gw.services.identity.users.update(TENANT, id, { emailVerified: true });
  const same = await put(key, id, { ...(await freshProof(user)), email: user.email.toUpperCase() });
  t.is(same.response.status, 200);
  t.true((await gw.services.identity.users.get(TENANT, id))!.emailVerified);
});

test('who may: another user of the tenant is 403; users:write may (with the user\'s proof); another tenant is 403; unknown user 404', async (t) => {
  const { user, id } = await userWithKey();
  const stranger = await userWithKey();
  t.is((await put(stranger.key, id, { ...(await freshProof(user)), email: 'y1@example.org' })).response.status, 403);
  const admin = (await gw.createApiKey(TENANT, ['users:write'])).value;
  t.is((await put(admin, id, { ...(await freshProof(user)), email: `${uniqueId('y2')}@example.org` })).response.status, 200);
  const tenantB = await gw.createTenant(uniqueId('eb'));
  const keyB = (await gw.createApiKey(tenantB, ['users:write'])).value;
  t.is((await put(keyB, id, { ...(await freshProof(user)), email: 'y3@example.org' })).response.status, 403, 'the router keeps B out of A\'s path');
  t.is((await put(keyB, id, { ...(await freshProof(user)), email: 'y4@example.org' }, tenantB)).response.status, 404, 'A\'s user id under B\'s path is not found');
  t.is((await put(admin, 'no-such-user', { challenge_id: 'x', challenge_data: 'x', email: 'y5@example.org' })).response.status, 404);
  t.is((await put(admin, id, {} as never)).response.status, 422);
});
