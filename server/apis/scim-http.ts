/**
 * What the SCIM handlers of every API share over HTTP (RFC 7644): the response media type, the
 * request's attribute selection and If-Match, and the audit record of each change. The SCIM rules
 * themselves live in the identity core (server/identity/scim).
 */
import { selectionFromQuery, type AttributeSelection } from '../identity/scim/attributes.ts';
import type { ListQuery } from '../identity/scim/endpoint.ts';
import { ifMatchHeader } from '../identity/scim/etag.ts';
import type { ApiContext, ApiPrincipal } from './types.ts';

/** RFC 7644 §3.1 / §8.1. */
export const SCIM_MEDIA_TYPE = 'application/scim+json';

/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9). Where a spec does not declare
 * them on an operation they arrive as undeclared query parameters, which the validator lets
 * through, and are honoured the same way.
 */
export function selectionOf(query: unknown): AttributeSelection {
  return selectionFromQuery((query ?? {}) as Record<string, unknown>);
}

/** A list request's query (RFC 7644 §3.4.2): filter, paging and attribute selection. */
export function listQueryOf(query: { filter?: string | null; startIndex?: number; count?: number }): ListQuery {
  return { filter: query.filter ?? undefined, startIndex: query.startIndex, count: query.count, selection: selectionOf(query) };
}

/** The request's If-Match (RFC 7644 §3.14); the specs do not declare the header, the validator lets it through. */
export function ifMatchOf(headers: unknown): string | undefined {
  return ifMatchHeader((headers ?? {}) as Record<string, unknown>);
}

export function auditScim(context: ApiContext, principal: ApiPrincipal, tenantId: string, action: string, target: string | null): Promise<void> {
  return context.services.identity.audit.record({
    tenantId,
    actor: principal.kind === 'api_key' ? { type: 'api_key', id: principal.credentialId } : { type: 'user', id: principal.userId ?? principal.subject },
    action,
    outcome: 'success',
    target,
    ip: context.ip,
    requestId: context.requestId,
    details: {},
  });
}
