// The first hour of a person in headless Chromium against a real gateway (one browser for the
// file): a new person registers with an image and a PIN from the sign-in page of the demo
// application, adds a passkey from the account page, signs out, signs in with the passkey without
// typing a username and lands on the demo page; another registers with a passkey only; an invited
// user enrols from the e-mailed link.
// A CDP virtual authenticator plays the device's passkey store. Screenshots of each page go to
// .tmp/screenshots/ (test/helpers/browser.ts).
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { browserTestFn, imageFile, launchBrowser, pageWithAuthenticator, screenshot } from '../helpers/browser.ts';
import { freePort, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { setVaultSettings } from './auth-helpers.ts';
import type { components } from '../../generated/secrets-vault/schema.ts';

const browserTest = browserTestFn('test/vault/browser-login.test.ts');
let gw: TestGateway;
let browser: Browser;
let base: string;

browserTest.before(async () => {
  const port = await freePort();
  // WebAuthn refuses IP addresses as RP IDs: the gateway is `localhost` here.
  gw = await startTestGateway({ PORT: String(port), PUBLIC_URL: `http://localhost:${port}` });
  base = gw.config.publicUrl;
  await setVaultSettings(gw, 'default', { register_enable: true, passkey_enabled: true, display_name: 'Acme' });
  browser = await launchBrowser();
});

browserTest.after.always(async () => {
  await browser?.close();
  await gw?.stop();
});

async function statusText(page: Page): Promise<string> {
  return (await page.textContent('#status')) ?? '';
}

/** The claims the demo page shows, as name → text. */
async function demoClaims(page: Page): Promise<Record<string, string>> {
  await page.waitForSelector('#signed-in:not([hidden])');
  const rows = await page.$$eval('#claims tbody tr', (trs) => trs.map((tr) => [tr.children[0]!.textContent, tr.children[1]!.textContent]));
  return Object.fromEntries(rows);
}

async function signInWithImage(page: Page, who: { username: string; pin: string; seed: string }): Promise<void> {
  await page.fill('#signin-form [name=username]', who.username);
  await page.fill('#signin-form [name=pin]', who.pin);
  await page.setInputFiles('#signin-form [name=image]', imageFile(who.seed));
  await page.click('#signin-form button[type=submit]');
}

async function mailedLink(to: string, purpose: string): Promise<string> {
  const [message] = await gw.services.identity.outbox.list({ to, purpose, limit: 1 });
  const link = message === undefined ? undefined : /https?:\/\/\S+/.exec(message.body)?.[0];
  if (link === undefined) throw new Error(`no ${purpose} link to ${to}`);
  return link;
}

browserTest('a new person registers with an image and PIN, adds a passkey on the account page, signs out and signs in with the passkey without a username', async (t) => {
  const page = await pageWithAuthenticator(browser);
  const person = { username: `ada-${randomUUID().slice(0, 6)}`, pin: '482913', seed: 'ada-picture' };
  const email = `${person.username}@example.test`;

  await page.goto(`${base}/demo/`);
  await screenshot(page, '01-demo-start');
  await page.click('#sign-in');
  await page.waitForURL(/\/api\/oidc\/default\/login\?auth_req_id=/);
  t.is(await page.getAttribute('#signin-form [name=username]', 'autocomplete'), 'username webauthn');
  t.true(await page.isVisible('#passkey-button'));
  await screenshot(page, '02-login');

  await page.click('#show-register');
  await page.fill('#register-form [name=username]', person.username);
  await page.fill('#register-form [name=email]', email);
  await page.fill('#register-form [name=pin]', person.pin);
  await page.fill('#register-form [name=pin2]', '000000');
  await page.setInputFiles('#register-form [name=image]', imageFile(person.seed));
  await page.click('#register-form button[type=submit]');
  t.regex(await statusText(page), /The two PINs differ/);
  await page.fill('#register-form [name=pin2]', person.pin);
  await screenshot(page, '03-register');
  await page.click('#register-form button[type=submit]');
  await page.waitForSelector('#offer:not([hidden])');
  t.regex(await statusText(page), new RegExp(`We sent a message to ${email}`));
  await screenshot(page, '04-offer-passkey');
  await page.click('#offer-skip');

  await page.waitForURL(/\/demo\/callback/);
  const first = await demoClaims(page);
  t.is(first.preferred_username, person.username);
  t.is(first.email_verified, 'false');
  t.regex(first.amr ?? '', /swk/);
  await screenshot(page, '05-demo-signed-in-image');

  // The e-mailed verification link confirms the address.
  await page.goto(await mailedLink(email, 'email_verification'));
  await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-kind') === 'ok');
  t.regex(await statusText(page), /confirmed/);
  await screenshot(page, '06-email-confirmed');

  // The account page: sign in (image and PIN), add a passkey.
  await page.goto(`${base}/account/`);
  await page.click('#sign-in');
  await page.waitForURL(/\/login\?auth_req_id=/);
  await signInWithImage(page, person);
  await page.waitForSelector('#offer:not([hidden])');
  await page.click('#offer-skip');
  await page.waitForSelector('#signed-in:not([hidden])');
  t.is(await page.textContent('#who'), person.username);
  t.regex((await page.textContent('#email-state')) ?? '', /^confirmed/);
  t.true(await page.isVisible('#no-passkeys'));
  await screenshot(page, '07-account');
  await page.click('#add-passkey');
  await page.waitForSelector('#passkeys tbody tr');
  t.regex(await statusText(page), /Passkey added/);
  t.is(await page.$$eval('#sessions tbody tr', (rows) => rows.length), 2, 'the demo sign-in and this one');
  await screenshot(page, '08-account-passkey-added');
  // An API key: created (its value shown once), then regenerated; the demo's session ended.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.fill('#key-form [name=name]', 'backup script');
  await page.check('#key-form [name=scope][value=profile]');
  await page.click('#key-form button[type=submit]');
  await page.waitForSelector('#keys tbody tr');
  const firstValue = await page.textContent('#new-key-value');
  t.truthy(firstValue);
  await page.click('#keys tbody tr button:has-text("Regenerate")');
  await page.waitForFunction((before) => document.querySelector('#new-key-value')?.textContent !== before, firstValue);
  await page.click('#sessions tbody tr button:has-text("End")');
  await page.waitForFunction(() => document.querySelectorAll('#sessions tbody tr').length === 1);
  t.regex(await statusText(page), /That session has ended/);
  await screenshot(page, '08b-account-key-and-session');

  // Sign out of the account page (RP-initiated logout), then sign in to the demo with the passkey.
  await page.click('#logout');
  await page.waitForURL(/\/account\/\?state=signed-out/);
  await page.goto(`${base}/demo/`);
  await page.click('#sign-in');
  await page.waitForURL(/\/login\?auth_req_id=/);
  // The username field's autofill (conditional mediation) offers the passkey; the virtual
  // authenticator picks it at once, as a person choosing it from the list would.
  await page.waitForURL(/\/demo\/callback/);
  const second = await demoClaims(page);
  t.is(second.preferred_username, person.username);
  t.is(second.email_verified, 'true');
  t.regex(second.amr ?? '', /hwk/);
  t.false(await page.isVisible('#sign-in'));
  await screenshot(page, '09-demo-signed-in-passkey');

  // Signed out of the demo, then the button (a browser without autofill for passkeys).
  await page.click('#logout');
  await page.waitForURL(/\/demo\/\?state=signed-out/);
  await page.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
  await page.click('#sign-in');
  await page.waitForURL(/\/login\?auth_req_id=/);
  await screenshot(page, '10-login-passkey-button');
  await page.click('#passkey-button');
  await page.waitForURL(/\/demo\/callback/);
  t.is((await demoClaims(page)).preferred_username, person.username);
  await page.context().close();
});

browserTest('an invited user enrols from the e-mailed link, then signs in; a wrong image gets advice, not numbers', async (t) => {
  const page = await pageWithAuthenticator(browser);
  const person = { username: `grace-${randomUUID().slice(0, 6)}`, pin: '731905', seed: 'grace-picture' };
  const email = `${person.username}@example.test`;
  const created = await gw.clients.admin.vault.POST('/users/{tenant_id}', {
    params: { path: { tenant_id: 'default' } },
    body: { user_id: 'assigned', tenant_id: 'default', username: person.username, email } as components['schemas']['User'],
  });
  t.is(created.response.status, 201);

  await page.goto(await mailedLink(email, 'enrolment'));
  t.regex((await page.textContent('#choices')) ?? '', new RegExp(person.username));
  t.true(await page.isVisible('#enrol-passkey'));
  await page.fill('#enrol-form [name=pin]', person.pin);
  await page.fill('#enrol-form [name=pin2]', person.pin);
  await page.setInputFiles('#enrol-form [name=image]', imageFile(person.seed));
  await screenshot(page, '11-enrol');
  await page.click('#enrol-form button[type=submit]');
  await page.waitForSelector('#done:not([hidden])');
  t.regex(await statusText(page), /all set/);
  await screenshot(page, '12-enrol-done');
  // The link is spent: opening it again says what to do.
  await page.reload();
  t.regex((await page.textContent('h1')) ?? '', /not valid any more/);
  await screenshot(page, '13-enrol-link-used');

  await page.goto(`${base}/demo/`);
  await page.click('#sign-in');
  await page.waitForURL(/\/login\?auth_req_id=/);
  await signInWithImage(page, { ...person, seed: 'someone-else' });
  await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-kind') === 'error');
  const advice = await statusText(page);
  t.regex(advice, /choose the same picture file/);
  t.notRegex(advice, /Bit error rate|%/);
  await screenshot(page, '14-login-wrong-image');
  await page.setInputFiles('#signin-form [name=image]', imageFile(person.seed));
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('#offer:not([hidden])');
  await page.click('#offer-skip');
  await page.waitForURL(/\/demo\/callback/);
  const claims = await demoClaims(page);
  t.is(claims.preferred_username, person.username);
  t.is(claims.email_verified, 'true', 'the enrolment link went to the address and came back');
  await page.context().close();
});

browserTest('a person creates an account with a passkey only and lands on the demo page', async (t) => {
  const page = await pageWithAuthenticator(browser);
  const username = `lin-${randomUUID().slice(0, 6)}`;
  await page.goto(`${base}/demo/`);
  await page.click('#sign-in');
  await page.waitForURL(/\/login\?auth_req_id=/);
  await page.click('#show-register');
  await page.fill('#register-form [name=username]', username);
  await page.fill('#register-form [name=email]', `${username}@example.test`);
  await page.click('#register-passkey');
  await page.waitForURL(/\/demo\/callback/);
  const claims = await demoClaims(page);
  t.is(claims.preferred_username, username);
  t.regex(claims.amr ?? '', /hwk/);
  t.is(claims.email_verified, 'false');
  await screenshot(page, '16-demo-registered-with-passkey');
  await page.context().close();
});

browserTest('an authorize request that cannot go back to the application gets a page, not JSON; the favicon is served', async (t) => {
  const page = await browser.newPage();
  const res = await page.goto(`${base}/api/oidc/default/authorize?response_type=code&client_id=no-such-client&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&scope=openid`);
  t.is(res?.status(), 400);
  t.regex(res?.headers()['content-type'] ?? '', /text\/html/);
  t.regex((await page.textContent('h1')) ?? '', /This sign-in link does not work/);
  await screenshot(page, '15-authorize-error');
  const icon = await page.goto(`${base}/favicon.ico`);
  t.regex(icon?.headers()['content-type'] ?? '', /image\/svg\+xml/);
  await page.close();
});
