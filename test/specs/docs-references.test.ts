/**
 * The specs and the docs point only at files of this repository: every `docs/...` path a spec
 * names exists, no spec names a design document that does not ship, and every relative link of
 * docs/ resolves.
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const specs = readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.yaml'));

test('specs cite no document outside the repository', (t) => {
  for (const file of specs) {
    const text = readFileSync(join(root, 'specs', file), 'utf8');
    t.notRegex(text, /paths\.md|seed-inventory|shared\/design|\bthe seed\b/i, file);
    t.notRegex(text, /(?<!docs\/)zkimg-1\.md/, file);
    for (const m of text.matchAll(/\bdocs\/[\w./-]+\.md/g)) t.true(existsSync(join(root, m[0])), `${file}: ${m[0]}`);
  }
});

test('every relative link in docs/ resolves', (t) => {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.md') ? [join(dir, d.name)] : []));
  const files = walk(join(root, 'docs'));
  t.true(files.length >= 7);
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\]\(([^)#:]+)(#[^)]*)?\)/g)) {
      t.true(existsSync(join(dirname(file), m[1]!)), `${file}: ${m[1]}`);
    }
  }
});

test('each login flow is a Mermaid sequence diagram', (t) => {
  const flows = readFileSync(join(root, 'docs/login-flows.md'), 'utf8');
  t.true((flows.match(/```mermaid\nsequenceDiagram/g) ?? []).length >= 5);
});

test('the code cites only documents of the repository, and every docs/ file it names exists', (t) => {
  const self = fileURLToPath(import.meta.url);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.name === 'node_modules' || d.name === 'build' ? [] : d.isDirectory() ? walk(join(dir, d.name)) : /\.(ts|md)$/.test(d.name) ? [join(dir, d.name)] : [],
    );
  const files = [...['server', 'scripts', 'test', 'core-wasm'].flatMap((d) => walk(join(root, d))), join(root, 'README.md')].filter((f) => f !== self);
  t.true(files.length > 100);
  const outside = /\b(?:ARCHITECTURE|TOOLCHAIN|STYLE|VAULT)\.md|\bpaths\.md|seed-inventory|review finding|\b[Ii]ssue [0-9]+\b/;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    t.notRegex(text, outside, file);
    for (const m of text.matchAll(/\bdocs\/[\w./-]+\.md\b/g)) t.true(existsSync(join(root, m[0])), `${file}: ${m[0]}`);
  }
});
