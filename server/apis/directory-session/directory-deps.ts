/**
 * The Directory rules' dependencies from the request's services, the session a bearer names, and
 * the core's refusals as this API's errors (`{code, error: true, uuid}`, error-shapes.ts).
 */
import { GatewayError, unauthorized } from '../../http/errors.ts';
import { directoryDepsOf, type DirectoryDeps } from '../../identity/directory/context.ts';
import { DirectoryRefusal, type DirectoryRefusalReason } from '../../identity/directory/refusal.ts';
import { findAliveSession } from '../../identity/directory/sessions.ts';
import type { DirectorySessionDoc } from '../../store/collections.ts';
import type { GatewayServices } from '../../services.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';
import type { ErrorKind } from '../../http/errors.ts';

export const directoryDeps = (services: GatewayServices): DirectoryDeps => directoryDepsOf(services);

const ERRORS: Record<DirectoryRefusalReason, { kind: ErrorKind; code: string; status?: number }> = {
  unknown: { kind: 'bad_request', code: 'E_InvalidParameter' },
  invalid: { kind: 'bad_request', code: 'E_InvalidParameter' },
  forbidden: { kind: 'forbidden', code: 'E_Forbidden' },
  reused: { kind: 'conflict', code: 'E_Conflict' },
  conflict: { kind: 'conflict', code: 'E_Conflict' },
  nothing: { kind: 'not_found', code: 'E_NotFound' },
  limit: { kind: 'conflict', code: 'E_BorrowLimitReached' },
  no_upstream: { kind: 'unavailable', code: 'E_ServiceUnavailable' },
  upstream: { kind: 'unavailable', code: 'E_UpstreamError', status: 502 },
};

/** The Infinite error code of a refusal (also used in the final redirect's fragment). */
export function refusalCode(refusal: DirectoryRefusal): string {
  return ERRORS[refusal.reason].code;
}

/** A refusal of the Directory rules as this API's error. */
export function refusalError(refusal: DirectoryRefusal): GatewayError {
  const e = ERRORS[refusal.reason];
  return new GatewayError(e.kind, refusal.message, { code: e.code, ...(e.status ? { status: e.status } : {}) });
}

/** Runs a Directory rule; its refusals become this API's errors. */
export async function directoryCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof DirectoryRefusal ? refusalError(error) : error;
  }
}

/** The open session the directory bearer names; 401 once it is closed, idle or past its end of life. */
export async function sessionOf(principal: ApiPrincipal, context: ApiContext): Promise<DirectorySessionDoc> {
  const sid = principal.claims?.sid;
  if (typeof sid !== 'string') throw unauthorized('This bearer names no directory session');
  const session = await findAliveSession(directoryDeps(context.services), principal.tenantId, sid);
  if (session === null || session.userId !== principal.userId) throw unauthorized('The directory session is closed or expired');
  return session;
}
