/**
 * The pages a person reaches from an e-mail or to manage an account (docs/login-flows.md):
 * - `GET /api/oidc/{tenant_id}/enrol?token=`: the invitation's enrolment page (login-page/enrol.js).
 *   The link is looked up, not spent, so that the page can name the user (zkimg-1 derives the key
 *   from the username); a link unknown in this tenant, used or expired gets a page that says
 *   what to do (404).
 * - `GET /api/oidc/{tenant_id}/verify-email?token=`: confirms the address (login-page/verify-email.js
 *   spends the token with a POST, so a mail scanner's GET spends nothing).
 * - `GET /account/` and `/account/callback`: the account page of tenant `default`, the seeded public
 *   client `account` (identity/bootstrap.ts; login-page/account.js).
 * Same frame and CSP as the sign-in page (page-shell.ts).
 */
import express, { type Request, type Response, type Router } from 'express';
import type { GatewayServices } from '../services.ts';
import { ACCOUNT_CLIENT_ID, DEFAULT_TENANT_ID } from '../identity/bootstrap.ts';
import { findLiveLink } from '../identity/vault/account-links.ts';
import { toPublicTenant } from '../identity/vault/login-ui-views.ts';
import { messagePage, sendPage } from './login-page.ts';
import { escapeHtml, pageShell } from './page-shell.ts';

const STALE = messagePage('Link not valid', 'This link is not valid any more', [
  'It was already used, it expired, or a newer one was sent to you. Links in our messages work once and for a few days.',
  'Ask your administrator to send you a new invitation.',
]);

function enrolPage(tenantId: string, token: string, username: string, tenant: ReturnType<typeof toPublicTenant>, title: string): string {
  const pinType = tenant.show_pin_when_typing ? 'text' : 'password';
  const pinSize = escapeHtml(String(tenant.pin_size ?? 6));
  return pageShell({
    title: `Set up your sign-in · ${title}`,
    mainId: 'enrol',
    script: 'enrol.js',
    data: { 'tenant-id': tenantId, token, username, 'pin-size': tenant.pin_size ?? 6, 'passkey-enabled': tenant.passkey_enabled ?? false },
    body: `<h1>Welcome to ${escapeHtml(title)}</h1>
<p id="choices">Your username is <strong>${escapeHtml(username)}</strong>. Choose how you will sign in.</p>
<button type="button" id="enrol-passkey" class="primary" hidden>Use a passkey on this device</button>
<form id="enrol-form">
<h2>Or: an image and a PIN</h2>
<label>Choose a PIN (at least ${pinSize} digits) <input name="pin" type="${pinType}" inputmode="numeric" autocomplete="new-password" required minlength="${pinSize}"></label>
<label>The same PIN again <input name="pin2" type="${pinType}" inputmode="numeric" autocomplete="new-password" required minlength="${pinSize}"></label>
<label>Choose an image <input name="image" type="file" accept="image/*" required></label>
<p class="note">Choose a picture you keep on this device: you sign in with this same file and your PIN. Neither leaves this device.</p>
<button type="submit">Save image and PIN</button>
</form>
<section id="done" hidden><p>Go back to the application you were invited to and sign in, or open <a href="/account/">your account page</a>.</p></section>`,
  });
}

function verifyPage(tenantId: string, token: string, title: string): string {
  return pageShell({
    title: `Confirm your e-mail address · ${title}`,
    mainId: 'verify-email',
    script: 'verify-email.js',
    data: { 'tenant-id': tenantId, token },
    body: `<h1>Confirm your e-mail address</h1>`,
  });
}

function accountPage(publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  const scope = (name: string, label: string) => `<label class="inline"><input type="checkbox" name="scope" value="${name}"> ${label}</label>`;
  return pageShell({
    title: 'Your account',
    mainId: 'account',
    script: 'account.js',
    data: {
      issuer: `${base}/api/oidc/${DEFAULT_TENANT_ID}`,
      'client-id': ACCOUNT_CLIENT_ID,
      'redirect-uri': `${base}/account/callback`,
      'post-logout-redirect-uri': `${base}/account/`,
      scope: 'openid profile email account',
    },
    body: `<h1>Your account</h1>
<button type="button" id="sign-in" class="primary">Sign in</button>
<div id="signed-in" hidden>
<p>Signed in as <strong id="who"></strong> · <a id="logout" href="/account/">Sign out</a></p>
<section><h2>E-mail address</h2>
<p><span id="email"></span> <span id="email-state" class="note"></span></p>
<details><summary>Change it</summary>
<form id="email-form">
<label>New address <input name="email" type="email" autocomplete="email" required></label>
<label>Your PIN <input name="pin" type="password" inputmode="numeric" autocomplete="current-password" required></label>
<label>Your image <input name="image" type="file" accept="image/*" required></label>
<button type="submit">Change address</button>
</form></details></section>
<section><h2>Passkeys</h2>
<table id="passkeys"><thead><tr><th>Name</th><th>Added</th><th>Last used</th><th></th></tr></thead><tbody></tbody></table>
<p id="no-passkeys" class="note" hidden>No passkeys yet. A passkey lets you sign in with this device’s screen lock instead of your image and PIN.</p>
<button type="button" id="add-passkey">Add a passkey</button></section>
<section><h2>Where you are signed in</h2>
<table id="sessions"><thead><tr><th>Signed in</th><th>Last active</th><th></th><th></th></tr></thead><tbody></tbody></table></section>
<section><h2>API keys</h2>
<p class="note">Keys let your own programs call the API as you. Give each program its own key.</p>
<table id="keys"><thead><tr><th>Name</th><th>Permissions</th><th>Last used</th><th></th></tr></thead><tbody></tbody></table>
<p id="no-keys" class="note" hidden>No API keys.</p>
<div id="new-key" hidden><p>Your new key (shown once): <code id="new-key-value"></code></p></div>
<form id="key-form">
<label>Name <input name="name" required maxlength="100"></label>
<fieldset><legend>Permissions</legend>${scope('profile', 'read your profile')} ${scope('email', 'read your e-mail address')} ${scope('account', 'manage this account')}</fieldset>
<button type="submit">Create key</button>
</form></section>
</div>`,
  });
}

export function accountPagesRouter(services: GatewayServices): Router {
  const router = express.Router({ strict: true, caseSensitive: true });
  const account = accountPage(services.config.publicUrl);

  router.get('/account', (_req, res) => res.redirect(302, '/account/'));
  for (const path of ['/account/', '/account/callback']) router.get(path, (_req, res) => sendPage(res, 200, account));

  router.get('/api/oidc/:tenant_id/enrol', (req: Request, res: Response, next) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    (async () => {
      const tenant = await services.identity.tenants.get(String(req.params.tenant_id));
      const link = tenant === null ? null : await findLiveLink(services.store, { tenantId: tenant._id, token, purpose: 'enrolment' });
      const user = link === null ? null : await services.identity.users.get(link.tenantId, link.userId);
      if (tenant === null || user === null || user.disabled) return sendPage(res, 404, STALE);
      const view = toPublicTenant(tenant);
      sendPage(res, 200, enrolPage(tenant._id, token, user.username, view, view.display_name || tenant.name));
    })().catch(next);
  });

  router.get('/api/oidc/:tenant_id/verify-email', (req: Request, res: Response, next) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    services.identity.tenants.get(String(req.params.tenant_id)).then((tenant) => {
      if (tenant === null) return sendPage(res, 404, STALE);
      const view = toPublicTenant(tenant);
      sendPage(res, 200, verifyPage(tenant._id, token, view.display_name || tenant.name));
    }, next);
  });

  return router;
}
