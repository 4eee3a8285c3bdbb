// authorize is anonymous and stores an auth request per call: each
// address may open AUTH_REQUESTS_PER_ADDRESS_PER_MINUTE per tenant and minute; the next one is a
// 429 in the Vault shape with Retry-After, and stores nothing.
import test from 'ava';
import { createHash } from 'node:crypto';
import { AUTH_REQUESTS_PER_ADDRESS_PER_MINUTE, rateLimitAddress } from '../../server/identity/vault/auth-requests.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { REDIRECT, setupTenant, visit } from './_oidc.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

const query = (clientId: string) => ({
  response_type: 'code',
  client_id: clientId,
  redirect_uri: REDIRECT,
  scope: 'openid',
  state: 'st',
  code_challenge: createHash('sha256').update('verifier-of-the-limit-test-that-is-long-enough').digest('base64url'),
  code_challenge_method: 'S256',
});

/**
 * The limiter counts in fixed one-minute windows: a run that began near the end of one would be
 * split over two. Waits for the next window when fewer than 10 s of this one are left.
 */
async function freshWindow(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

test('the request after the limit is 429 with Retry-After and stores nothing; other tenants and refused requests are not counted', async (t) => {
  const s = await setupTenant(gw);
  const other = await setupTenant(gw);
  const clientId = (await s.client({ type: 'public' })).client.clientId;
  const otherClientId = (await other.client({ type: 'public' })).client.clientId;
  const url = (issuer: string, id: string, q: Record<string, string> = {}) => `${issuer}/authorize?${new URLSearchParams({ ...query(id), ...q })}`;
  await freshWindow();

  // Requests refused by the checks store nothing and are not counted.
  for (let i = 0; i < 5; i++) t.is((await visit(url(s.issuer, 'no-such-client'))).status, 400);

  const statuses: number[] = [];
  for (let batch = 0; batch < AUTH_REQUESTS_PER_ADDRESS_PER_MINUTE; batch += 20) {
    const n = Math.min(20, AUTH_REQUESTS_PER_ADDRESS_PER_MINUTE - batch);
    statuses.push(...(await Promise.all(Array.from({ length: n }, () => visit(url(s.issuer, clientId))))).map((r) => r.status));
  }
  t.deepEqual(statuses, Array(AUTH_REQUESTS_PER_ADDRESS_PER_MINUTE).fill(302));

  const over = await gw.clients.anonymous.vault.GET('/oidc/{tenant_id}/authorize', { params: { path: { tenant_id: s.tenantId }, query: query(clientId) }, redirect: 'manual' });
  t.is(over.response.status, 429);
  t.is(typeof (over.error as { detail?: unknown }).detail, 'string');
  const retryAfter = Number(over.response.headers.get('retry-after'));
  t.true(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  t.is(await gw.services.store.authRequests.countDocuments({ tenantId: s.tenantId }), AUTH_REQUESTS_PER_ADDRESS_PER_MINUTE);

  // The limit is per tenant: the same address still starts a login elsewhere.
  const elsewhere = await visit(url(other.issuer, otherClientId));
  t.is(elsewhere.status, 302);
  t.is(elsewhere.location?.searchParams.has('auth_req_id'), true);
});

test('addresses counted: IPv4 as is (also IPv6-mapped), IPv6 by its /64', (t) => {
  t.is(rateLimitAddress('203.0.113.7'), '203.0.113.7');
  t.is(rateLimitAddress('::ffff:203.0.113.7'), '203.0.113.7');
  t.is(rateLimitAddress('2001:db8:85a3:7:1111:8a2e:370:7334'), rateLimitAddress('2001:0db8:85a3:0007::1'));
  t.not(rateLimitAddress('2001:db8:85a3:7::1'), rateLimitAddress('2001:db8:85a3:8::1'));
  t.is(rateLimitAddress('2001:db8::1'), '2001:db8:0:0::/64');
});
