/**
 * OpenAPI §4.8.8: concrete path segments match before templated ones (`/users/batch` before
 * `/users/{id}`). Express matches in registration order, so routes are registered in this order.
 */
import type { OperationEntry } from '../../generated/handler-types.ts';

function compareSegments(a: string, b: string): number {
  const sa = a.split('/');
  const sb = b.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const ta = sa[i].startsWith('{');
    const tb = sb[i].startsWith('{');
    if (ta !== tb) return ta ? 1 : -1;
  }
  return sb.length - sa.length || a.localeCompare(b);
}

export function inMatchOrder<T extends OperationEntry>(ops: readonly T[]): T[] {
  return [...ops].sort((x, y) => compareSegments(x.path, y.path));
}

/** A regular expression for a spec path, to tell "wrong method" (405) from "no such path" (404). */
export function pathMatcher(path: string): RegExp {
  const body = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}/?$`);
}
