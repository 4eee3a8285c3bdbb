/**
 * Builds the Express router of one API from its generated operation table: body parsers with size
 * limits, authentication by the operation's security alternatives and scopes, request (and, when
 * enabled, response) validation by express-openapi-validator, the handler, and errors in the API's
 * own shape. Unknown paths and methods under the API's prefixes also answer in that shape.
 */
import { randomUUID } from 'node:crypto';
import { validateHeaderValue } from 'node:http';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Logger } from 'pino';
import type { OperationEntry } from '../../generated/handler-types.ts';
import { GatewayError, forbidden, unauthorized } from './errors.ts';
import type { ErrorFormatter } from './error-shapes.ts';
import { hasScope, isPlatformAdmin, PLATFORM_TENANT, type Principal } from './principal.ts';
import type { CookieOptions, RequestContext } from './context.ts';
import { inMatchOrder, pathMatcher } from './route-order.ts';
import { toGatewayError } from './to-gateway-error.ts';
import type { AccessFields } from './request-id.ts';
import { parseCookies } from './cookies.ts';
import type { InFlightLimit } from './in-flight.ts';

/** Returns null when the scheme's credential is absent; throws GatewayError when it is present but bad. */
export type SchemeAuthenticator<Services> = (req: Request, services: Services) => Promise<Principal | null>;

// The generated Handlers types are exact; at the binding seam every handler is one shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = (req: any) => Promise<{ status: number; body?: unknown; headers?: Record<string, string>; contentType?: string }>;

/** The path parameter that names a tenant in every API that has one (the Vault's routes). */
export const TENANT_PATH_PARAM = 'tenant_id';
export interface ApiDefinition<Services> {
  name: string;
  spec: object;
  serverUrl: string;
  table: readonly OperationEntry[];
  handlers: object;
  security: Record<string, SchemeAuthenticator<Services>>;
  /** operationId → scopes a principal must hold (all of them) */
  requiredScopes?: Record<string, readonly string[]>;
  /** the error shape for an operation (undefined: a path that matched none) */
  errorFormatter: (op: OperationEntry | undefined) => ErrorFormatter;
  /**
   * Operations only the platform tenant's credentials may call (the operator API, creating
   * tenants): their scopes alone are not enough, since a tenant admin can hold any scope name.
   */
  platformOperations?: (operationId: string) => boolean;
  /**
   * Whether the tenant a path names exists. Checked after authentication and tenant isolation,
   * so that only a caller allowed into any tenant learns that one does not exist (404); others
   * get the same 403 for an unknown tenant as for someone else's.
   */
  tenantExists?: (services: Services, tenantId: string) => Promise<boolean>;
  /** operations that wait by design (long polls): they do not count toward the in-flight limit */
  longPollOperations?: readonly string[];
  /** path prefixes this router answers for; defaults to [serverUrl] */
  prefixes?: readonly string[];
}

export interface MountOptions<Services> {
  services: Services;
  log: Logger;
  validateResponses: boolean;
  bodyLimitBytes: number;
  binaryLimitBytes: number;
  secureCookies: boolean;
  /** aborted at shutdown, so long polls can end */
  shutdownSignal: AbortSignal;
  /** shared by every API of the gateway; absent: no load shedding */
  inFlight?: InFlightLimit;
  onRequestDone?: (api: string, operationId: string, status: number, seconds: number) => void;
}

interface Locals {
  operation?: OperationEntry;
  /** the operation whose error shape applies, known before the route itself matched */
  shapeOperation?: OperationEntry;
  principal?: Principal | null;
  requestId: string;
  log: Logger;
}

/** The access line's fields for a matched operation (http/request-id.ts): template and tenant, no ids. */
function accessFields<S>(def: ApiDefinition<S>, op: OperationEntry, req: Request): AccessFields {
  const rel = def.serverUrl === '/' ? req.baseUrl + req.path : req.path;
  const at = op.path.split('/').indexOf(`{${TENANT_PATH_PARAM}}`);
  const tenant = (at >= 0 ? rel.split('/')[at] : undefined) ?? (typeof req.query.tenant_id === 'string' ? req.query.tenant_id : undefined);
  return { route: `${def.serverUrl === '/' ? '' : def.serverUrl}${op.path}`, api: def.name, operationId: op.operationId, ...(tenant !== undefined ? { tenant } : {}) };
}

function locals(res: Response): Locals {
  return res.locals as Locals;
}

export function mountApi<Services>(def: ApiDefinition<Services>, options: MountOptions<Services>): Router {
  const router = express.Router({ strict: false, caseSensitive: true });
  const prefixes = def.prefixes ?? [def.serverUrl];
  const handlers = def.handlers as Record<string, AnyHandler>;
  const matchers = inMatchOrder(def.table).map((op) => ({ op, re: pathMatcher(op.path) }));

  // A router mounted at '/' (token exchange) must leave other paths alone.
  router.use((req, _res, next) => {
    const full = req.baseUrl + req.path;
    next(prefixes.some((p) => p === '/' || full === p || full.startsWith(p.endsWith('/') ? p : `${p}/`)) ? undefined : 'router');
  });

  router.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.onRequestDone?.(def.name, locals(res).operation?.operationId ?? 'unmatched', res.statusCode, seconds);
    });
    next();
  });

  // The operation is known before the first byte of the body is parsed, so that a body the
  // parsers refuse (malformed JSON, a bad Content-Encoding, too many form fields) is answered in
  // that operation's error shape (a SCIM error on SCIM routes, RFC 6749 on a token endpoint).
  router.use((req, res, next) => {
    const rel = def.serverUrl === '/' ? req.baseUrl + req.path : req.path;
    const method = req.method === 'HEAD' ? 'get' : req.method.toLowerCase();
    const atPath = matchers.filter((m) => m.re.test(rel));
    const exact = atPath.find((m) => m.op.method === method)?.op;
    locals(res).shapeOperation = exact ?? atPath[0]?.op;
    if (exact !== undefined) res.locals.access = accessFields(def, exact, req);
    if (options.inFlight && !def.longPollOperations?.includes(exact?.operationId ?? '')) {
      const release = options.inFlight.tryEnter();
      if (!release) return next(new GatewayError('unavailable', 'The gateway is overloaded; retry later', { headers: { 'Retry-After': '1' } }));
      res.on('close', release);
    }
    next();
  });

  router.use(express.json({ limit: options.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  router.use(express.urlencoded({ extended: false, limit: options.bodyLimitBytes, parameterLimit: 200 }));
  router.use(express.raw({ type: 'application/octet-stream', limit: options.binaryLimitBytes }));

  const validator = validatorFor(def, options.validateResponses);

  for (const op of inMatchOrder(def.table)) {
    const handler = handlers[op.operationId];
    if (typeof handler !== 'function') throw new Error(`${def.name}: no handler for ${op.operationId}`);
    router[op.method](
      op.expressPath,
      (req: Request, res: Response, next: NextFunction) => {
        locals(res).operation = op;
        authenticate(def, op, req, options.services)
          .then(async (p) => {
            locals(res).principal = p;
            const access = res.locals.access as AccessFields | undefined;
            if (access !== undefined && p?.tenantId !== undefined) access.tenant ??= p.tenantId;
            const tenant = req.params[TENANT_PATH_PARAM];
            if (typeof tenant === 'string' && def.tenantExists && !(await def.tenantExists(options.services, tenant))) {
              throw new GatewayError('not_found', `Tenant ${JSON.stringify(tenant)} not found`);
            }
            next();
          })
          .catch(next);
      },
      ...validator,
      (req: Request, res: Response, next: NextFunction) => {
        invoke(def, op, handler, req, res, options).catch(next);
      },
    );
  }

  // Under our prefixes, a path of the spec with another method is 405; anything else is 404.
  router.use((req, res, next) => {
    const rel = def.serverUrl === '/' ? req.baseUrl + req.path : req.path;
    const allowed = matchers.filter((m) => m.re.test(rel)).map((m) => m.op.method.toUpperCase());
    if (allowed.length) {
      res.setHeader('Allow', [...new Set(allowed)].join(', '));
      next(new GatewayError('method_not_allowed', `Method ${req.method} is not allowed here`));
    } else {
      next(new GatewayError('not_found', `No operation at ${req.method} ${req.baseUrl}${req.path}`));
    }
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendError(def, err, res);
  });
  return router;
}

/**
 * express-openapi-validator spends 0.5 to 2 s of CPU loading a large spec; its middleware keeps no
 * per-app state, so gateways in one process (the tests start several) share it per spec.
 */
const validators = new Map<string, ReturnType<typeof OpenApiValidator.middleware>>();

function validatorFor<S>(def: ApiDefinition<S>, validateResponses: boolean): ReturnType<typeof OpenApiValidator.middleware> {
  const key = `${def.name}:${validateResponses}`;
  let validator = validators.get(key);
  if (!validator) {
    validator = OpenApiValidator.middleware({
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      apiSpec: def.spec as any,
      // Parameters are always coerced from strings by the validator; JSON bodies keep their types.
      validateRequests: { allowUnknownQueryParameters: true, coerceTypes: false, removeAdditional: false },
      validateResponses: validateResponses ? { removeAdditional: false } : false,
      validateSecurity: false,
      validateApiSpec: false,
      validateFormats: true,
      ignoreUndocumented: true,
      // 'dereference' would loop on the recursive schemas some specs have
      $refParser: { mode: 'bundle' },
    });
    validators.set(key, validator);
  }
  return validator;
}

async function authenticate<S>(def: ApiDefinition<S>, op: OperationEntry, req: Request, services: S): Promise<Principal | null> {
  if (op.security.length === 0) return null;
  let firstRefusal: unknown;
  let principal: Principal | null = null;
  let specScopes: readonly string[] = [];
  for (const [index, alternative] of op.security.entries()) {
    if (alternative.length === 0) continue;
    let satisfied: Principal | null = null;
    for (const scheme of alternative) {
      const authn = def.security[scheme];
      if (!authn) throw new Error(`${def.name}: no authenticator for security scheme ${scheme}`);
      let p: Principal | null = null;
      try {
        p = await authn(req, services);
      } catch (e) {
        if (!(e instanceof GatewayError)) throw e;
        firstRefusal ??= e;
      }
      if (!p) {
        satisfied = null;
        break;
      }
      satisfied ??= p;
    }
    if (satisfied) {
      principal = satisfied;
      specScopes = op.securityScopes?.[index] ?? [];
      break;
    }
  }
  // A credential that was presented and refused is never downgraded to anonymous access.
  if (!principal && firstRefusal) throw firstRefusal;
  if (!principal) {
    if (op.security.some((alt) => alt.length === 0)) return null;
    throw unauthorized();
  }
  const needed = [...specScopes, ...(def.requiredScopes?.[op.operationId] ?? [])];
  const missing = needed.filter((s) => !hasScope(principal as Principal, s));
  if (missing.length) throw forbidden(`Missing scope: ${missing.join(' ')}`, { params: { missingScopes: missing.join(' ') } });
  if (def.platformOperations?.(op.operationId) && principal.tenantId !== PLATFORM_TENANT) {
    throw forbidden('Only credentials of the platform tenant may do this');
  }
  // Tenant isolation: a tenant named in the path must be the principal's own, unless the
  // principal administers the platform.
  const pathTenant = req.params[TENANT_PATH_PARAM];
  if (typeof pathTenant === 'string' && pathTenant !== principal.tenantId && !isPlatformAdmin(principal)) {
    throw forbidden('This credential belongs to another tenant');
  }
  return principal;
}

async function invoke<S>(def: ApiDefinition<S>, op: OperationEntry, handler: AnyHandler, req: Request, res: Response, options: MountOptions<S>): Promise<void> {
  const l = locals(res);
  const abort = new AbortController();
  const onShutdown = () => abort.abort(new Error('shutting down'));
  options.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
  res.on('close', () => {
    options.shutdownSignal.removeEventListener('abort', onShutdown);
    if (!res.writableFinished) abort.abort(new Error('client closed the connection'));
  });
  const context: RequestContext<S> = {
    requestId: l.requestId,
    operationId: op.operationId,
    log: l.log.child({ api: def.name, operationId: op.operationId }),
    ip: req.ip ?? req.socket.remoteAddress ?? '',
    userAgent: req.get('user-agent') ?? '',
    host: (req.get('host') ?? '').toLowerCase(),
    signal: abort.signal,
    services: options.services,
    setCookie(name: string, value: string, o: CookieOptions = {}) {
      res.cookie(name, value, {
        httpOnly: true,
        secure: options.secureCookies,
        sameSite: o.sameSite ?? 'lax',
        path: o.path ?? '/',
        ...(o.maxAgeSeconds !== undefined ? { maxAge: o.maxAgeSeconds * 1000 } : {}),
      });
    },
    clearCookie(name: string, path = '/') {
      res.clearCookie(name, { path, httpOnly: true, secure: options.secureCookies, sameSite: 'lax' });
    },
  };
  const binary = op.requestContentTypes.includes('application/octet-stream') && Buffer.isBuffer(req.body);
  const reply = await handler({
    params: req.params,
    query: req.query,
    headers: req.headers,
    cookies: parseCookies(req.headers.cookie),
    body: binary ? new Uint8Array(req.body as Buffer) : req.body,
    principal: l.principal ?? null,
    context,
  });
  if (res.headersSent) return;
  res.status(reply.status);
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  if (reply.body === undefined) {
    res.end();
  } else if (reply.body === null) {
    // FastAPI's literal `null` bodies; express-openapi-validator would take null for "no body".
    res.type(reply.contentType ?? 'application/json').send('null');
  } else if (reply.contentType && !/json/.test(reply.contentType)) {
    res.type(reply.contentType).send(reply.body as string | Buffer);
  } else {
    if (reply.contentType) res.type(reply.contentType);
    res.json(reply.body);
  }
}

/**
 * How an error reply is logged. Only a fault of the gateway (500, a failed dependency) is `error`,
 * with its stack. A 501 is a known gap and a 4xx the caller's mistake: `info`, no stack. A 503
 * is a known condition (starting, overloaded, store down) an operator may want to see: `warn`.
 */
export function errorLogLevel(gerr: GatewayError): 'error' | 'warn' | 'info' {
  if (gerr.kind === 'not_implemented' || gerr.status < 500) return 'info';
  if (gerr.kind === 'unavailable') return 'warn';
  return 'error';
}

function sendError<S>(def: ApiDefinition<S>, err: unknown, res: Response): void {
  const l = locals(res);
  const gerr = toGatewayError(err);
  const errorId = randomUUID();
  const log = l.log ?? console;
  const level = errorLogLevel(gerr);
  if (level === 'error') {
    log.error({ err: gerr.options.cause ?? gerr, errorId, requestId: l.requestId, api: def.name, operationId: l.operation?.operationId }, `${gerr.kind}: ${gerr.message}`);
  } else {
    log[level]({ errorId, requestId: l.requestId, api: def.name, operationId: l.operation?.operationId, kind: gerr.kind, status: gerr.status }, gerr.message);
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const shaped = def.errorFormatter(l.operation ?? l.shapeOperation)(gerr, errorId);
  res.status(shaped.status);
  res.setHeader('X-Error-Id', errorId);
  for (const [k, v] of Object.entries(gerr.options.headers ?? {})) {
    // A header value built from request data that escaped quoting would make Node throw here
    // and turn a refusal into a 500; it is dropped and logged instead.
    try {
      validateHeaderValue(k, v);
      res.setHeader(k, v);
    } catch {
      log.error({ errorId, header: k }, 'dropped an invalid header value from an error reply');
    }
  }
  if (gerr.kind === 'unauthorized' && !res.getHeader('WWW-Authenticate')) res.setHeader('WWW-Authenticate', 'Bearer');
  const payload = JSON.stringify(shaped.body);
  res.type(shaped.contentType ?? 'application/json');
  try {
    // Through res.json so that response validation (tests) also checks error bodies.
    res.json(shaped.body);
  } catch (validationFailure) {
    // The error body itself failed response validation: log it, and still answer the client.
    log.error({ err: validationFailure, errorId }, 'error reply failed response validation');
    if (!res.headersSent) res.end(payload);
  }
}
