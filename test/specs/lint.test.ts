/** `@redocly/cli lint` with the committed redocly.yaml: no errors in any spec. */
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { loadSpecs, repoRoot } from '../helpers/specs.ts';

const run = promisify(execFile);

test('redocly lint: no errors in the five specs', async (t) => {
  const files = loadSpecs().map((s) => s.file);
  const bin = join(repoRoot, 'node_modules', '.bin', 'redocly');
  try {
    const { stdout, stderr } = await run(bin, ['lint', '--config', join(repoRoot, 'redocly.yaml'), ...files], { cwd: repoRoot, maxBuffer: 32 << 20 });
    const summary = `${stdout}\n${stderr}`.split('\n').filter((l) => /valid|warning|error/i.test(l) && !/^\s*$/.test(l));
    t.log(summary.slice(-files.length - 2).join('\n'));
    t.pass();
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    t.fail(`redocly lint failed:\n${(err.stdout ?? '').slice(-6000)}\n${(err.stderr ?? '').slice(-3000)}`);
  }
});
