/**
 * The demo relying party of the seeded public client `demo` (identity/bootstrap.ts): `/demo/` and
 * `/demo/callback`, so that a newcomer's first login ends on a page that shows the ID token's
 * claims and offers logout, with no code written. The page is plain HTML and one ES module
 * (demo-page/demo.js) under the gateway's CSP; the flow runs in the browser with PKCE against
 * tenant `default`.
 */
import { readFileSync } from 'node:fs';
import express, { type Router } from 'express';
import { DEFAULT_TENANT_ID, DEMO_CLIENT_ID } from '../identity/bootstrap.ts';
import { LOGIN_ASSETS_PREFIX } from './login-page.ts';

const SCRIPT = readFileSync(new URL('./demo-page/demo.js', import.meta.url));
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function demoPage(publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  const attr = (name: string, value: string) => `data-${name}="${escapeHtml(value)}"`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Demo application · Identity gateway</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${LOGIN_ASSETS_PREFIX}/login.css">
<script type="module" src="/demo/demo.js"></script>
</head>
<body>
<main id="demo" ${attr('issuer', `${base}/api/oidc/${DEFAULT_TENANT_ID}`)} ${attr('client-id', DEMO_CLIENT_ID)} ${attr('redirect-uri', `${base}/demo/callback`)} ${attr('post-logout-redirect-uri', `${base}/demo/`)} ${attr('scope', 'openid email profile')}>
<h1>Demo application</h1>
<p>This page is a small application that signs you in through the gateway (tenant <code>${DEFAULT_TENANT_ID}</code>, client <code>${DEMO_CLIENT_ID}</code>) with the OpenID Connect code flow and PKCE, then shows what it learned about you.</p>
<button type="button" id="sign-in">Sign in</button>
<section id="signed-in" hidden>
<h2>Hello, <span id="who"></span></h2>
<table id="claims"><thead><tr><th>Claim</th><th>Value</th></tr></thead><tbody></tbody></table>
<p><a id="logout" href="/demo/">Sign out</a></p>
</section>
<p id="status" role="status" aria-live="polite"></p>
<noscript>This page needs JavaScript.</noscript>
</main>
</body>
</html>
`;
}

export function demoPageRouter(publicUrl: string): Router {
  const router = express.Router({ strict: true });
  const html = demoPage(publicUrl);
  router.get('/demo', (_req, res) => res.redirect(302, '/demo/'));
  for (const path of ['/demo/', '/demo/callback']) {
    router.get(path, (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(html);
    });
  }
  router.get('/demo/demo.js', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('text/javascript; charset=utf-8').send(SCRIPT);
  });
  return router;
}
