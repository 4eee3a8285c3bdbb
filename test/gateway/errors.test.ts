/**
 * Bad input gets a clean error in each API's own shape (docs/architecture.md, Errors): malformed
 * bodies, missing required parameters, wrong enums, over-long strings, unknown paths and methods,
 * oversized bodies. Nothing ever carries a stack trace or an internal message.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(async () => {
  await gw?.stop();
});

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(gw.url + path, init);
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, text, headers: res.headers };
}

const json = (body: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

function noLeak(t: any, text: string) {
  t.notRegex(text, /\bat .+\(.+:\d+:\d+\)|node_modules|\.ts:\d+|Error:/, 'no stack trace or internal error text');
}

const shapes = {
  vault(t: any, r: Awaited<ReturnType<typeof call>>, status: number) {
    t.is(r.status, status, r.text);
    if (status === 422) {
      t.true(Array.isArray(r.body.detail), r.text);
      for (const d of r.body.detail) {
        t.true(Array.isArray(d.loc));
        t.is(typeof d.msg, 'string');
        t.is(typeof d.type, 'string');
      }
    } else {
      t.is(typeof r.body.detail, 'string', r.text);
    }
    noLeak(t, r.text);
  },
  directory(t: any, r: Awaited<ReturnType<typeof call>>, status: number) {
    t.is(r.status, status, r.text);
    t.is(r.body.error, true);
    t.regex(r.body.code, /^E_[A-Za-z]+$/);
    t.regex(r.body.uuid, /^[0-9a-f-]{36}$/);
    noLeak(t, r.text);
  },
  passkeys(t: any, r: Awaited<ReturnType<typeof call>>, status: number) {
    t.is(r.status, status, r.text);
    t.is(typeof r.body.msg, 'string');
    t.regex(r.body.msgCode, /^[a-z_]+$/);
    noLeak(t, r.text);
  },
  conjure(t: any, r: Awaited<ReturnType<typeof call>>, status: number) {
    t.is(r.status, status, r.text);
    t.regex(r.body.errorCode, /^[A-Z_]+$/);
    t.regex(r.body.errorName, /^[A-Z][A-Za-z0-9]*:[A-Z][A-Za-z0-9]*$/);
    t.regex(r.body.errorInstanceId, /^[0-9a-f-]{36}$/);
    t.is(typeof r.body.parameters, 'object');
    noLeak(t, r.text);
  },
  problem(t: any, r: Awaited<ReturnType<typeof call>>, status: number) {
    t.is(r.status, status, r.text);
    t.is(r.body.status, status);
    t.is(typeof r.body.title, 'string');
    t.regex(r.body.errorId, /^[0-9a-f-]{36}$/);
    noLeak(t, r.text);
  },
};

test('vault: malformed JSON, missing field, wrong enum, over-long string, unknown path, 405, 413', async (t) => {
  const key = { 'X-API-Key': gw.adminKey };
  shapes.vault(t, await call('/api/auth/register', json('{"username": ')), 422);
  const missing = await call('/api/auth/register', json('{}'));
  shapes.vault(t, missing, 422);
  t.true(missing.body.detail.some((d: any) => d.loc.join('.') === 'body.username' && d.type === 'required'));
  const wrongEnum = await call('/api/users/default?sort_by=shoe_size', { headers: key });
  shapes.vault(t, wrongEnum, 422);
  t.deepEqual(wrongEnum.body.detail[0].loc, ['query', 'sort_by']);
  const tooLong = await call(`/api/users/default?username=${'a'.repeat(129)}`, { headers: key });
  shapes.vault(t, tooLong, 422);
  t.deepEqual(tooLong.body.detail[0].loc, ['query', 'username']);
  shapes.vault(t, await call('/api/no/such/thing'), 404);
  const wrongMethod = await call('/api/me', { method: 'DELETE', headers: key });
  shapes.vault(t, wrongMethod, 405);
  t.is(wrongMethod.headers.get('allow'), 'GET');
  shapes.vault(t, await call('/api/auth/register', json(JSON.stringify({ pad: 'x'.repeat(1_100_000) }))), 413);
});

test("query values with RFC 3986 sub-delims, as openapi-fetch and curl send them, are accepted", async (t) => {
  const key = { 'X-API-Key': gw.adminKey };
  const users = await call("/api/users/default?username=(o'k)*!&email=a+b", { headers: key });
  t.is(users.status, 200, users.text);
  const scim = await call('/api/scim/v2/default/Users?filter=(userName%20eq%20"x")%20or%20(active%20eq%20true)', { headers: key });
  t.is(scim.status, 200, scim.text);
});

test('vault: SCIM operations answer RFC 7644 errors', async (t) => {
  const r = await call('/api/scim/v2/default/Users?count=-5', { headers: { 'X-API-Key': gw.adminKey } });
  t.true(r.status === 400 || r.status === 422, r.text);
  t.deepEqual(r.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  t.is(r.body.status, String(r.status));
  noLeak(t, r.text);
});

test('directory: missing required parameter, wrong enum, unknown path', async (t) => {
  shapes.directory(t, await call('/directory/api/directorysession/authenticate?redirecturl=https://app.example/cb'), 400);
  shapes.directory(t, await call('/directory/api/directorysession/authenticate?claims=access:everything&redirecturl=https://app.example/cb'), 400);
  shapes.directory(t, await call('/directory/api/directorysession/nothing-here'), 404);
  shapes.directory(t, await call('/directory/api/directorysession/heartbeat', { method: 'DELETE' }), 405);
});

test('passkeys: malformed body, missing field, unknown path, oversized body', async (t) => {
  shapes.passkeys(t, await call('/fido2/v2/auth/init', json('[1,2')), 400);
  const missing = await call('/fido2/v2/auth/init', json('{}'));
  shapes.passkeys(t, missing, 400);
  t.true(missing.body.errs.some((e: any) => e.path === '/body/app'));
  shapes.passkeys(t, await call('/fido2/v2/nope'), 404);
  shapes.passkeys(t, await call('/fido2/v2/auth/init', json(JSON.stringify({ pad: 'x'.repeat(1_100_000) }))), 413);
});

test('token exchange: Conjure errors for validation, unknown paths, both prefixes', async (t) => {
  shapes.conjure(t, await call('/authorization/v1/access-token', json('{}')), 400);
  shapes.conjure(t, await call('/api-key-internal/v1/access-token', json('{"apiKeyValue": 5}')), 400);
  shapes.conjure(t, await call('/authorization/v1/not-a-route'), 404);
  shapes.conjure(t, await call('/authorization/v1/access-token', json('{not json')), 400);
});

test('gateway API: problem documents; unsupported media type', async (t) => {
  const key = { 'X-API-Key': gw.adminKey };
  shapes.problem(t, await call('/gateway/v1/core/history?limit=9999', { headers: key }), 400);
  shapes.problem(t, await call('/gateway/v1/core/history?before=yesterday', { headers: key }), 400);
  shapes.problem(t, await call('/gateway/v1/nothing', { headers: key }), 404);
  const wrongType = await call('/gateway/v1/core/swap', { method: 'POST', headers: { ...key, 'content-type': 'text/plain' }, body: 'hello' });
  t.true(wrongType.status === 415 || wrongType.status === 400, wrongType.text);
  shapes.problem(t, wrongType, wrongType.status);
});

test('outside every API: JSON 404, request id echoed, security headers', async (t) => {
  const r = await call('/no-such-api', { headers: { 'X-Request-Id': 'trace-1234567890' } });
  t.is(r.status, 404);
  t.is(r.headers.get('x-request-id'), 'trace-1234567890');
  t.is(r.body.requestId, 'trace-1234567890');
  t.is(r.headers.get('x-content-type-options'), 'nosniff');
  t.truthy(r.headers.get('content-security-policy'));
});
