/**
 * The demo relying party at /demo/callback: the page and its module are served under the CSP, and
 * the module's own functions run the seeded `demo` client's code flow with PKCE over HTTP: authorize,
 * a login, the callback, the code exchange, the ID token checks (issuer, audience, nonce) and logout.
 */
import test from 'ava';
import * as demo from '../../server/ops/demo-page/demo.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { completeUrl, loginFor, visit } from '../vault/_oidc.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

/** The client settings exactly as the page hands them to its module. */
async function pageConfig(path: string): Promise<demo.DemoConfig> {
  const html = await (await fetch(`${gw.url}${path}`)).text();
  const attr = (name: string) => html.match(new RegExp(`data-${name}="([^"]*)"`))?.[1]?.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))) ?? '';
  return { issuer: attr('issuer'), clientId: attr('client-id'), redirectUri: attr('redirect-uri'), postLogoutRedirectUri: attr('post-logout-redirect-uri'), scope: attr('scope') };
}

test('the page and its module are served, scripts only from the gateway', async (t) => {
  for (const path of ['/demo/', '/demo/callback']) {
    const res = await fetch(`${gw.url}${path}?code=x&state=y`);
    t.is(res.status, 200, path);
    t.regex(res.headers.get('content-type') ?? '', /text\/html/);
    t.regex(res.headers.get('content-security-policy') ?? '', /script-src 'self'(;|$)/);
    const html = await res.text();
    t.regex(html, /<script type="module" src="\/demo\/demo\.js"><\/script>/);
    t.notRegex(html, /<script>(?!<\/script>)/, 'no inline script');
  }
  const bare = await fetch(`${gw.url}/demo`, { redirect: 'manual' });
  t.is(bare.status, 302);
  t.is(bare.headers.get('location'), '/demo/');
  const script = await fetch(`${gw.url}/demo/demo.js`);
  t.is(script.status, 200);
  t.regex(script.headers.get('content-type') ?? '', /javascript/);
});

test('the seeded demo client: code flow with PKCE from the page\'s module, claims checked, logout back to /demo/', async (t) => {
  const cfg = await pageConfig('/demo/callback');
  t.is(cfg.clientId, 'demo');
  t.is(cfg.redirectUri, `${gw.config.publicUrl}/demo/callback`);
  const user = await gw.createUser('default');

  const { verifier, challenge } = await demo.pkcePair();
  t.regex(verifier, /^[A-Za-z0-9_-]{43}$/);
  const state = demo.randomToken(16);
  const nonce = demo.randomToken(16);
  const toLogin = await visit(demo.authorizeUrl(cfg, { challenge, state, nonce }));
  t.is(toLogin.status, 302, toLogin.body);
  const login = await loginFor(gw, 'default', user.id, toLogin.location!);
  const back = await visit(completeUrl(cfg.issuer, login.authReqId, login.nonce));
  t.is(back.status, 302, back.body);
  const callback = back.location!;
  t.is(`${callback.origin}${callback.pathname}`, cfg.redirectUri);
  t.is(callback.searchParams.get('state'), state);
  t.is((await fetch(callback)).status, 200, 'the callback page exists');

  const tokens = await demo.exchangeCode(cfg, { code: callback.searchParams.get('code')!, verifier });
  const claims = demo.decodeClaims(tokens.id_token);
  t.deepEqual(demo.checkClaims(cfg, claims, nonce), []);
  t.is(claims.sub, user.id);
  t.is(claims.preferred_username, user.username);
  t.deepEqual(claims.amr, ['pin', 'swk', 'mfa']);
  t.is(demo.checkClaims(cfg, claims, 'another nonce').length, 1, 'a nonce this page did not send is a problem');
  t.is(demo.checkClaims({ ...cfg, clientId: 'someone-else' }, claims, nonce).length, 1, 'another audience is a problem');

  const out = await visit(demo.logoutUrl(cfg, tokens.id_token, 'signed-out'));
  t.is(out.status, 302, out.body);
  t.is(`${out.location!.origin}${out.location!.pathname}`, cfg.postLogoutRedirectUri);
  t.is(out.location!.searchParams.get('state'), 'signed-out');
});

test('a code exchange that fails says why, in words', async (t) => {
  const cfg = await pageConfig('/demo/');
  const error = await t.throwsAsync(demo.exchangeCode(cfg, { code: 'not-a-code', verifier: 'x'.repeat(43) }));
  t.truthy(error?.message);
  t.notRegex(error!.message, /^\{/);
});
