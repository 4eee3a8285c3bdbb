/**
 * /docs: every link of the index resolves (from `/docs` and from `/docs/`), and an operation whose
 * handler is still `notImplemented` is marked in the spec the UI shows, while implemented ones are not.
 */
import test from 'ava';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { loadApiDocs } from '../../server/apis/index.ts';
import { docsRouter, markNotImplemented } from '../../server/ops/docs.ts';

type Spec = { paths: Record<string, Record<string, { operationId?: string; summary?: string; description?: string; 'x-not-implemented'?: boolean }>> };

let base: string;
let close: () => void;
const entries = loadApiDocs();

test.before(async () => {
  const app = express();
  app.use('/docs', docsRouter(entries));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
test.after.always(() => close?.());

for (const index of ['/docs', '/docs/']) {
  test(`every link of ${index} resolves`, async (t) => {
    const html = await (await fetch(`${base}${index}`)).text();
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    t.is(hrefs.length, entries.length * 2);
    for (const href of hrefs) {
      const url = new URL(href, `${base}${index}`);
      t.true(url.pathname.startsWith('/docs/'), href);
      t.is((await fetch(url)).status, 200, href);
    }
  });
}

test('a spec page loads its own spec and the UI from /docs', async (t) => {
  const html = await (await fetch(`${base}/docs/gateway`)).text();
  t.regex(html, /href="\/docs\/assets\/swagger-ui\.css"/);
  t.regex(html, /src="\/docs\/init\.js"/);
  const init = await (await fetch(`${base}/docs/init.js`)).text();
  t.regex(init, /location\.pathname/);
});

test('operations that answer 501 are marked, the others are not', async (t) => {
  const pending = new Set(entries.flatMap((e) => [...(e.notImplemented ?? [])]));
  for (const e of entries) {
    const spec = (await (await fetch(`${base}/docs/${e.name}/openapi.json`)).json()) as Spec;
    for (const item of Object.values(spec.paths)) {
      for (const op of Object.values(item)) {
        if (typeof op !== 'object' || op === null || op.operationId === undefined) continue;
        const marked = op['x-not-implemented'] === true;
        t.is(marked, e.notImplemented?.has(op.operationId) ?? false, `${e.name} ${op.operationId}`);
        t.is(op.summary?.startsWith('[501] ') ?? false, marked);
        if (marked) t.regex(op.description ?? '', /answers 501/);
      }
    }
  }
  // The index counts them.
  const index = await (await fetch(`${base}/docs/`)).text();
  if (pending.size > 0) t.regex(index, /operations implemented \(the others answer 501/);
});

test('marking works on a copy and only marks the named operations', (t) => {
  const spec = { paths: { '/a': { get: { operationId: 'getA', summary: 'Get A' }, post: { operationId: 'postA', summary: 'Post A', description: 'Makes A.' } } } };
  const marked = markNotImplemented(spec, new Set(['postA'])) as Spec;
  t.is(marked.paths['/a']!.get!.summary, 'Get A');
  t.is(marked.paths['/a']!.post!.summary, '[501] Post A');
  t.is(marked.paths['/a']!.post!.description, '**Not implemented yet: this operation answers 501.**\n\nMakes A.');
  t.is(spec.paths['/a'].post.summary, 'Post A', 'the original is untouched');
});
