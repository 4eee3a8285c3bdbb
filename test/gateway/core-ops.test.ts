/**
 * The operator API over the crypto core, through the generated gateway client: status, a refused
 * candidate (the old core keeps serving, the refusal is recorded with its reason), a taken swap,
 * rollback, history, and the desired-core record that other instances converge on.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_WASM_URL } from '../../core-wasm/js/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
let wasm: Uint8Array;
let variant: Uint8Array;

/** The same module with a custom section appended (WebAssembly §5.5.3): other bytes, same code. */
function withCustomSection(module: Uint8Array, name: string): Uint8Array {
  const nameBytes = Buffer.from(name);
  const payload = Buffer.concat([Buffer.from([nameBytes.length]), nameBytes]);
  return new Uint8Array(Buffer.concat([module, Buffer.from([0, payload.length]), payload]));
}
test.before(async () => {
  gw = await startTestGateway();
  wasm = new Uint8Array(await readFile(fileURLToPath(DEFAULT_WASM_URL)));
  variant = withCustomSection(wasm, 'gateway-test-variant');
});
test.after.always(async () => {
  await gw?.stop();
});

test.serial('status names the serving core and where it came from', async (t) => {
  const { data, response } = await gw.clients.admin.gateway.GET('/core');
  t.is(response.status, 200);
  t.is(data?.active.name, 'wasm');
  t.is(data?.active.source, 'built-in');
  t.regex(data?.active.sha256 ?? '', /^[0-9a-f]{64}$/);
  t.false(data?.onReference);
});

test.serial('a truncated module is refused with a reason; the old core keeps serving', async (t) => {
  const before = (await gw.clients.admin.gateway.GET('/core')).data;
  const { error, response } = await gw.clients.admin.gateway.POST('/core/swap', { body: wasm.slice(0, 100) as never });
  t.is(response.status, 422);
  t.regex(error?.detail ?? '', /\w+/);
  const after = (await gw.clients.admin.gateway.GET('/core')).data;
  t.is(after?.active.sha256, before?.active.sha256);
  const history = (await gw.clients.admin.gateway.GET('/core/history', { params: { query: { limit: 5 } } })).data;
  const refusal = history?.events.find((e) => e.kind === 'refusal');
  t.truthy(refusal, 'the refusal is in the history');
  t.is(refusal?.reason, error?.detail);
  t.regex(refusal?.actor ?? '', /^key:/);
});

test.serial('a valid module is taken (source upload); rollback returns to the previous core', async (t) => {
  const swapped = await gw.clients.admin.gateway.POST('/core/swap', { body: variant as never });
  t.is(swapped.response.status, 200);
  t.is(swapped.data?.active.source, 'upload');
  t.is(swapped.data?.previous?.source, 'built-in');
  t.not(swapped.data?.active.sha256, swapped.data?.previous?.sha256);
  const desired = await gw.services.store.meta.findOne({ _id: 'desiredCore' });
  t.truthy(desired, 'the desired core is recorded for the other instances');

  const rolled = await gw.clients.admin.gateway.POST('/core/rollback');
  t.is(rolled.response.status, 200);
  t.is(rolled.data?.active.source, 'built-in');
  const kinds = (await gw.clients.admin.gateway.GET('/core/history')).data?.events.map((e) => e.kind);
  t.deepEqual(kinds?.slice(0, 2), ['rollback', 'swap']);
});

test.serial('swapping to the module that already serves is refused', async (t) => {
  const { response, error } = await gw.clients.admin.gateway.POST('/core/swap', { body: wasm as never });
  t.is(response.status, 422);
  t.regex(error?.detail ?? '', /already/);
});

test.serial('the core operations need gateway:admin', async (t) => {
  const { value } = await gw.createApiKey('default', ['users:read']);
  const r = await fetch(`${gw.url}/gateway/v1/core/swap`, { method: 'POST', headers: { 'X-API-Key': value, 'content-type': 'application/octet-stream' }, body: Buffer.from(variant) });
  t.is(r.status, 403);
  t.is((await gw.clients.admin.gateway.GET('/core')).data?.active.source, 'built-in', 'nothing changed');
});

test.serial('metrics show requests by operation and the serving core; docs list the five specs', async (t) => {
  const metrics = await (await fetch(`${gw.url}/metrics`)).text();
  t.regex(metrics, /gateway_http_requests_total\{api="gateway",operation="swapCore",status="422"\} 2/);
  t.regex(metrics, /gateway_crypto_core_info\{name="wasm",version="[0-9a-f]+",on_reference="false"\} 1/);
  t.regex(metrics, /gateway_database_up 1/);
  t.regex(metrics, /gateway_http_request_duration_seconds_bucket/);
  const docs = await (await fetch(`${gw.url}/docs/`)).text();
  for (const name of ['directory-session', 'secrets-vault', 'passkeys', 'token-exchange', 'gateway']) {
    t.true(docs.includes(`href="/docs/${name}"`), name);
    const spec = await (await fetch(`${gw.url}/docs/${name}/openapi.json`)).json();
    t.regex(spec.openapi, /^3\.1/);
    const page = await fetch(`${gw.url}/docs/${name}`);
    t.is(page.status, 200);
  }
  const asset = await fetch(`${gw.url}/docs/assets/swagger-ui-bundle.js`);
  t.is(asset.status, 200, 'the docs UI is served locally, not from a CDN');
});
