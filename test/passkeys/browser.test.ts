// LoginID's own web SDK (@loginid/websdk3, unmodified) in headless Chromium against this gateway's
// /fido2/v2, with a CDP virtual authenticator: register a new user, sign in with a username, without
// one and through passkey autofill (conditional mediation),
// list, rename and delete passkeys, confirm a transaction, and sign in on a second
// device with a code; from a page on the gateway's own origin and from a page on the application's
// own origin (CORS and the application's WebAuthn origins). The application's pages come from a
// small HTTP server of their own on loopback; the page on the gateway's origin is handed to the
// browser by playwright's request interception. Every API call goes to the real gateway.
// Without Chromium (apt-get install chromium) these tests are skipped with a message, except in CI.
import test from 'ava';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI !== 'true') {
  console.warn(`SKIPPED browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}
const browserTest = available || process.env.CI === 'true' ? test.serial : test.skip;

let gw: TestGateway;
let browser: Browser;
let sdkBundle: string;
let appA: string;
let appB: string;
let pageOrigin: string;
let strangerOrigin: string;
const pageServers: Server[] = [];

const PAGE = '<!doctype html><html><body><script src="/app/sdk.js"></script></body></html>';

/** An application's own site: the page and the SDK bundle, on a loopback port of its own. */
async function serveSite(): Promise<string> {
  const port = await freePort();
  const server = createServer((req, res) => {
    const js = req.url === '/app/sdk.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(js ? sdkBundle : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  pageServers.push(server);
  return `http://localhost:${port}`;
}

test.before(async () => {
  if (!available && process.env.CI !== 'true') return;
  if (!available) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs it`);
  const port = await freePort();
  // WebAuthn refuses IP addresses as RP IDs: the gateway is `localhost` here.
  gw = await startTestGateway({ PORT: String(port), PUBLIC_URL: `http://localhost:${port}` });
  const bundled = await build({
    stdin: { contents: "import { LoginIDWebSDK } from '@loginid/websdk3'; globalThis.LoginIDWebSDK = LoginIDWebSDK;", resolveDir: process.cwd() },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  sdkBundle = bundled.outputFiles[0]!.text;
  appA = await gw.createTenant();
  appB = await gw.createTenant();
  const admin = gw.clients.admin.gateway;
  // App A: the gateway's own origin (the default), and the gateway's host names it for calls without app.id.
  await admin.PUT('/passkeys/apps/{appId}', { params: { path: { appId: appA } }, body: { hosts: [`localhost:${port}`] } });
  // App B: its own site on another origin, same registrable host (RP ID localhost).
  pageOrigin = await serveSite();
  strangerOrigin = await serveSite();
  const b = await admin.PUT('/passkeys/apps/{appId}', { params: { path: { appId: appB } }, body: { allowedOrigins: [pageOrigin], rpId: 'localhost' } });
  if (b.response.status !== 200) throw new Error(`app B settings: ${JSON.stringify(b.error)}`);
  // launch() runs on a fresh temporary profile of its own (a persistent one would need launchPersistentContext).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

test.after.always(async () => {
  await browser?.close();
  await gw?.stop();
  for (const server of pageServers) server.close();
});

/** A page at `origin` with the SDK loaded and a virtual platform authenticator (UV, resident keys). */
async function sdkPage(origin: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (origin === new URL(gw.config.publicUrl).origin) {
    await page.route(`${origin}/app/**`, (route) => {
      const url = new URL(route.request().url());
      return url.pathname === '/app/sdk.js' ? route.fulfill({ contentType: 'text/javascript', body: sdkBundle }) : route.fulfill({ contentType: 'text/html', body: PAGE });
    });
  }
  if (process.env.DEBUG_BROWSER) {
    page.on('console', (m) => console.log('console:', m.text()));
    page.on('requestfailed', (r) => console.log('failed:', r.url(), r.failure()?.errorText));
  }
  await page.goto(`${origin}/app/index.html`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return page;
}

type Sdk = {
  registerWithPasskey(u: string, o?: object): Promise<{ jwtAccess: string; userId: string }>;
  authenticateWithPasskey(u?: string, o?: object): Promise<{ jwtAccess: string; userId: string }>;
  listPasskeys(o?: object): Promise<{ id: string; name: string }[]>;
  renamePasskey(id: string, name: string): Promise<null>;
  deletePasskey(id: string): Promise<null>;
  confirmTransaction(u: string, payload: string, o?: object): Promise<{ jwtAccess: string; token: string }>;
  generateCodeWithPasskey(u: string, o?: object): Promise<{ code: string }>;
  authenticateWithCode(u: string, code: string): Promise<{ jwtAccess: string; userId: string }>;
  signout(): void;
  getUser(): { username: string; id: string };
};

/** Runs `script` in the page with `sdk` = new LoginIDWebSDK({appId, baseUrl}); errors come back as text. */
async function withSdk<T>(page: Page, appId: string, script: (sdk: Sdk, arg: Record<string, string>) => Promise<T>, arg: Record<string, string> = {}): Promise<T> {
  const source = script.toString();
  return page.evaluate(
    async ({ appId, baseUrl, source, arg }) => {
      const Ctor = (globalThis as unknown as { LoginIDWebSDK: new (c: object) => unknown }).LoginIDWebSDK;
      const sdk = new Ctor({ appId, baseUrl });
      // eslint-disable-next-line no-new-func
      const fn = new Function(`return (${source})`)() as (s: unknown, a: unknown) => Promise<unknown>;
      try {
        return await fn(sdk, arg);
      } catch (e) {
        const err = e as { message?: string; status?: number; body?: unknown; code?: string };
        return { error: `${err.message ?? e} ${err.status ?? ''} ${JSON.stringify(err.body ?? err.code ?? '')}` };
      }
    },
    { appId, baseUrl: gw.config.publicUrl, source, arg },
  ) as Promise<T>;
}

function ok<T>(t: { fail(m: string): void }, value: T | { error: string }): T {
  if (value && typeof value === 'object' && 'error' in value) {
    t.fail(String((value as { error: string }).error));
    throw new Error((value as { error: string }).error);
  }
  return value as T;
}

browserTest('SDK on the gateway\'s origin: register, sign in with and without username, passkeys, transaction, code on a second device', async (t) => {
  const page = await sdkPage(new URL(gw.config.publicUrl).origin);
  const username = 'ada@example.test';
  const reg = ok(t, await withSdk(page, appA, (sdk, a) => sdk.registerWithPasskey(a.username!), { username }));
  t.truthy(reg.jwtAccess);
  const who = ok(t, await withSdk(page, appA, async (sdk) => sdk.getUser()));
  t.is(who.username, username);
  t.is(who.id, reg.userId);

  const byName = ok(t, await withSdk(page, appA, (sdk, a) => sdk.authenticateWithPasskey(a.username!), { username }));
  t.is(byName.userId, reg.userId);
  const usernameless = ok(t, await withSdk(page, appA, (sdk) => sdk.authenticateWithPasskey('')));
  t.is(usernameless.userId, reg.userId);

  const listed = ok(t, await withSdk(page, appA, (sdk) => sdk.listPasskeys()));
  t.is(listed.length, 1);
  ok(t, await withSdk(page, appA, (sdk, a) => sdk.renamePasskey(a.id!, 'Laptop'), { id: listed[0]!.id }));
  t.is(ok(t, await withSdk(page, appA, (sdk) => sdk.listPasskeys()))[0]?.name, 'Laptop');

  const tx = ok(t, await withSdk(page, appA, (sdk, a) => sdk.confirmTransaction(a.username!, 'Pay 42 EUR to Bob'), { username }));
  t.is(tx.jwtAccess, tx.token);
  const txClaims = JSON.parse(Buffer.from(tx.jwtAccess.split('.')[1]!, 'base64url').toString());
  t.truthy(txClaims.txHash);

  const code = ok(t, await withSdk(page, appA, (sdk, a) => sdk.generateCodeWithPasskey(a.username!), { username }));
  t.regex(code.code, /^\d{6}$/);
  // the second device: a fresh browser context without the SDK's cookie
  const second = await sdkPage(new URL(gw.config.publicUrl).origin);
  const viaCode = ok(t, await withSdk(second, appA, (sdk, a) => sdk.authenticateWithCode(a.username!, a.code!), { username, code: code.code }));
  t.is(viaCode.userId, reg.userId);

  ok(t, await withSdk(page, appA, (sdk, a) => sdk.deletePasskey(a.id!), { id: listed[0]!.id }));
  t.deepEqual(ok(t, await withSdk(page, appA, (sdk) => sdk.listPasskeys())), []);
});

browserTest('SDK on the application\'s own origin: CORS and WebAuthn origin of that application; another app\'s id is refused there', async (t) => {
  const page = await sdkPage(pageOrigin);
  const username = 'grace@example.test';
  const reg = ok(t, await withSdk(page, appB, (sdk, a) => sdk.registerWithPasskey(a.username!), { username }));
  const again = ok(t, await withSdk(page, appB, (sdk, a) => sdk.authenticateWithPasskey(a.username!), { username }));
  t.is(again.userId, reg.userId);
  t.is(ok(t, await withSdk(page, appB, (sdk) => sdk.listPasskeys())).length, 1);
  // App A allows only the gateway's origin: a ceremony for A from B's site fails the origin check.
  const refused = await withSdk(page, appA, (sdk, a) => sdk.registerWithPasskey(a.username!), { username: 'eve@example.test' });
  t.true(typeof refused === 'object' && refused !== null && 'error' in refused, JSON.stringify(refused));
  t.regex((refused as unknown as { error: string }).error, /400/);
  // A site no application allows cannot read the API's replies (CORS).
  const stranger = await sdkPage(strangerOrigin);
  const blocked = await withSdk(stranger, appB, (sdk) => sdk.authenticateWithPasskey(''));
  t.true(typeof blocked === 'object' && blocked !== null && 'error' in blocked);
});

browserTest('SDK passkey autofill (conditional mediation): a field marked `username webauthn` signs in with a discoverable passkey, no username typed', async (t) => {
  const page = await sdkPage(new URL(gw.config.publicUrl).origin);
  const username = 'lin@example.test';
  const reg = ok(t, await withSdk(page, appA, (sdk, a) => sdk.registerWithPasskey(a.username!), { username }));
  // The page a relying party shows: a username field the browser may fill with a passkey.
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.name = 'username';
    input.autocomplete = 'username webauthn';
    document.body.append(input);
    input.focus();
  });
  const signedIn = ok(
    t,
    await withSdk(page, appA, (sdk) =>
      Promise.race([
        (sdk as unknown as { enablePasskeyAutofill(): Promise<{ jwtAccess: string; userId: string }> }).enablePasskeyAutofill(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('autofill did not resolve within 20 s')), 20_000)),
      ]),
    ),
  );
  t.is(signedIn.userId, reg.userId);
  t.truthy(signedIn.jwtAccess);
});
