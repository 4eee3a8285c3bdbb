/** Where a tenant's SCIM resources live: the store, the tenant, and the absolute base URL for `meta.location`. */
import type { Store } from '../../store/collections.ts';
import type { AttributeSelection } from './attributes.ts';

export interface ScimEndpoint {
  store: Store;
  tenantId: string;
  /** e.g. `http://localhost:8080/api/scim/v2/default` (RFC 7644 §3.2: resources at `{base}/Users/{id}`) */
  baseUrl: string;
}

export function locationOf(endpoint: ScimEndpoint, resourceType: 'Users' | 'Groups', id: string): string {
  return `${endpoint.baseUrl}/${resourceType}/${encodeURIComponent(id)}`;
}

/** Most records a filter that no index serves may scan; beyond it the answer is 400 `tooMany`. */
export const MAX_FILTER_SCAN = 10_000;

/** Largest page (the spec's `count` maximum). */
export const MAX_PAGE_SIZE = 100;

/**
 * Attempts of a read-modify-write before giving up on a record that keeps changing under us. Each
 * round lets at least one writer through, so N concurrent changes to one record all land when
 * N <= UPDATE_ATTEMPTS (provisioning clients send bursts of member PATCHes to one group).
 */
export const UPDATE_ATTEMPTS = 10;

/** A single resource as the handlers answer it: the body (attributes selected), its ETag and location. */
export interface ScimReply {
  body: Record<string, unknown>;
  etag: string;
  location: string;
}

export interface ListQuery {
  filter?: string;
  startIndex?: number;
  count?: number;
  selection: AttributeSelection;
  /** Overrides MAX_FILTER_SCAN (tests and operators that want a tighter bound). */
  maxScan?: number;
  /** Overrides groups.ts MAX_FILTER_SCAN_MEMBERS (the same, for the members a Group filter reads). */
  maxScanMembers?: number;
}
