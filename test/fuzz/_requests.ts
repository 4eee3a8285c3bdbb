/**
 * Requests for every operation of a spec: one valid request sampled from the operation's schemas
 * (openapi-sampler), then named mutations of it, each a class of hostile input that once made
 * the gateway answer 500 or a wrong shape, so that none can come back. Random JSON values come
 * from fast-check with a fixed seed, so a run is repeatable; `npm run fuzz` draws more of them.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { sample } from 'openapi-sampler';

type Json = unknown;
type Schema = Record<string, unknown>;

export interface SpecOperation {
  operationId: string;
  method: string;
  /** the spec path, below the API's server URL */
  path: string;
  pathParams: string[];
  queryParams: { name: string; schema: Schema; required: boolean }[];
  /** the first request content type, if the operation takes a body */
  contentType?: string;
  bodySchema?: Schema;
  /** operation security alternatives, scheme names */
  security: string[][];
}

export interface FuzzRequest {
  mutation: string;
  method: string;
  /** already percent-encoded path parameter values */
  pathParams: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body?: Buffer;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { securitySchemes?: Record<string, Record<string, string>> };
  security?: Record<string, string[]>[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

export function operationsOf(doc: OpenApiDoc): SpecOperation[] {
  const ops: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters as unknown as Record<string, unknown>[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [...shared, ...((op.parameters as Record<string, unknown>[] | undefined) ?? [])].map((p) => resolve(doc, p));
      const content = (resolve(doc, op.requestBody as Schema | undefined)?.content ?? {}) as Record<string, { schema?: Schema }>;
      const contentType = Object.keys(content)[0];
      ops.push({
        operationId: String(op.operationId),
        method,
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => String(p.name)),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: String(p.name), schema: (p.schema as Schema) ?? {}, required: p.required === true })),
        contentType,
        bodySchema: contentType ? content[contentType]?.schema : undefined,
        security: ((op.security as Record<string, string[]>[] | undefined) ?? doc.security ?? []).map((alt) => Object.keys(alt)),
      });
    }
  }
  return ops;
}

function resolve<T extends Record<string, unknown> | undefined>(doc: OpenApiDoc, node: T): T {
  let current = node as Record<string, unknown> | undefined;
  for (let i = 0; current && typeof current.$ref === 'string' && i < 10; i++) {
    current = String(current.$ref)
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((acc, key) => (acc as Record<string, unknown>)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc) as Record<string, unknown>;
  }
  return current as T;
}

function sampled(schema: Schema | undefined, doc: OpenApiDoc): Json {
  if (!schema) return undefined;
  try {
    return sample(schema as never, { skipReadOnly: true, quiet: true }, doc as never);
  } catch {
    return {};
  }
}

/** Known-good values for the path parameters that name things the fresh gateway has. */
const KNOWN_PATH_VALUES: Record<string, string> = { tenant_id: 'default' };

function encodeBody(contentType: string | undefined, value: Json): Buffer | undefined {
  if (!contentType || value === undefined) return undefined;
  if (contentType.includes('json')) return Buffer.from(JSON.stringify(value));
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    return Buffer.from(form.toString());
  }
  if (contentType === 'application/octet-stream') return Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]);
  return Buffer.from(String(value));
}

export function validRequest(op: SpecOperation, doc: OpenApiDoc, longPoll: boolean): FuzzRequest {
  const pathParams: Record<string, string> = {};
  for (const name of op.pathParams) pathParams[name] = encodeURIComponent(KNOWN_PATH_VALUES[name] ?? 'fuzz-id');
  const query: [string, string][] = [];
  for (const q of op.queryParams) {
    let v = sampled(q.schema, doc);
    // a long poll is asked to wait one second, so that the run stays short
    if (longPoll && (q.schema.type === 'integer' || q.schema.type === 'number')) v = 1;
    if (v === undefined || v === null) continue;
    query.push([q.name, Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)]);
  }
  const headers: Record<string, string> = {};
  const body = encodeBody(op.contentType, sampled(op.bodySchema, doc));
  if (body) headers['content-type'] = op.contentType as string;
  return { mutation: 'valid', method: op.method.toUpperCase(), pathParams, query, headers, body };
}

const HUGE_STRING = 'A'.repeat(100_000);
const NASTY_STRINGS = ['\u0000', 'a\u0000b', '\ud800', '\u202e\u0645\u0631\u062d\u0628\u0627', '👩‍👩‍👧‍👦', '$where', '{"$gt":""}', '../../etc/passwd', '<script>alert(1)</script>', ' ', ''];
// `..` and `%2E%2E` as a whole segment are dot-segments the client itself removes (RFC 3986
// §5.2.4), so the request would not reach the operation; encoded slashes and NUL do.
const NASTY_PATH = ['..%2F..%2Fetc%2Fpasswd', '%2E%2E%2F%2E%2E%2F', '%00', 'a%0D%0ASet-Cookie%3A%20fuzz%3D1'];
const MALFORMED_PERCENT = ['%', '%E0%A4%A', '%C0%AE%C0%AE%C0%AF', '%ZZ'];
const HEADER_INJECTION = ['x%22%2C%20fuzzinj%3D%22y', 'x%0D%0Afuzzinj%3A%201', '%C3%BC%C3%BC'];
const NUMBER_EDGES = ['1e308', '-1', '1.5', '99999999999999999999', 'NaN', '-0', '0x10', ''];

function mapTopLevel(value: Json, f: (v: Json) => Json): Json {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value as Record<string, Json>).map(([k, v]) => [k, f(v)]));
  }
  return f(value);
}

const otherType = (v: Json): Json =>
  typeof v === 'string' ? 12345 : typeof v === 'number' ? 'not-a-number' : typeof v === 'boolean' ? 'true' : Array.isArray(v) ? { not: 'an array' } : v === null ? [] : 'not-an-object';

function withBody(base: FuzzRequest, mutation: string, body: Buffer, headers: Record<string, string> = {}): FuzzRequest {
  return { ...base, mutation, body, headers: { ...base.headers, ...headers } };
}

/** Every mutation that applies to the operation; each is one or a few requests. */
export function mutations(op: SpecOperation, doc: OpenApiDoc, base: FuzzRequest, options: { seed: number; randomRuns: number; bodyLimit: number }): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  const sampleBody = op.bodySchema ? sampled(op.bodySchema, doc) : undefined;
  const json = op.contentType?.includes('json') ?? false;
  const ct = op.contentType ?? 'application/json';

  if (op.pathParams.length) {
    for (const [mutation, values] of [
      ['path-traversal', NASTY_PATH],
      ['malformed-percent', MALFORMED_PERCENT],
      ['header-injection', HEADER_INJECTION],
    ] as const) {
      for (const value of values) {
        out.push({ ...base, mutation, pathParams: Object.fromEntries(op.pathParams.map((p) => [p, value])) });
      }
    }
    out.push({ ...base, mutation: 'huge-values', pathParams: Object.fromEntries(op.pathParams.map((p) => [p, 'x'.repeat(4000)])) });
  }

  if (op.queryParams.length) {
    out.push({ ...base, mutation: 'duplicate-query', query: [...base.query, ...base.query, ...op.queryParams.map((q) => [q.name, 'dup'] as [string, string])] });
    out.push({ ...base, mutation: 'wrong-types', query: op.queryParams.map((q) => [q.name, q.schema.type === 'string' ? '[object Object]' : 'not-a-number']) });
    out.push({ ...base, mutation: 'missing-required', query: [] });
    for (const edge of NUMBER_EDGES) {
      out.push({ ...base, mutation: 'number-edges', query: op.queryParams.map((q) => [q.name, edge]) });
    }
    for (const nasty of NASTY_STRINGS) out.push({ ...base, mutation: 'unicode-nul', query: op.queryParams.map((q) => [q.name, nasty]) });
  }

  if (op.contentType) {
    out.push(withBody(base, 'malformed-json', Buffer.from('{"a":'), { 'content-type': json ? ct : 'application/json' }));
    for (const scalar of ['42', '"x"', 'null', '[]', 'true']) out.push(withBody(base, 'top-level-scalar', Buffer.from(scalar), { 'content-type': json ? ct : 'application/json' }));
    out.push(withBody(base, 'missing-required', Buffer.from(json ? '{}' : ''), { 'content-type': ct }));
    if (sampleBody !== undefined) {
      out.push(withBody(base, 'wrong-types', encodeBody(ct, mapTopLevel(sampleBody, otherType)) ?? Buffer.alloc(0), { 'content-type': ct }));
      out.push(withBody(base, 'huge-values', encodeBody(ct, mapTopLevel(sampleBody, (v) => (typeof v === 'number' ? 1e308 : Array.isArray(v) ? Array(2000).fill(v[0] ?? 'x') : HUGE_STRING))) ?? Buffer.alloc(0), { 'content-type': ct }));
      out.push(withBody(base, 'unicode-nul', encodeBody(ct, mapTopLevel(sampleBody, (v) => (typeof v === 'string' ? `${v}\u0000\ud800\u202e` : v))) ?? Buffer.alloc(0), { 'content-type': ct }));
      if (json && sampleBody && typeof sampleBody === 'object' && !Array.isArray(sampleBody)) {
        out.push(withBody(base, 'extra-fields', Buffer.from(JSON.stringify({ ...(sampleBody as object), zzExtra: 'x' }).replace(/^\{/, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},')), { 'content-type': ct }));
      }
    }
    const payload = base.body ?? Buffer.from('{}');
    out.push(withBody(base, 'wrong-content-type', payload, { 'content-type': 'text/plain' }));
    out.push(withBody(base, 'wrong-content-type', payload, { 'content-type': 'application/xml' }));
    out.push(withBody(base, 'wrong-content-type', payload, { 'content-type': 'multipart/form-data; boundary=x' }));
    out.push(withBody(base, 'content-encoding', Buffer.from('garbage, not gzip'), { 'content-type': ct, 'content-encoding': 'gzip' }));
    out.push(withBody(base, 'content-encoding', Buffer.from('garbage, not deflate'), { 'content-type': ct, 'content-encoding': 'deflate' }));
    out.push(withBody(base, 'content-encoding', Buffer.from('garbage, not brotli'), { 'content-type': ct, 'content-encoding': 'br' }));
    out.push(withBody(base, 'content-encoding', gzipSync(payload), { 'content-type': ct, 'content-encoding': 'x-unknown' }));
    out.push(withBody(base, 'content-encoding', gzipSync(payload).subarray(0, 12), { 'content-type': ct, 'content-encoding': 'gzip' }));
    out.push(withBody(base, 'bad-charset', payload, { 'content-type': `${ct}; charset=utf-16` }));
    out.push(withBody(base, 'bad-charset', payload, { 'content-type': `${ct}; charset=klingon` }));
    out.push(withBody(base, 'many-form-params', Buffer.from(Array.from({ length: 250 }, (_, i) => `p${i}=${i}`).join('&')), { 'content-type': 'application/x-www-form-urlencoded' }));
    out.push(withBody(base, 'oversized-body', Buffer.from(JSON.stringify({ pad: 'x'.repeat(options.bodyLimit + 10) })), { 'content-type': json ? ct : 'application/json' }));
    if (json) {
      for (const value of fc.sample(fc.jsonValue({ maxDepth: 3 }), { seed: options.seed ^ hash(op.operationId), numRuns: options.randomRuns })) {
        out.push(withBody(base, 'random-json', Buffer.from(JSON.stringify(value) ?? 'null'), { 'content-type': ct }));
      }
    }
  }

  for (const value of fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), { seed: options.seed ^ hash(op.path), numRuns: Math.max(1, options.randomRuns >> 1) })) {
    out.push({
      ...base,
      mutation: 'random-strings',
      pathParams: Object.fromEntries(op.pathParams.map((p) => [p, encodeURIComponent(toWellFormed(value)) || 'x'])),
      query: op.queryParams.map((q) => [q.name, toWellFormed(value)]),
    });
  }
  return out;
}

function toWellFormed(s: string): string {
  return s.replace(/[\ud800-\udfff]/g, '\ufffd');
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The credential sets each request is sent with. */
export type CredentialMode = 'none' | 'garbage' | 'admin';

export function credentialHeaders(op: SpecOperation, doc: OpenApiDoc, mode: CredentialMode, adminKey: string): Record<string, string> {
  if (mode === 'none') return {};
  const schemes = doc.components?.securitySchemes ?? {};
  const headers: Record<string, string> = {};
  for (const name of op.security.flat()) {
    const s = schemes[name];
    if (!s) continue;
    const secret = mode === 'admin' ? adminKey : 'garbage.garbage.garbage';
    if (s.type === 'apiKey' && s.in === 'header') headers[s.name.toLowerCase()] ??= secret;
    else if (s.type === 'http' && s.scheme === 'basic') headers.authorization ??= `Basic ${Buffer.from(`${secret}:`).toString('base64')}`;
    else if (s.type === 'http' && s.scheme === 'bearer') headers.authorization ??= `Bearer ${secret}`;
  }
  return headers;
}
