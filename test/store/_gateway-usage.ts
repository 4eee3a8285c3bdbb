/**
 * What of MongoDB the gateway's own code uses, read from its sources: the `$` operators written
 * in `server/` (outside the embedded engine) and the kinds of index declared in
 * server/store/collections.ts. The conformance suite must cover each of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { IndexDescription } from 'mongodb';
import { INDEXES } from '../../server/store/collections.ts';

const SERVER = path.resolve(import.meta.dirname, '../../server');
const ENGINE = path.join(SERVER, 'store', 'engine');

/** `$` names in the server's code that are not MongoDB operators. */
export const NOT_MONGODB: Record<string, string> = {
  $ref: 'SCIM reference attribute (RFC 7643 section 2.3.7), not a DBRef',
  $refParser: 'an express-openapi-validator option',
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== ENGINE) out.push(...sourceFiles(full));
    } else if (entry.name.endsWith('.ts')) {
      out.push(full);
    }
  }
  return out;
}

/**
 * Every `$name` written as a property name or a string literal in the server's code (comments
 * are not code), with the files that use it: operator keys (`{ $set: ... }`, `'$in'`) and
 * operator strings alike.
 */
export function operatorsUsedByServer(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const file of sourceFiles(SERVER)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      let name: string | undefined;
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
        const parent = node.parent;
        if (parent && (ts.isPropertyAssignment(parent) || ts.isShorthandPropertyAssignment(parent) || ts.isPropertyAccessExpression(parent) || ts.isPropertySignature(parent)) && parent.name === node) {
          name = node.text;
        }
      } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        name = node.text;
      }
      if (name && /^\$[A-Za-z]+$/.test(name) && !(name in NOT_MONGODB)) {
        const files = used.get(name) ?? [];
        const rel = path.relative(path.dirname(SERVER), file);
        if (!files.includes(rel)) files.push(rel);
        used.set(name, files);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return used;
}

/**
 * The kinds of index the gateway declares: a key kind for each key (`ascending`, `descending`,
 * `compound`, `dotted path`) and one for each option (`unique`, `sparse`, `partial`, `ttl`);
 * anything else is named by itself (`option:collation`, `key type:text`) so that it cannot pass
 * unnoticed.
 */
export function indexKindsUsedByServer(): Map<string, string[]> {
  const kinds = new Map<string, string[]>();
  const add = (kind: string, where: string): void => {
    const list = kinds.get(kind) ?? [];
    if (!list.includes(where)) list.push(where);
    kinds.set(kind, list);
  };
  for (const [collection, indexes] of Object.entries(INDEXES) as [string, IndexDescription[]][]) {
    for (const index of indexes) {
      const where = `${collection}.${index.name}`;
      const key = index.key as Record<string, unknown>;
      if (Object.keys(key).length > 1) add('compound', where);
      for (const [field, dir] of Object.entries(key)) {
        if (dir === 1) add('ascending', where);
        else if (dir === -1) add('descending', where);
        else add(`key type:${String(dir)}`, where);
        if (field.includes('.')) add('dotted path', where);
      }
      for (const [option, value] of Object.entries(index)) {
        if (option === 'key' || option === 'name' || value === undefined) continue;
        if (option === 'unique' && value === true) add('unique', where);
        else if (option === 'sparse' && value === true) add('sparse', where);
        else if (option === 'partialFilterExpression') add('partial', where);
        else if (option === 'expireAfterSeconds') add('ttl', where);
        else add(`option:${option}=${JSON.stringify(value)}`, where);
      }
    }
  }
  return kinds;
}
