/**
 * What every generated client shares: choosing the credentials an operation's security asks for
 * and putting them in the right header, and sending form and binary bodies as the spec says
 * (openapi-fetch serialises every body as JSON by default).
 */
import type { Client, Middleware } from 'openapi-fetch';
import type { OperationEntry, SchemeEntry } from '../generated/handler-types.ts';

export interface BasicCredentials {
  username: string;
  password?: string;
}

export type Credential = string | BasicCredentials;

export function joinUrl(base: string, path: string): string {
  const b = base.replace(/\/+$/, '');
  const p = path === '/' ? '' : path.replace(/\/+$/, '');
  return b + p;
}

function basicValue(c: Credential): string {
  const { username, password = '' } = typeof c === 'string' ? { username: c } : c;
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function headerFor(scheme: SchemeEntry, c: Credential): [string, string] | null {
  if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.headerName && typeof c === 'string') return [scheme.headerName, c];
  if (scheme.type === 'http' && scheme.scheme === 'bearer' && typeof c === 'string') return ['Authorization', `Bearer ${c}`];
  if (scheme.type === 'http' && scheme.scheme === 'basic') return ['Authorization', basicValue(c)];
  return null;
}

/** Operation lookup by method and the spec's templated path, as openapi-fetch reports them. */
function indexOperations(table: readonly OperationEntry[]): Map<string, OperationEntry> {
  return new Map(table.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op]));
}

/**
 * The first security alternative whose schemes all have credentials wins; an operation whose
 * alternatives cannot be met is sent without credentials, and the server answers 401.
 */
export function chooseHeaders(
  op: OperationEntry | undefined,
  schemes: Record<string, SchemeEntry>,
  auth: Record<string, Credential | undefined>,
): [string, string][] {
  if (!op) return [];
  for (const alternative of op.security) {
    if (alternative.length === 0) continue;
    if (!alternative.every((name) => auth[name] !== undefined && schemes[name])) continue;
    const headers = alternative.map((name) => headerFor(schemes[name], auth[name] as Credential));
    if (headers.every((h) => h !== null)) return headers as [string, string][];
  }
  return [];
}

export function installGatewayMiddleware(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  client: Client<any>,
  table: readonly OperationEntry[],
  schemes: Record<string, SchemeEntry>,
  auth: () => object,
): void {
  const operations = indexOperations(table);
  const middleware: Middleware = {
    async onRequest({ request, schemaPath }) {
      const op = operations.get(`${request.method} ${schemaPath}`);
      let next = request;
      const contentType = op?.requestContentTypes[0];
      if (contentType === 'application/x-www-form-urlencoded' && request.body) {
        const form = toForm(JSON.parse(await request.clone().text()));
        next = new Request(request, { body: form, headers: request.headers });
        next.headers.set('Content-Type', contentType);
      } else if (contentType && contentType !== 'application/json' && request.body) {
        next.headers.set('Content-Type', contentType);
      }
      for (const [name, value] of chooseHeaders(op, schemes, auth() as Record<string, Credential | undefined>)) {
        if (!next.headers.has(name)) next.headers.set(name, value);
      }
      return next;
    },
  };
  client.use(middleware);
}

/** Binary bodies go as they are; everything else as JSON (form bodies are re-encoded above). */
export function serializeBody(body: unknown): BodyInit {
  if (body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob) return body as BodyInit;
  return JSON.stringify(body);
}

function toForm(value: Record<string, unknown>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) form.append(k, String(item));
    else form.append(k, String(v));
  }
  return form;
}
