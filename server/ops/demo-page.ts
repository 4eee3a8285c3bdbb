/**
 * The demo relying party of the seeded public client `demo` (identity/bootstrap.ts): `/demo/` and
 * `/demo/callback`, so that a newcomer's first login ends on a page that shows the ID token's
 * claims and offers logout, with no code written. The page is plain HTML (page-shell.ts) and one
 * ES module (demo-page/demo.js) under the gateway's CSP (no import map: it needs none); the flow runs in the browser with PKCE against
 * tenant `default`.
 */
import { readFileSync } from 'node:fs';
import express, { type Router } from 'express';
import { DEFAULT_TENANT_ID, DEMO_CLIENT_ID } from '../identity/bootstrap.ts';
import { pageShell } from './page-shell.ts';

const SCRIPT = readFileSync(new URL('./demo-page/demo.js', import.meta.url));
export function demoPage(publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return pageShell({
    title: 'Demo application · Identity gateway',
    mainId: 'demo',
    moduleSrc: '/demo/demo.js',
    data: {
      issuer: `${base}/api/oidc/${DEFAULT_TENANT_ID}`,
      'client-id': DEMO_CLIENT_ID,
      'redirect-uri': `${base}/demo/callback`,
      'post-logout-redirect-uri': `${base}/demo/`,
      scope: 'openid email profile',
    },
    body: `<h1>Demo application</h1>
<p>This page is a small application that signs you in through the gateway (tenant <code>${DEFAULT_TENANT_ID}</code>, client <code>${DEMO_CLIENT_ID}</code>) with the OpenID Connect code flow and PKCE, then shows what it learned about you.</p>
<button type="button" id="sign-in">Sign in</button>
<section id="signed-in" hidden>
<h2>Hello, <span id="who"></span></h2>
<table id="claims"><thead><tr><th>Claim</th><th>Value</th></tr></thead><tbody></tbody></table>
<p><a id="logout" href="/demo/">Sign out</a></p>
</section>`,
  });
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
