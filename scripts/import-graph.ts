/**
 * The repository's own import graph, for the rules test/specs/import-graph.test.ts enforces: no
 * import cycle, and no identity-core module outside server/identity/vault/ that reaches into the
 * Vault. Run `npx tsx scripts/import-graph.ts` to print the cycles and the Vault imports it finds.
 *
 * Edges are the relative specifiers of static `import`/`export ... from` statements and of
 * dynamic `import()`; `import type` / `export type` edges are kept apart (they vanish at run time,
 * but a type cycle still ties modules together, so both are checked).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every .ts file under `dirs` (relative to the repository) with its relative imports. */
export function importGraph(dirs: readonly string[] = ['server', 'scripts', 'core-wasm/js', 'clients', 'test']): Edge[] {
  const edges: Edge[] = [];
  for (const dir of dirs) {
    for (const file of walk(join(ROOT, dir), [])) {
      const text = readFileSync(file, 'utf8');
      const from = relative(ROOT, file);
      for (const m of text.matchAll(STATIC)) edges.push({ from, to: relative(ROOT, resolve(dirname(file), m[3])), typeOnly: m[2] !== undefined });
      for (const m of text.matchAll(DYNAMIC)) edges.push({ from, to: relative(ROOT, resolve(dirname(file), m[1])), typeOnly: false });
    }
  }
  return edges;
}

/** The cycles of the graph (each as the list of its files, first repeated at the end); Tarjan's strongly connected components. */
export function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) found.push([...component.reverse(), component[0]]);
    }
  };
  for (const v of next.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const VAULT_SPECIFIC = [/^server\/identity\/vault\//, /^server\/apis\/secrets-vault\//, /^generated\/secrets-vault\//];

/** Imports from an identity-core module outside server/identity/vault/ into anything Vault-specific. */
export function vaultImportsOutsideVault(edges: readonly Edge[]): Edge[] {
  return edges.filter((e) => e.from.startsWith('server/identity/') && !e.from.startsWith('server/identity/vault/') && VAULT_SPECIFIC.some((p) => p.test(e.to)));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const edges = importGraph();
  const runtime = cycles(edges.filter((e) => !e.typeOnly));
  const all = cycles(edges);
  console.log(`${edges.length} imports; ${runtime.length} run-time cycles; ${all.length} cycles counting type imports`);
  for (const c of all) console.log(`cycle: ${c.join(' -> ')}`);
  for (const e of vaultImportsOutsideVault(edges)) console.log(`vault import outside vault/: ${e.from} -> ${e.to}`);
  process.exitCode = all.length > 0 || vaultImportsOutsideVault(edges).length > 0 ? 1 : 0;
}
