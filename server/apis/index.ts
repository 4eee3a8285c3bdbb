/** The five APIs the gateway serves, each from its spec in specs/. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiDefinition } from '../http/mount-api.ts';
import { isImplemented } from '../http/not-implemented.ts';
import type { DocEntry } from '../ops/docs.ts';
import type { GatewayServices } from '../services.ts';
import { directoryApi } from './directory-session/index.ts';
import { vaultApi } from './secrets-vault/index.ts';
import { passkeysApi } from './passkeys/index.ts';
import { tokenExchangeApi } from './token-exchange/index.ts';
import { gatewayApi } from './gateway/index.ts';

const FACTORIES = {
  'directory-session': directoryApi,
  'secrets-vault': vaultApi,
  passkeys: passkeysApi,
  'token-exchange': tokenExchangeApi,
  gateway: gatewayApi,
} as const;

type ApiName = keyof typeof FACTORIES;

const specCache = new Map<ApiName, object>();

/**
 * The spec as `make codegen` wrote it from specs/<name>.yaml (JSON, which loads in milliseconds);
 * express-openapi-validator mutates what it is given, so each router gets a copy.
 */
function loadSpec(name: ApiName): object {
  let doc = specCache.get(name);
  if (!doc) {
    doc = JSON.parse(readFileSync(fileURLToPath(new URL(`../../generated/${name}/openapi.json`, import.meta.url)), 'utf8')) as object;
    specCache.set(name, doc);
  }
  return structuredClone(doc);
}

export function apiDefinitions(): ApiDefinition<GatewayServices>[] {
  return (Object.keys(FACTORIES) as ApiName[]).map((name) => FACTORIES[name](loadSpec(name)));
}

export function loadApiDocs(): DocEntry[] {
  return (Object.keys(FACTORIES) as ApiName[]).map((name) => {
    const spec = loadSpec(name) as { info?: { title?: string; version?: string } };
    const handlers = FACTORIES[name](spec).handlers as Record<string, unknown>;
    const pending = new Set(Object.keys(handlers).filter((id) => !isImplemented(handlers[id])));
    return { name, title: spec.info?.title ?? name, version: spec.info?.version ?? '', spec, notImplemented: pending };
  });
}
