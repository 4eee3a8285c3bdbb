/**
 * Reads an OpenAPI 3.1 document into the few facts the generators need: operations with their
 * method, path, security alternatives, parameters by location, request media types and response
 * statuses. Everything else (schemas) is openapi-typescript's job.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface SecurityScheme {
  name: string;
  type: 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'mutualTLS';
  in?: 'header' | 'query' | 'cookie';
  headerName?: string;
  scheme?: string;
}

export interface OperationModel {
  operationId: string;
  method: HttpMethod;
  /** path as written in the spec, relative to servers[0].url */
  path: string;
  /** alternatives (OR) of scheme lists (AND); an empty inner list means "no authentication" */
  security: string[][];
  /** per alternative, the scopes its requirements list (OpenAPI 3.1 allows them for every scheme type) */
  securityScopes: string[][];
  parameterNames: Record<'path' | 'query' | 'header' | 'cookie', string[]>;
  requestContentTypes: string[];
  requestBodyRequired: boolean;
  /** explicit statuses in spec order, 'default' last when present */
  responses: { status: string; contentTypes: string[] }[];
  aliasOf?: string;
}

export interface SpecModel {
  title: string;
  version: string;
  serverUrl: string;
  schemes: SecurityScheme[];
  operations: OperationModel[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function deref(doc: Doc, node: Doc): Doc {
  let cur = node;
  for (let hops = 0; cur && typeof cur.$ref === 'string'; hops++) {
    if (hops > 32 || !cur.$ref.startsWith('#/')) throw new Error(`unresolvable $ref ${cur.$ref}`);
    cur = cur.$ref
      .slice(2)
      .split('/')
      .map((p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o: Doc, k: string) => o?.[k], doc);
  }
  if (cur === undefined) throw new Error(`dangling $ref ${node.$ref}`);
  return cur;
}

export function loadSpecDocument(file: string): Doc {
  return parse(readFileSync(file, 'utf8'));
}

export function readSpecModel(doc: Doc): SpecModel {
  const schemes: SecurityScheme[] = Object.entries(doc.components?.securitySchemes ?? {}).map(([name, raw]) => {
    const s = deref(doc, raw);
    return { name, type: s.type, in: s.in, headerName: s.type === 'apiKey' ? s.name : undefined, scheme: s.scheme?.toLowerCase() };
  });
  const operations: OperationModel[] = [];
  for (const [path, rawItem] of Object.entries<Doc>(doc.paths ?? {})) {
    const item = deref(doc, rawItem);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      if (!op.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      const parameterNames = { path: [] as string[], query: [] as string[], header: [] as string[], cookie: [] as string[] };
      for (const rawParam of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const p = deref(doc, rawParam);
        const list = parameterNames[p.in as keyof typeof parameterNames];
        if (list && !list.includes(p.name)) list.push(p.name);
      }
      const body = op.requestBody ? deref(doc, op.requestBody) : undefined;
      const requirements: Record<string, string[]>[] = op.security ?? doc.security ?? [];
      const security = requirements.map((req) => Object.keys(req));
      const securityScopes = requirements.map((req) => [...new Set(Object.values(req).flat())]);
      const responses = Object.entries<Doc>(op.responses ?? {})
        .map(([status, raw]) => ({ status, contentTypes: Object.keys(deref(doc, raw).content ?? {}) }))
        .sort((a, b) => (a.status === 'default' ? 1 : 0) - (b.status === 'default' ? 1 : 0));
      operations.push({
        operationId: op.operationId,
        method,
        path,
        security,
        securityScopes,
        parameterNames,
        requestContentTypes: Object.keys(body?.content ?? {}),
        requestBodyRequired: Boolean(body?.required),
        responses,
        aliasOf: op['x-alias-of'],
      });
    }
  }
  const ids = new Set<string>();
  for (const op of operations) {
    if (ids.has(op.operationId)) throw new Error(`duplicate operationId ${op.operationId}`);
    ids.add(op.operationId);
  }
  operations.sort((a, b) => a.operationId.localeCompare(b.operationId));
  return {
    title: doc.info?.title ?? '',
    version: doc.info?.version ?? '',
    serverUrl: doc.servers?.[0]?.url ?? '/',
    schemes,
    operations,
  };
}
