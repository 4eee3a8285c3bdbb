/**
 * Every `skip` the gateway sends goes through here. MongoDB takes a skip as a 64-bit integer and
 * refuses a double beyond that range (`1e308`) or a fraction; a page number times a page size can
 * be either. Past 2^53 − 1 no collection holds anything, so such a skip is the empty page past
 * the end, which is what the APIs answer for any offset past the end.
 */
export function storeSkip(n: number): number {
  if (!Number.isFinite(n)) return n > 0 ? Number.MAX_SAFE_INTEGER : 0;
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(n)));
}
