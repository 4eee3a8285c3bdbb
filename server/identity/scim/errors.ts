/**
 * SCIM failures as GatewayErrors (RFC 7644 §3.12): the status, and for 400s and 409s the
 * `scimType` the router's scimError formatter puts in the body. Domain code throws these; no
 * handler builds an error body.
 */
import { GatewayError, type ErrorKind } from '../../http/errors.ts';

/** RFC 7644 §3.12, Table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

const KIND: Record<number, ErrorKind> = { 400: 'bad_request', 404: 'not_found', 409: 'conflict', 412: 'conflict' };

export function scimFailure(status: number, scimType: ScimType | undefined, detail: string): GatewayError {
  return new GatewayError(KIND[status] ?? 'bad_request', detail, { status, ...(scimType ? { scimType } : {}) });
}

export const invalidFilter = (detail: string) => scimFailure(400, 'invalidFilter', detail);
export const invalidPath = (detail: string) => scimFailure(400, 'invalidPath', detail);
export const invalidSyntax = (detail: string) => scimFailure(400, 'invalidSyntax', detail);
export const invalidValue = (detail: string) => scimFailure(400, 'invalidValue', detail);
export const noTarget = (detail: string) => scimFailure(400, 'noTarget', detail);
export const mutability = (detail: string) => scimFailure(400, 'mutability', detail);
export const tooMany = (detail: string) => scimFailure(400, 'tooMany', detail);
export const uniqueness = (detail: string) => scimFailure(409, 'uniqueness', detail);
export const resourceNotFound = (resourceType: string, id: string) => scimFailure(404, undefined, `${resourceType} ${id} not found`);
/**
 * RFC 7644 §3.14: a stale If-Match is 412. Table 9 defines no scimType for 412 (its types are
 * for 400 and 409), so the body carries only status and detail.
 */
export const preconditionFailed = (detail: string) => scimFailure(412, undefined, detail);
