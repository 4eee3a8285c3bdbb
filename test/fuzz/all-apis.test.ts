/**
 * The spec-driven fuzz suite: every operation of the five specs, a valid request sampled from
 * its schemas and the named mutations of test/fuzz/_requests.ts, each sent without credentials,
 * with a garbage credential and with the admin key. No 5xx, every error in its API's shape with
 * an error id, no internal detail in any body, no injected header, every request answered in
 * bounded time, and the gateway still healthy afterwards. The seed is fixed here; `npm run fuzz`
 * runs longer with a fresh one.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { API_NAMES, fuzzApi, summarize } from './_run.ts';

const BODY_LIMIT = 64 * 1024;
let gw: TestGateway;

test.before(async () => {
  gw = await startTestGateway({ BODY_LIMIT_BYTES: String(BODY_LIMIT), MAX_IN_FLIGHT: '100000' });
});
test.after.always(async () => {
  await gw?.stop();
});

test.serial('the gateway refuses the first byte of a bad request in the shape of the operation (a SCIM body on a SCIM route)', async (t) => {
  const res = await fetch(`${gw.url}/api/scim/v2/default/Users`, {
    method: 'POST',
    headers: { 'X-API-Key': gw.adminKey, 'Content-Type': 'application/scim+json', 'Content-Encoding': 'gzip' },
    body: 'not gzip',
  });
  t.is(res.status, 400);
  const body = (await res.json()) as { schemas: string[]; status: string };
  t.deepEqual(body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  t.is(body.status, '400');
});

test.serial('what Node\'s HTTP parser refuses (a 17 KB request line) gets 431 with an error id, in the shape of the API the path names', async (t) => {
  const { request } = await import('node:http');
  const send = (path: string) =>
    new Promise<{ status: number; errorId?: string; body: string }>((resolve, reject) => {
      const req = request(`${gw.url}${path}`, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, errorId: res.headers['x-error-id'] as string | undefined, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const long = 'a'.repeat(17 * 1024);
  const vault = await send(`/api/users/${long}`);
  t.is(vault.status, 431);
  t.truthy(vault.errorId);
  t.regex(JSON.parse(vault.body).detail, /too large/);
  const passkeys = await send(`/fido2/v2/mgmt/user?username=${long}`);
  t.is(passkeys.status, 431);
  t.like(JSON.parse(passkeys.body), { msgCode: 'bad_request' });
});

for (const api of API_NAMES) {
  test.serial(`${api}: no 5xx, errors in the API's shape, nothing leaked or injected`, async (t) => {
    const report = await fuzzApi(api, { baseUrl: gw.url, adminKey: gw.adminKey, seed: 0x5eed, randomRuns: 4, bodyLimit: BODY_LIMIT });
    t.log(`${api}: ${report.operations} operations, ${report.requests} requests, statuses ${JSON.stringify(report.byStatus)}`);
    t.true(report.requests > report.operations * 3, 'every operation got its mutations');
    t.deepEqual(report.findings.length, 0, summarize(report.findings));
    const health = await fetch(`${gw.url}/healthz`);
    t.is(health.status, 200);
  });
}
