/**
 * The gateway's own sign-in page (`authorize` redirects to GATEWAY_LOGIN_URL, by default this
 * page): `GET /api/oidc/{tenant_id}/login?auth_req_id=`, its assets, the favicon, and the HTML
 * error page of `authorize` requests a browser makes that cannot be redirected back to the client.
 * Plain HTML (page-shell.ts) and small ES modules (server/ops/login-page/): login.js (the page),
 * ui.js (API calls, WebAuthn JSON, plain-language messages), image-template.js and
 * zkimg-browser.js (zkimg-1 on WebCrypto and @noble/curves). The enrolment, e-mail and account
 * pages are account-pages.ts.
 *
 * The tenant's login options (registration open, passkeys, PIN length and masking) are rendered
 * into `data-*` attributes; every value is HTML-escaped.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { GatewayServices } from '../services.ts';
import { toPublicTenant } from '../identity/vault/login-ui-views.ts';
import { checkAuthorizeRequest, RedirectableAuthorizeError, type AuthorizeQuery } from '../identity/vault/authorize-checks.ts';
import { GatewayError } from '../http/errors.ts';
import { escapeHtml, IMPORT_MAP, LOGIN_ASSETS_PREFIX, LOGIN_PAGE_CSP, pageShell } from './page-shell.ts';

export { IMPORT_MAP, LOGIN_ASSETS_PREFIX, LOGIN_PAGE_CSP };

const ASSET_DIR = fileURLToPath(new URL('./login-page/', import.meta.url));
const JS = 'text/javascript; charset=utf-8';
const ASSETS: Record<string, string> = {
  'login.js': JS,
  'ui.js': JS,
  'image-template.js': JS,
  'enrol.js': JS,
  'verify-email.js': JS,
  'account.js': JS,
  'zkimg-browser.js': JS,
  'login.css': 'text/css; charset=utf-8',
};
/** The installed packages' directories, found the way Node resolves them (both keep their modules at the root). */
const packageDir = (module: string) => dirname(fileURLToPath(import.meta.resolve(module)));
const NOBLE_DIRS: Record<string, string> = {
  curves: packageDir('@noble/curves/ed25519.js'),
  hashes: packageDir('@noble/hashes/sha2.js'),
};
/** Only the packages' compiled modules: `x.js` or `abstract/x.js`, so no path can leave the package. */
const NOBLE_FILE = /^\/((?:abstract\/)?[A-Za-z0-9_-]+\.js)$/;

/** A key and a check mark: the gateway's icon, small enough to keep in memory. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2d4bd8"/><circle cx="12" cy="14" r="6" fill="none" stroke="#fff" stroke-width="3"/><path d="M16 18l9 9m-3-3l3-3" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>`;

function loginPage(tenantId: string, authReqId: string, tenant: ReturnType<typeof toPublicTenant>, title: string): string {
  const pinType = tenant.show_pin_when_typing ? 'text' : 'password';
  const pinSize = escapeHtml(String(tenant.pin_size ?? 6));
  const pin = (name: string, label: string, autocomplete: string) =>
    `<label>${label} <input name="${name}" type="${pinType}" inputmode="numeric" autocomplete="${autocomplete}" required minlength="${pinSize}"></label>`;
  return pageShell({
    title: `Sign in · ${title}`,
    mainId: 'login',
    script: 'login.js',
    data: { 'tenant-id': tenantId, 'auth-req-id': authReqId, 'register-enabled': tenant.register_enable ?? false, 'passkey-enabled': tenant.passkey_enabled ?? false, 'pin-size': tenant.pin_size ?? 6 },
    body: `<h1>Sign in to ${escapeHtml(title)}</h1>
<section id="signin" class="step">
<button type="button" id="passkey-button" class="primary" hidden>Sign in with a passkey</button>
<form id="signin-form" autocomplete="on">
<label>Username <input name="username" autocomplete="username webauthn" required maxlength="128" autocapitalize="none" spellcheck="false"></label>
${pin('pin', 'PIN', 'current-password')}
<label>Your image <input name="image" type="file" accept="image/*" required></label>
<button type="submit">Sign in with image and PIN</button>
</form>
<p id="register-link" hidden>New here? <button type="button" id="show-register" class="link">Create an account</button></p>
</section>
<section id="register" class="step" hidden>
<h2>Create an account</h2>
<form id="register-form" autocomplete="on">
<label>Username <input name="username" autocomplete="username" required maxlength="128" autocapitalize="none" spellcheck="false"></label>
<label>E-mail <input name="email" type="email" autocomplete="email" required></label>
${pin('pin', `Choose a PIN (at least ${pinSize} digits)`, 'new-password')}
${pin('pin2', 'The same PIN again', 'new-password')}
<label>Choose an image <input name="image" type="file" accept="image/*" required></label>
<p class="note">Choose a picture you keep on this device: you sign in with this same file and your PIN.</p>
<button type="submit">Create account with image and PIN</button>
<div id="register-passkey-row" hidden>
<button type="button" id="register-passkey">Create account with a passkey instead</button>
<p class="note">With a passkey you need only your username and e-mail above: this device’s screen lock or your security key signs you in.</p>
</div>
</form>
<p>Already have an account? <button type="button" id="show-signin" class="link">Sign in</button></p>
</section>
<section id="offer" class="step" hidden>
<h2>Sign in faster next time</h2>
<p>Add a passkey: next time you sign in with this device’s screen lock or security key, without your image and PIN.</p>
<button type="button" id="offer-add" class="primary">Add a passkey</button>
<button type="button" id="offer-skip">Not now</button>
</section>
<section id="done" hidden>
<p>You can manage your passkeys, sessions and keys on <a href="/account/">your account page</a>.</p>
</section>
<p class="note">Your PIN and image never leave this device: the page derives a key from the PIN and proves that your image matches the enrolled one (zkimg-1).</p>`,
  });
}

/** A page that says what went wrong and what to do, with no script. */
export function messagePage(title: string, heading: string, paragraphs: string[]): string {
  return pageShell({ title, mainId: 'message', body: `<h1>${escapeHtml(heading)}</h1>\n${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}` });
}

export function sendPage(res: Response, status: number, html: string): void {
  res.setHeader('Content-Security-Policy', LOGIN_PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).type('html').send(html);
}

function sendAsset(res: Response, file: string, type: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.send(readFileSync(file));
}

const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope'] as const;

/**
 * A browser's `authorize` request whose error cannot go back to the client (unknown client,
 * unregistered redirect_uri, missing parameters: RFC 6749 §4.1.2.1 forbids redirecting those) gets
 * an HTML page instead of the API's JSON. The checks are the endpoint's own (authorize-checks.ts);
 * every other request, and every caller that prefers JSON, goes on to the Vault API unchanged.
 */
const AUTHORIZE_PATH = /^\/api\/oidc\/([^/]+)\/authorize$/;

function authorizeErrorPage(services: GatewayServices) {
  // Matched here rather than by a route pattern: a route would decode the tenant segment first,
  // and a malformed one (`%`) must reach the Vault API, which answers it in its own error shape.
  return (req: Request, res: Response, next: NextFunction) => {
    const match = req.method === 'GET' ? AUTHORIZE_PATH.exec(req.path) : null;
    if (match === null || req.accepts(['json', 'html']) !== 'html') return next();
    let tenantId: string;
    try {
      tenantId = decodeURIComponent(match[1]!);
    } catch {
      return next();
    }
    const page = (detail: string) =>
      sendPage(
        res,
        400,
        messagePage('Sign-in problem', 'This sign-in link does not work', [
          'The application that sent you here asked for a sign-in in a way this server does not accept, so you cannot continue from this link.',
          'Go back to the application and try again. If it keeps happening, tell the application’s support team what this page says:',
          detail,
        ]),
      );
    const query = req.query as Record<string, unknown>;
    const missing = AUTHORIZE_PARAMS.filter((name) => typeof query[name] !== 'string' || query[name] === '');
    if (missing.length > 0) return page(`The request lacks ${missing.join(', ')}.`);
    checkAuthorizeRequest(services, tenantId, query as unknown as AuthorizeQuery).then(
      () => next(),
      (error: unknown) => {
        if (error instanceof RedirectableAuthorizeError) return next();
        if (error instanceof GatewayError) return page(`${error.message}.`);
        next(error);
      },
    );
  };
}

export function loginPageRouter(services: GatewayServices): Router {
  const router = express.Router({ strict: false, caseSensitive: true });

  for (const path of ['/favicon.svg', '/favicon.ico']) {
    router.get(path, (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.type('image/svg+xml').send(FAVICON);
    });
  }

  router.get(`${LOGIN_ASSETS_PREFIX}/noble/:pkg/*path`, (req: Request, res: Response) => {
    const dir = NOBLE_DIRS[String(req.params.pkg)];
    const rel = `/${([] as string[]).concat(req.params.path as unknown as string[]).join('/')}`;
    const match = NOBLE_FILE.exec(rel);
    if (dir === undefined || match === null) return void res.status(404).type('text/plain').send('Not found');
    try {
      sendAsset(res, join(dir, match[1]!), JS);
    } catch {
      res.status(404).type('text/plain').send('Not found');
    }
  });

  router.get(`${LOGIN_ASSETS_PREFIX}/:file`, (req: Request, res: Response) => {
    const file = String(req.params.file);
    const type = ASSETS[file];
    if (type === undefined) return void res.status(404).type('text/plain').send('Not found');
    sendAsset(res, join(ASSET_DIR, file), type);
  });

  router.use(authorizeErrorPage(services));

  router.get('/api/oidc/:tenant_id/login', (req: Request, res: Response, next) => {
    const tenantId = String(req.params.tenant_id);
    const authReqId = typeof req.query.auth_req_id === 'string' ? req.query.auth_req_id : '';
    services.identity.tenants.get(tenantId).then((tenant) => {
      if (tenant === null) {
        return sendPage(res, 404, messagePage('Not found', 'Unknown organisation', ['There is no sign-in page at this address. Check the link, or go back to the application and start again.']));
      }
      const view = toPublicTenant(tenant);
      sendPage(res, 200, loginPage(tenant._id, authReqId, view, view.display_name || tenant.name));
    }, next);
  });

  return router;
}
