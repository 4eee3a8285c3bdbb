// The gateway's login page: served with its CSP (no inline script but the hashed import map), every
// module of its script graph loads from the gateway, and the page's own zkimg-1 module (the same
// file the browser runs) registers and logs in against the server.
import test from 'ava';
import { createHash } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import * as zk from '../helpers/zkimg-client.ts';
import * as browser from '../../server/ops/login-page/zkimg-browser.js';
import { authRequestFor, setVaultSettings } from './auth-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
  await setVaultSettings(gw, 'default', { register_enable: true, passkey_enabled: true, display_name: 'Acme <Corp>' });
});
test.after.always(() => gw?.stop());

async function getPage(path: string) {
  const res = await fetch(`${gw.url}${path}`);
  return { res, html: await res.text() };
}

test('the page is served with a CSP that allows only same-origin scripts and the hashed import map', async (t) => {
  const authReqId = await authRequestFor(gw, 'default');
  const { res, html } = await getPage(`/api/oidc/default/login?auth_req_id=${encodeURIComponent(authReqId)}`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type')!, /^text\/html/);
  const csp = res.headers.get('content-security-policy')!;
  const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'))!;
  const inline = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  const importMaps = inline.filter((m) => /type="importmap"/.test(m[1]!));
  t.is(importMaps.length, 1);
  t.true(inline.filter((m) => !/type="importmap"/.test(m[1]!)).every((m) => m[2]!.trim() === '' && /src="/.test(m[1]!)), 'every other script is external');
  const hash = createHash('sha256').update(importMaps[0]![2]!, 'utf8').digest('base64');
  t.is(scriptSrc, `script-src 'self' 'sha256-${hash}'`);
  t.false(csp.includes('unsafe-inline'));
  t.false(csp.includes('unsafe-eval'));
  t.regex(csp, /frame-ancestors 'none'/);
  t.regex(csp, /object-src 'none'/);
  // The tenant's options and the auth request reach the script as escaped data attributes.
  t.true(html.includes(`data-auth-req-id="${authReqId.replace(/-/g, '-')}"`));
  t.true(html.includes('data-passkey-enabled="true"'));
  t.true(html.includes('data-register-enabled="true"'));
  t.true(html.includes('Acme &#60;Corp&#62;'));
  t.false(html.includes('Acme <Corp>'));
});

test('an unknown tenant gets a 404 page, and hostile auth_req_id values are escaped', async (t) => {
  const missing = await getPage('/api/oidc/no-such-tenant/login');
  t.is(missing.res.status, 404);
  const hostile = await getPage(`/api/oidc/default/login?auth_req_id=${encodeURIComponent('"><script>alert(1)</script>')}`);
  t.is(hostile.res.status, 200);
  t.false(hostile.html.includes('<script>alert(1)</script>'));
});

/** Every static import of a module's source (the page's modules and noble's are ESM). */
function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*['"]([^'"]+)['"]/g)].map((m) => (m[1] ?? m[2])!);
}

test('the page\'s script graph resolves: login.js and every module it imports load from the gateway', async (t) => {
  const { html } = await getPage('/api/oidc/default/login');
  const importMap = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!) as { imports: Record<string, string> };
  const entry = /<script type="module" src="([^"]+)"><\/script>/.exec(html)![1]!;
  const stylesheet = /<link rel="stylesheet" href="([^"]+)">/.exec(html)![1]!;
  t.is((await fetch(`${gw.url}${stylesheet}`)).status, 200);

  const resolve = (spec: string, base: string): string => {
    for (const [prefix, target] of Object.entries(importMap.imports)) if (spec.startsWith(prefix)) return target + spec.slice(prefix.length);
    return new URL(spec, `http://x${base}`).pathname;
  };
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await fetch(`${gw.url}${path}`);
    t.is(res.status, 200, path);
    t.regex(res.headers.get('content-type') ?? '', /^text\/javascript/, path);
    for (const spec of importsOf(await res.text())) queue.push(resolve(spec, path));
  }
  t.true(seen.has('/api/oidc/_login/assets/zkimg-browser.js'));
  t.true([...seen].some((p) => p.endsWith('/noble/curves/ed25519.js')));
  t.true([...seen].some((p) => p.includes('/noble/hashes/')));
  t.true(seen.size > 5);
  // Nothing outside the two packages' modules is served.
  for (const path of ['/api/oidc/_login/assets/noble/curves/package.json', '/api/oidc/_login/assets/noble/curves/..%2F..%2Fpackage.json', '/api/oidc/_login/assets/noble/ajv/index.js', '/api/oidc/_login/assets/login-page.ts']) {
    t.is((await fetch(`${gw.url}${path}`)).status, 404, path);
  }
  // login.js is a module that does nothing without the page's DOM (it loads in Node too).
  await t.notThrowsAsync(import('../../server/ops/login-page/login.js'));
});

test('median64-v1: a 64 x 64 image becomes 4,096 bits, half of them above the median', (t) => {
  const rgba = new Uint8ClampedArray(64 * 64 * 4);
  for (let i = 0; i < 64 * 64; i++) {
    const v = (i * 37) % 251;
    rgba.set([v, 255 - v, (v * 3) % 256, 255], 4 * i);
  }
  const template = browser.templateFromRgba(rgba, 64, 64);
  t.is(template.length, 512);
  const ones = zk.popcount(template);
  t.true(ones > 1900 && ones <= 2048, `${ones} ones`);
  t.deepEqual(browser.templateFromRgba(rgba, 64, 64), template, 'deterministic');
});

test('the browser module\'s zkimg-1 registers and logs in against the gateway', async (t) => {
  const username = `browser-${Date.now()}`;
  const rgba = new Uint8ClampedArray(64 * 64 * 4).map((_, i) => (i * 7919) % 256);
  const template = browser.templateFromRgba(rgba, 64, 64);
  // Few iterations here: the KDF's cost is the browser's business, its output format is tested.
  const cipherKey = await browser.deriveCipherKey('123456', 'default', username, 1000);
  t.regex(cipherKey, /^[A-Za-z0-9_-]{43}$/);
  t.not(await browser.deriveCipherKey('123456', 'default', `${username}x`, 1000), cipherKey, 'salted by username');
  const enrolment = await browser.enrol({ template, cipherKey, tenantId: 'default', username });
  // The reference client opens what the browser sealed: same K, same AAD, same JSON.
  const opened = zk.openCommitment(enrolment.encrypted_commitment, cipherKey, 'default', username);
  t.like(opened, { v: 'zkimg-1', n: 4096, r: 15, dim: [64, 64], alg: 'median64-v1' });

  const reg = await gw.clients.anonymous.vault.POST('/auth/register', { body: { username, email: `${username}@example.test`, ...enrolment } });
  t.is(reg.response.status, 201, JSON.stringify(reg.error));
  for (const flips of [0, 150]) {
    const c = await gw.clients.anonymous.vault.POST('/auth/challenge', { body: { username, cipherKey } });
    t.is(c.response.status, 200);
    const noisy = zk.flip(template, flips, `browser-${flips}`, 3840);
    const body = await browser.prove({ challengeData: c.data!.challenge_data, template: noisy, username, cipherKey });
    t.is(body.ber.ber.error_bits, flips);
    const a = await gw.clients.anonymous.vault.POST('/auth/authenticate', { body });
    t.is(a.response.status, 200, JSON.stringify(a.error));
    t.false(a.data!.need_verify);
  }
  // A different image does not log in.
  const c = await gw.clients.anonymous.vault.POST('/auth/challenge', { body: { username, cipherKey } });
  const other = browser.templateFromRgba(new Uint8ClampedArray(64 * 64 * 4).map((_, i) => (i * 104729 + 17) % 256), 64, 64);
  const wrong = await gw.clients.anonymous.vault.POST('/auth/authenticate', { body: await browser.prove({ challengeData: c.data!.challenge_data, template: other, username, cipherKey }) });
  t.is(wrong.response.status, 401);
});
