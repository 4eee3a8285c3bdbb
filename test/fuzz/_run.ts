/**
 * Sends the fuzz requests of one API to a running gateway and reports what broke: a 5xx (a 501
 * only counts as expected for an operation whose handler is still the not-implemented
 * placeholder), an error body not in the shape the operation's API answers, an error without
 * `X-Error-Id`, a stack trace or file path in a body, a header a request value injected, or a
 * request that took longer than the bound.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiDefinitions } from '../../server/apis/index.ts';
import { isImplemented } from '../../server/http/not-implemented.ts';
import { conjureError, directoryError, oauthError, passkeysError, passkeysScimError, problemError, scimError, vaultError, type ErrorFormatter } from '../../server/http/error-shapes.ts';
import { credentialHeaders, mutations, operationsOf, validRequest, type CredentialMode, type FuzzRequest, type SpecOperation } from './_requests.ts';

export const API_NAMES = ['secrets-vault', 'passkeys', 'directory-session', 'token-exchange', 'gateway'] as const;
export type ApiName = (typeof API_NAMES)[number];

export interface Finding {
  operationId: string;
  mutation: string;
  credentials: CredentialMode;
  method: string;
  url: string;
  status: number;
  problem: string;
  requestHeaders: Record<string, string>;
}

export interface FuzzReport {
  api: ApiName;
  operations: number;
  requests: number;
  byStatus: Record<string, number>;
  findings: Finding[];
}

export interface FuzzOptions {
  baseUrl: string;
  adminKey: string;
  seed: number;
  randomRuns: number;
  bodyLimit: number;
  concurrency?: number;
  /** a request (long polls: their wait plus this) must be answered within it */
  timeoutMs?: number;
}

type Shape = (body: Record<string, unknown>) => boolean;
const str = (v: unknown) => typeof v === 'string' && v.length > 0;
const isScimError: Shape = (b) => Array.isArray(b.schemas) && (b.schemas as unknown[]).includes('urn:ietf:params:scim:api:messages:2.0:Error') && str(b.status);
const SHAPES = new Map<ErrorFormatter, [string, Shape]>([
  [vaultError, ['Vault {detail}', (b) => str(b.detail) || Array.isArray(b.detail)]],
  [oauthError, ['RFC 6749 {error, error_description}', (b) => str(b.error)]],
  [scimError, ['RFC 7644 error', isScimError]],
  [passkeysScimError, ['RFC 7644 error with LoginID msgCode', (b) => isScimError(b) && str(b.msgCode)]],
  [passkeysError, ['LoginID {msg, msgCode}', (b) => str(b.msg) && str(b.msgCode)]],
  [directoryError, ['Infinite {code, error, uuid}', (b) => str(b.code) && b.error === true && str(b.uuid)]],
  [conjureError, ['Conjure {errorCode, errorName, errorInstanceId}', (b) => str(b.errorCode) && str(b.errorName) && str(b.errorInstanceId)]],
  [problemError, ['problem document with errorId', (b) => str(b.type) && str(b.title) && typeof b.status === 'number' && str(b.errorId)]],
]);

const LEAK = /\bat [\w$.<>]+ \(|node:internal|node_modules|\/work\/|\.ts:\d+:\d+|\bTypeError\b|\bReferenceError\b|MongoServerError|BSON field/;

export function loadDoc(api: ApiName): Parameters<typeof operationsOf>[0] & { servers?: { url: string }[] } {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../generated/${api}/openapi.json`, import.meta.url)), 'utf8'));
}

/** encodeURIComponent, except that a lone surrogate is sent as the (invalid) UTF-8 bytes it would have. */
function encodeLoose(value: string): string {
  return value
    .split(/([\ud800-\udfff])/)
    .map((part) =>
      /^[\ud800-\udfff]$/.test(part)
        ? Buffer.from([0xe0 | (part.charCodeAt(0) >> 12), 0x80 | ((part.charCodeAt(0) >> 6) & 0x3f), 0x80 | (part.charCodeAt(0) & 0x3f)])
            .toString('hex')
            .replace(/(..)/g, '%$1')
        : encodeURIComponent(part),
    )
    .join('');
}

function urlOf(baseUrl: string, serverUrl: string, op: SpecOperation, req: FuzzRequest): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => req.pathParams[name] ?? 'x');
  const prefix = serverUrl === '/' ? '' : serverUrl;
  const query = req.query.map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(v)}`).join('&');
  return `${baseUrl}${prefix}${path}${query ? `?${query}` : ''}`;
}

function injected(headers: Headers): string | undefined {
  let found: string | undefined;
  headers.forEach((value, name) => {
    if (name.startsWith('fuzzinj') || (name === 'set-cookie' && /fuzz=/.test(value))) found ??= `header ${name} injected`;
    else if (/fuzzinj="/.test(value)) found ??= `${name} gained a parameter: ${value}`;
  });
  return found;
}

async function send(url: string, req: FuzzRequest, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; headers: Headers; text: string } | { error: string }> {
  try {
    const res = await fetch(url, {
      method: req.method,
      headers,
      body: req.body && req.method !== 'GET' && req.method !== 'HEAD' ? new Uint8Array(req.body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (e) {
    return { error: (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `request failed: ${(e as Error).message}` };
  }
}

export async function fuzzApi(api: ApiName, options: FuzzOptions): Promise<FuzzReport> {
  const doc = loadDoc(api);
  const serverUrl = doc.servers?.[0]?.url ?? '/';
  const def = apiDefinitions().find((d) => d.name === api);
  if (!def) throw new Error(`no API ${api}`);
  const handlers = def.handlers as Record<string, unknown>;
  const tableOp = new Map(def.table.map((o) => [o.operationId, o]));
  const ops = operationsOf(doc);
  const jobs: { op: SpecOperation; req: FuzzRequest; credentials: CredentialMode }[] = [];
  for (const op of ops) {
    const longPoll = def.longPollOperations?.includes(op.operationId) ?? false;
    const base = validRequest(op, doc, longPoll);
    for (const credentials of ['none', 'garbage', 'admin'] as const) jobs.push({ op, req: base, credentials });
    const modes: CredentialMode[] = op.security.some((alt) => alt.length) ? ['admin', 'garbage', 'none'] : ['none'];
    mutations(op, doc, base, options).forEach((req, i) => jobs.push({ op, req, credentials: modes[i % modes.length] }));
  }

  const report: FuzzReport = { api, operations: ops.length, requests: jobs.length, byStatus: {}, findings: [] };
  const timeoutMs = options.timeoutMs ?? 10_000;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { op, req, credentials } = jobs[next++];
      const url = urlOf(options.baseUrl, serverUrl, op, req);
      const headers = { ...req.headers, ...credentialHeaders(op, doc, credentials, options.adminKey) };
      const longPoll = def.longPollOperations?.includes(op.operationId) ?? false;
      const res = await send(url, req, headers, longPoll ? timeoutMs + 5_000 : timeoutMs);
      const finding = (status: number, problem: string) =>
        report.findings.push({ operationId: op.operationId, mutation: req.mutation, credentials, method: req.method, url: url.slice(0, 300), status, problem, requestHeaders: req.headers });
      if ('error' in res) {
        finding(0, res.error);
        continue;
      }
      report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
      const notImplemented = res.status === 501 && !isImplemented(handlers[op.operationId]);
      if (res.status >= 500 && !notImplemented) finding(res.status, `answered ${res.status}: ${res.text.slice(0, 200)}`);
      if (LEAK.test(res.text)) finding(res.status, `internal detail in the body: ${res.text.slice(0, 200)}`);
      const inj = injected(res.headers);
      if (inj) finding(res.status, inj);
      if (res.status >= 400) {
        if (!res.headers.get('x-error-id')) finding(res.status, 'error without X-Error-Id');
        const formatter = def.errorFormatter(tableOp.get(op.operationId));
        const [shapeName, isShape] = SHAPES.get(formatter) ?? ['?', () => false];
        let body: unknown;
        try {
          body = JSON.parse(res.text);
        } catch {
          body = undefined;
        }
        if (!body || typeof body !== 'object' || !isShape(body as Record<string, unknown>)) finding(res.status, `error body not a ${shapeName}: ${res.text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return report;
}

/** A short table of findings: one line per (operation, mutation, problem kind). */
export function summarize(findings: readonly Finding[], limit = 40): string {
  const seen = new Map<string, Finding & { count: number }>();
  for (const f of findings) {
    const key = `${f.operationId} ${f.mutation} ${f.status} ${f.problem.slice(0, 60)}`;
    const entry = seen.get(key);
    if (entry) entry.count++;
    else seen.set(key, { ...f, count: 1 });
  }
  return [...seen.values()]
    .slice(0, limit)
    .map((f) => `${f.count}× ${f.operationId} [${f.mutation}, ${f.credentials}] ${f.method} ${f.url.slice(0, 140)} ${JSON.stringify(f.requestHeaders).slice(0, 160)} → ${f.status}: ${f.problem}`)
    .join('\n');
}
