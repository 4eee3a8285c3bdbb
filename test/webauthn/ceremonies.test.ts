/**
 * The API-neutral WebAuthn ceremonies (server/identity/webauthn/): WebAuthn L3 JSON in and out,
 * pending ceremonies bound to an opaque session and a purpose, registration of a user who does
 * not exist yet, and every refusal as a reason, never an HTTP error. Each test plays the attacker
 * against one rule: another session, another purpose, another user, a replay.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { createReferenceCore } from '../../core-wasm/js/index.ts';
import { authenticationOptions, verifyAssertion } from '../../server/identity/webauthn/authentication.ts';
import { pendingCeremonyTenant } from '../../server/identity/webauthn/ceremonies.ts';
import { findByCredentialId, listUserCredentials } from '../../server/identity/webauthn/credentials.ts';
import { completeRegistration, registrationOptions, saveRegisteredCredential, verifyRegistration } from '../../server/identity/webauthn/registration.ts';
import { relyingPartyOf } from '../../server/identity/webauthn/relying-party.ts';
import { SoftwareAuthenticator } from '../helpers/software-authenticator.ts';
import { startHarness, type Harness } from '../identity/_harness.ts';

const rp = relyingPartyOf('http://gateway.test');
const core = createReferenceCore();
let h: Harness;

test.before(async () => {
  h = await startHarness();
});
test.after.always(async () => {
  await h?.close();
});

const reg = (r: ReturnType<SoftwareAuthenticator['register']>) => r as unknown as RegistrationResponseJSON;
const auth = (a: ReturnType<SoftwareAuthenticator['login']>) => a as unknown as AuthenticationResponseJSON;

async function newUserOptions(tenantId: string, userId = randomUUID()) {
  const result = await registrationOptions(h.store, {
    rp,
    rpName: 'Example',
    tenantId,
    user: { id: userId, name: `new-${userId.slice(0, 6)}`, displayName: 'New User', exists: false },
    userVerification: 'required',
  });
  return { ...result, userId };
}

async function registered(tenantId: string, authenticator = new SoftwareAuthenticator()) {
  const userId = randomUUID();
  const { options } = await registrationOptions(h.store, {
    rp,
    rpName: 'Example',
    tenantId,
    user: { id: userId, name: `u-${userId.slice(0, 6)}`, displayName: '', exists: true },
    userVerification: 'required',
  });
  const result = await completeRegistration(h.store, { rp, tenantId, binding: { userId } }, reg(authenticator.register(options, { origin: rp.origin })));
  if (!result.ok) throw new Error(result.reason);
  return { userId, authenticator, credential: result.credential };
}

test('a first passkey for a user who does not exist yet: options by session, verified, stored only when the caller saves it', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const { options, session, userId } = await newUserOptions(tenantId);
  t.is(typeof session, 'string');
  t.true(session.length >= 22, 'the session carries at least 128 bits');
  t.deepEqual(options.excludeCredentials, []);
  t.is(options.user.name.startsWith('new-'), true);
  t.is(await pendingCeremonyTenant(h.store, { session }, 'registration'), tenantId);

  const response = reg(new SoftwareAuthenticator().register(options, { origin: rp.origin }));
  const verified = await verifyRegistration(h.store, { rp, tenantId, binding: { session }, name: 'Laptop' }, response);
  if (!verified.ok) return t.fail(verified.reason);
  t.is(verified.ceremony.userId, userId);
  t.deepEqual(verified.ceremony.newUser, { name: options.user.name, displayName: 'New User' });
  t.is(verified.credential.userId, userId);
  t.deepEqual(await listUserCredentials(h.store, tenantId, userId), [], 'nothing stored before the caller creates the user');

  const saved = await saveRegisteredCredential(h.store, verified.credential);
  if (!saved.ok) return t.fail(saved.reason);
  t.is(saved.credential.name, 'Laptop');
  t.is((await listUserCredentials(h.store, tenantId, userId)).length, 1);

  // The session answered once.
  const again = await verifyRegistration(h.store, { rp, tenantId, binding: { session } }, response);
  t.like(again, { ok: false, reason: 'stale_challenge' });
});

test('a registration is found only by its own session, in its own tenant: another ceremony\'s session, another user, another tenant are refused', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const a = await newUserOptions(tenantId);
  const b = await newUserOptions(tenantId);
  const response = reg(new SoftwareAuthenticator().register(a.options, { origin: rp.origin }));
  t.like(await verifyRegistration(h.store, { rp, tenantId, binding: { session: b.session } }, response), { ok: false, reason: 'stale_challenge' });
  t.like(await verifyRegistration(h.store, { rp, tenantId, binding: { userId: b.userId } }, response), { ok: false, reason: 'stale_challenge' });
  t.like(await verifyRegistration(h.store, { rp, tenantId: `t-${randomUUID()}`, binding: { session: a.session } }, response), { ok: false, reason: 'stale_challenge' });
  // None of the refusals spent a's ceremony.
  t.like(await verifyRegistration(h.store, { rp, tenantId, binding: { session: a.session } }, response), { ok: true });
});

test('registration failures are reasons: malformed client data, a wrong origin, a duplicate credential', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const authenticator = new SoftwareAuthenticator();
  const first = await newUserOptions(tenantId);
  const bad = reg(authenticator.register(first.options, { origin: rp.origin }));
  const malformed = { ...bad, response: { ...bad.response, clientDataJSON: Buffer.from('not json').toString('base64url') } };
  t.like(await verifyRegistration(h.store, { rp, tenantId, binding: { session: first.session } }, malformed), { ok: false, reason: 'malformed_client_data' });

  const second = await newUserOptions(tenantId);
  const wrongOrigin = reg(authenticator.register(second.options, { origin: 'https://evil.example' }));
  t.like(await verifyRegistration(h.store, { rp, tenantId, binding: { session: second.session } }, wrongOrigin), { ok: false, reason: 'attestation' });

  const { credential, userId } = await registered(tenantId);
  const third = await newUserOptions(tenantId);
  const dup = reg(authenticator.register(third.options, { origin: rp.origin, credentialId: credential.credentialId }));
  const verified = await verifyRegistration(h.store, { rp, tenantId, binding: { session: third.session } }, dup);
  if (!verified.ok) return t.fail(verified.reason);
  t.like(await saveRegisteredCredential(h.store, verified.credential), { ok: false, reason: 'already_registered' });
  t.is((await findByCredentialId(h.store, tenantId, credential.credentialId))?.userId, userId, 'the first owner keeps the credential');
});

test('a login returns its session and ceremony; binary members that are not base64url are a malformed response, not a thrown error', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const { userId, authenticator, credential } = await registered(tenantId);
  const { options, session } = await authenticationOptions(h.store, { rp, tenantId, byUsername: true, userId, userVerification: 'required' });
  t.is(typeof session, 'string');
  const assertion = auth(authenticator.login(options, { origin: rp.origin }));
  const plusSlash = { ...assertion, response: { ...assertion.response, signature: Buffer.from(assertion.response.signature, 'base64url').toString('base64') + '+/' } };
  const refused = await verifyAssertion({ store: h.store, core }, { rp, tenantId, credential, ip: null, userAgent: null }, plusSlash);
  t.like(refused, { ok: false, reason: 'malformed_response' });

  const accepted = await verifyAssertion({ store: h.store, core }, { rp, tenantId, credential, ip: '192.0.2.1', userAgent: 'ua', session }, assertion);
  if (!accepted.ok) return t.fail(accepted.reason);
  t.is(accepted.ceremony.session, session);
  t.is(accepted.ceremony.purpose, 'authentication');
  t.is(accepted.credential.signCount, 1);
});

test('a transaction is confirmed only with its own session, and a transaction ceremony is no login (nor a login ceremony a transaction)', async (t) => {
  const tenantId = `t-${randomUUID()}`;
  const { userId, authenticator, credential } = await registered(tenantId);
  const transaction = { id: 'tx-1', hash: Buffer.alloc(32, 7).toString('base64url') };
  const tx = await authenticationOptions(h.store, { rp, tenantId, byUsername: true, userId, userVerification: 'required', transaction });
  const deps = { store: h.store, core };
  const base = { rp, tenantId, ip: null, userAgent: null };

  let fresh = await findByCredentialId(h.store, tenantId, credential.credentialId);
  const asLogin = auth(authenticator.login(tx.options, { origin: rp.origin }));
  t.like(await verifyAssertion(deps, { ...base, credential: fresh }, asLogin), { ok: false, reason: 'stale_challenge' }, 'a transaction ceremony cannot log in');
  t.like(await verifyAssertion(deps, { ...base, credential: fresh, purpose: 'transaction' }, asLogin), { ok: false, reason: 'stale_challenge' }, 'no session, no transaction');
  const other = await authenticationOptions(h.store, { rp, tenantId, byUsername: true, userId, userVerification: 'required', transaction: { id: 'tx-2', hash: transaction.hash } });
  t.like(await verifyAssertion(deps, { ...base, credential: fresh, purpose: 'transaction', session: other.session }, asLogin), { ok: false, reason: 'stale_challenge' });

  const confirmed = await verifyAssertion(deps, { ...base, credential: fresh, purpose: 'transaction', session: tx.session }, asLogin);
  if (!confirmed.ok) return t.fail(confirmed.reason);
  t.deepEqual(confirmed.ceremony.transaction, transaction);
  t.is(confirmed.ceremony.purpose, 'transaction');

  const login = await authenticationOptions(h.store, { rp, tenantId, byUsername: true, userId, userVerification: 'required' });
  fresh = await findByCredentialId(h.store, tenantId, credential.credentialId);
  const loginAssertion = auth(authenticator.login(login.options, { origin: rp.origin }));
  t.like(
    await verifyAssertion(deps, { ...base, credential: fresh, purpose: 'transaction', session: login.session }, loginAssertion),
    { ok: false, reason: 'stale_challenge' },
    'a login ceremony confirms no transaction',
  );
});
