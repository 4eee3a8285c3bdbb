import test from 'ava';
import { ManualClock, startHarness, type Harness } from './_harness.ts';
import type { MailTransport } from '../../server/identity/outbox.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

test('the outbox stores e-mail and SMS messages and lists them by recipient, channel and tenant, newest first', async (t) => {
  const clock = new ManualClock();
  const { outbox } = h.identity({ clock: clock.now });
  await outbox.send({ tenantId: 'ob', channel: 'email', to: 'alice@example.com', subject: 'Reset', body: 'code 123456', purpose: 'password_reset' });
  clock.advance(1);
  await outbox.send({ tenantId: 'ob', channel: 'sms', to: '+15550100', body: 'code 654321', purpose: 'otp' });
  clock.advance(1);
  await outbox.send({ tenantId: 'ob', channel: 'email', to: 'alice@example.com', subject: 'Verify', body: 'code 111111', purpose: 'email_verification' });
  const alice = await outbox.list({ to: 'alice@example.com' });
  t.deepEqual(alice.map((m) => m.subject), ['Verify', 'Reset']);
  t.true(alice.every((m) => m.status === 'stored'));
  t.deepEqual((await outbox.list({ tenantId: 'ob', channel: 'sms' })).map((m) => m.body), ['code 654321']);
  t.deepEqual((await outbox.list({ tenantId: 'ob', purpose: 'password_reset' })).map((m) => m.body), ['code 123456']);
  clock.advance(25 * 3600);
  t.deepEqual(await outbox.list({ tenantId: 'ob' }), []);
});

test('with a mail transport, e-mails are sent and recorded as sent or failed; SMS stays stored', async (t) => {
  const sent: string[] = [];
  const transport: MailTransport = {
    async sendMail(mail) {
      if (mail.to.endsWith('@bounce.test')) throw new Error('550 mailbox unavailable');
      sent.push(`${mail.to}|${mail.subject}|${mail.text}`);
      return {};
    },
  };
  const { outbox } = h.identity({ mailTransport: transport, smtpFrom: 'noreply@gateway.test' });
  const ok = await outbox.send({ tenantId: 'mail', channel: 'email', to: 'bob@example.com', subject: 'Hi', body: 'hello', purpose: 'test' });
  const bad = await outbox.send({ tenantId: 'mail', channel: 'email', to: 'x@bounce.test', subject: 'Hi', body: 'hello', purpose: 'test' });
  const sms = await outbox.send({ tenantId: 'mail', channel: 'sms', to: '+15550101', body: 'hello', purpose: 'test' });
  t.deepEqual(sent, ['bob@example.com|Hi|hello']);
  const delivered = await h.store.outbox.findOne({ _id: ok._id });
  t.is(delivered?.status, 'sent');
  t.false(delivered?.body.includes('hello'), 'a delivered message keeps no body (it may carry a one-time code)');
  const failed = await h.store.outbox.findOne({ _id: bad._id });
  t.is(failed?.status, 'failed');
  t.is(failed?.body, 'hello', 'an undelivered one keeps it, for a retry or an operator');
  t.is(failed?.error, '550 mailbox unavailable');
  t.is((await h.store.outbox.findOne({ _id: sms._id }))?.status, 'stored');
});

test('audit events are recorded per tenant, listed newest first, filtered by action, and expire after the retention', async (t) => {
  const clock = new ManualClock();
  const { audit } = h.identity({ clock: clock.now, auditRetentionDays: 1 });
  await audit.record({ tenantId: 'aud', actor: { type: 'anonymous' }, action: 'login.zkimg', outcome: 'failure', ip: '192.0.2.7', details: { reason: 'equation-failed' } });
  clock.advance(1);
  await audit.record({ tenantId: 'aud', actor: { type: 'user', id: 'u1' }, action: 'login.zkimg', outcome: 'success', ip: '192.0.2.7' });
  clock.advance(1);
  await audit.record({ tenantId: 'aud', actor: { type: 'api_key', id: 'k1' }, action: 'api_key.revoke', outcome: 'success', target: 'k2' });
  await audit.record({ tenantId: 'elsewhere', actor: { type: 'system' }, action: 'login.zkimg', outcome: 'success' });
  const all = await audit.list('aud');
  t.deepEqual(all.map((e) => `${e.action}:${e.outcome}`), ['api_key.revoke:success', 'login.zkimg:success', 'login.zkimg:failure']);
  t.is(all[2].ip, '192.0.2.7');
  t.deepEqual(all[2].details, { reason: 'equation-failed' });
  t.is(all[0].actorId, 'k1');
  t.is((await audit.list('aud', { action: 'login.zkimg' })).length, 2);
  clock.advance(86_400);
  t.deepEqual(await audit.list('aud'), []);
});
