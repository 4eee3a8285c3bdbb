/**
 * /docs: an index of the five specs and a Swagger UI page per spec, served from swagger-ui-dist
 * (installed with npm; nothing is fetched from a CDN). The page's initializer is a static file, so
 * the Content-Security-Policy needs no inline script.
 */
import express, { type Router } from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export interface DocEntry {
  name: string;
  title: string;
  version: string;
  spec: object;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function docsRouter(entries: readonly DocEntry[]): Router {
  const router = express.Router();
  const uiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  router.use('/assets', express.static(uiDir, { index: false, maxAge: '1h' }));
  router.get('/init.js', (_req, res) => {
    res.type('application/javascript').send(
      `window.onload = () => { const name = document.body.dataset.spec;
  window.ui = SwaggerUIBundle({ url: './' + name + '/openapi.json', dom_id: '#swagger-ui', deepLinking: true }); };`,
    );
  });
  router.get('/', (_req, res) => {
    const items = entries
      .map((e) => `<li><a href="./${e.name}">${escape(e.title)}</a> ${escape(e.version)} (<a href="./${e.name}/openapi.json">openapi.json</a>)</li>`)
      .join('\n');
    res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>Gateway API docs</title></head>
<body><h1>Identity gateway: API reference</h1><ul>${items}</ul></body></html>`);
  });
  for (const e of entries) {
    router.get(`/${e.name}/openapi.json`, (_req, res) => {
      res.json(e.spec);
    });
    router.get(`/${e.name}`, (_req, res) => {
      res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>${escape(e.title)}</title>
<link rel="stylesheet" href="./assets/swagger-ui.css"></head>
<body data-spec="${escape(e.name)}"><div id="swagger-ui"></div>
<script src="./assets/swagger-ui-bundle.js"></script><script src="./init.js"></script></body></html>`);
    });
  }
  return router;
}
