/** The five specs, loaded once per test file, and what the tests need to know of them. */
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { APIS } from '../../scripts/codegen/apis.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface LoadedSpec {
  name: string;
  file: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  doc: any;
}

/** `ONLY_SPECS=a,b` narrows a run to some specs while one is being written. */
export function loadSpecs(): LoadedSpec[] {
  const only = process.env.ONLY_SPECS?.split(',');
  return APIS.filter((a) => !only || only.includes(a.name)).map((a) => {
    const file = join(repoRoot, 'specs', a.spec);
    return { name: a.name, file, doc: parse(readFileSync(file, 'utf8')) };
  });
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function operationsOf(doc: any): { method: string; path: string; op: any }[] {
  const out = [];
  for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths ?? {})) {
    for (const method of METHODS) if (item[method]) out.push({ method, path, op: item[method] });
  }
  return out;
}
