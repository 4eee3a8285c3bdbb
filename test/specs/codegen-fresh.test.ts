/** generated/ and clients/ are exactly what `make codegen` writes from specs/ today. */
import test from 'ava';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateAll } from '../../scripts/codegen.ts';
import { repoRoot } from '../helpers/specs.ts';

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

test('generated/ and clients/ are fresh', async (t) => {
  const files = await generateAll();
  const stale: string[] = [];
  for (const [rel, content] of files) {
    const onDisk = join(repoRoot, rel);
    if (!existsSync(onDisk) || readFileSync(onDisk, 'utf8') !== content) stale.push(rel);
  }
  t.deepEqual(stale, [], 'run `make codegen` and commit the result');
  // Nothing in generated/ that codegen would not write (a leftover from a removed API).
  const extra = listFiles(join(repoRoot, 'generated'))
    .map((f) => relative(repoRoot, f))
    .filter((rel) => !files.has(rel));
  t.deepEqual(extra, []);
});

test('codegen is deterministic', async (t) => {
  const a = await generateAll();
  const b = await generateAll();
  t.deepEqual([...a.entries()], [...b.entries()]);
});
