/** Human-readable output of the admin CLI: aligned tables and `key: value` blocks (--json prints the data instead). */

type Cell = string | number | boolean | null | undefined;

const show = (v: Cell): string => (v === null || v === undefined || v === '' ? '-' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

/** A table with a header row; `empty` when there are no rows. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const cells = [headers.map(String), ...rows.map((r) => r.map(show))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** `label: value` lines, labels aligned. */
export function fields(pairs: readonly (readonly [string, Cell | readonly string[]])[]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${Array.isArray(v) ? (v.length ? v.join(', ') : '-') : show(v as Cell)}`).join('\n');
}
