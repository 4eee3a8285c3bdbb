/**
 * /docs: an index of the five specs and a Swagger UI page per spec, served from swagger-ui-dist
 * (installed with npm; nothing is fetched from a CDN). The page's initializer is a static file, so
 * the Content-Security-Policy needs no inline script.
 *
 * Links are absolute (under the router's mount path): relative ones from `/docs` (no trailing
 * slash) would resolve against `/`. An operation still bound to `notImplemented` is marked in the
 * spec the UI shows (summary, description and `x-not-implemented`), so it does not look like a
 * working one.
 */
import express, { type Router } from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export interface DocEntry {
  name: string;
  title: string;
  version: string;
  spec: object;
  /** operationIds that still answer 501 */
  notImplemented?: ReadonlySet<string>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const PENDING_NOTE = '**Not implemented yet: this operation answers 501.**';

type Operation = { operationId?: string; summary?: string; description?: string; [k: string]: unknown };

/** A copy of the spec with every operation in `pending` marked. */
export function markNotImplemented(spec: object, pending: ReadonlySet<string>): object {
  const copy = structuredClone(spec) as { paths?: Record<string, Record<string, Operation>> };
  for (const item of Object.values(copy.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (op?.operationId === undefined || !pending.has(op.operationId)) continue;
      op.summary = `[501] ${op.summary ?? op.operationId}`;
      op.description = op.description ? `${PENDING_NOTE}\n\n${op.description}` : PENDING_NOTE;
      op['x-not-implemented'] = true;
    }
  }
  return copy;
}

function operationCount(spec: object): number {
  const paths = (spec as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  return Object.values(paths).reduce((n, item) => n + METHODS.filter((m) => item[m] !== undefined).length, 0);
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function docsRouter(entries: readonly DocEntry[]): Router {
  const router = express.Router();
  const uiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  router.use('/assets', express.static(uiDir, { index: false, maxAge: '1h' }));
  router.get('/init.js', (_req, res) => {
    res.type('application/javascript').send(
      `window.onload = () => {
  window.ui = SwaggerUIBundle({ url: location.pathname.replace(/\\/+$/, '') + '/openapi.json', dom_id: '#swagger-ui', deepLinking: true }); };`,
    );
  });
  const shown = entries.map((e) => ({ ...e, spec: markNotImplemented(e.spec, e.notImplemented ?? new Set()) }));
  router.get('/', (req, res) => {
    const base = escape(req.baseUrl);
    const items = shown
      .map((e) => {
        const total = operationCount(e.spec);
        const pending = e.notImplemented?.size ?? 0;
        const status = pending > 0 ? `, ${total - pending} of ${total} operations implemented (the others answer 501, marked [501])` : `, ${total} operations`;
        return `<li><a href="${base}/${e.name}">${escape(e.title)}</a> ${escape(e.version)}${status} (<a href="${base}/${e.name}/openapi.json">openapi.json</a>)</li>`;
      })
      .join('\n');
    res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>Gateway API docs</title></head>
<body><h1>Identity gateway: API reference</h1><ul>${items}</ul>
<p>The login protocol, the login flows and a guide per API are in the repository's <code>docs/</code> folder.</p></body></html>`);
  });
  for (const e of shown) {
    router.get(`/${e.name}/openapi.json`, (_req, res) => {
      res.json(e.spec);
    });
    router.get(`/${e.name}`, (req, res) => {
      res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>${escape(e.title)}</title>
<link rel="stylesheet" href="${escape(req.baseUrl)}/assets/swagger-ui.css"></head>
<body data-spec="${escape(e.name)}"><div id="swagger-ui"></div>
<script src="${escape(req.baseUrl)}/assets/swagger-ui-bundle.js"></script><script src="${escape(req.baseUrl)}/init.js"></script></body></html>`);
    });
  }
  return router;
}
