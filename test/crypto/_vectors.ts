/**
 * The Wycheproof vector files kept in the repository (test/vectors/wycheproof/, with their LICENSE
 * and source commit). A missing or unreadable file is a test failure, never a skip: a clone without
 * them must not pass the vector tests by running none.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';

export const WYCHEPROOF_DIR = fileURLToPath(new URL('../vectors/wycheproof/', import.meta.url));

/** The parsed `testGroups` of a Wycheproof file; throws (failing the test) when the file is absent. */
export function wycheproofGroups<G>(t: ExecutionContext, file: string): G[] {
  const path = `${WYCHEPROOF_DIR}${file}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    t.fail(`Wycheproof vector file ${path} is missing: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
  const groups = (JSON.parse(text) as { testGroups?: G[] }).testGroups;
  if (!Array.isArray(groups) || groups.length === 0) throw new Error(`${path} has no testGroups`);
  return groups;
}
