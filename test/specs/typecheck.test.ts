/**
 * `tsc --noEmit` over the whole project, including test/types/, whose `@ts-expect-error` lines
 * prove that the generated clients and Handlers refuse wrong bodies, missing parameters, wrong
 * enums and wrong reply shapes: an expected error that does not occur fails the compile.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { repoRoot } from '../helpers/specs.ts';

const run = promisify(execFile);

test('tsc --noEmit is clean', async (t) => {
  try {
    await run(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', join(repoRoot, 'tsconfig.json')], { cwd: repoRoot, maxBuffer: 32 << 20 });
    t.pass();
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    t.fail(`tsc reported errors:\n${(err.stdout ?? '').slice(0, 8000)}${err.stderr ?? ''}`);
  }
});
