/**
 * What a handler may use beyond its typed inputs: the request's identity for logs and audit, the
 * client address, cancellation (client gone or shutdown), cookies, and the gateway's services.
 */
import type { Logger } from 'pino';

export interface CookieOptions {
  maxAgeSeconds?: number;
  path?: string;
  sameSite?: 'lax' | 'strict' | 'none';
}

export interface RequestContext<Services> {
  requestId: string;
  operationId: string;
  log: Logger;
  ip: string;
  userAgent: string;
  /** the request's Host header (lower case; '' when absent) */
  host: string;
  /** aborted when the client disconnects or the gateway shuts down: long polls end early on it */
  signal: AbortSignal;
  services: Services;
  /** HttpOnly, SameSite=Lax (default), Secure when PUBLIC_URL is https */
  setCookie(name: string, value: string, options?: CookieOptions): void;
  clearCookie(name: string, path?: string): void;
}
