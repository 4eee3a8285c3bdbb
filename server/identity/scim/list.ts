/**
 * RFC 7644 §3.4.2 list responses and §3.4.2.4 paging: 1-based `startIndex` (values below 1 read
 * as 1), `count` as the page size (0 asks only for `totalResults`; negative reads as 0), capped by
 * the server's maximum.
 */
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface Page {
  startIndex: number;
  count: number;
}

export function pageOf(startIndex: number | undefined, count: number | undefined, maxCount: number): Page {
  const start = startIndex === undefined || !Number.isFinite(startIndex) || startIndex < 1 ? 1 : Math.floor(startIndex);
  const size = count === undefined || !Number.isFinite(count) ? maxCount : Math.min(maxCount, Math.max(0, Math.floor(count)));
  return { startIndex: start, count: size };
}

/** The page's slice of an in-memory result. */
export function slicePage<T>(items: readonly T[], page: Page): T[] {
  return items.slice(page.startIndex - 1, page.startIndex - 1 + page.count);
}

export interface ListResponse<R> {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: R[];
}

export function listResponse<R>(totalResults: number, page: Page, resources: R[]): ListResponse<R> {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, startIndex: page.startIndex, itemsPerPage: resources.length, Resources: resources };
}
