/**
 * `npm run coverage:ops`: implemented / total operations per API, read from the handler maps the
 * server binds (an operation bound to `notImplemented` answers 501 and is not counted).
 * Aliases (the Directory's POST twins of GET operations) are counted under their GET operation.
 */
import { isImplemented } from '../server/http/not-implemented.ts';
import { handlers as directory } from '../server/apis/directory-session/handlers.ts';
import { handlers as vault } from '../server/apis/secrets-vault/handlers.ts';
import { handlers as passkeys } from '../server/apis/passkeys/handlers.ts';
import { handlers as tokenExchange } from '../server/apis/token-exchange/handlers.ts';
import { handlers as gateway } from '../server/apis/gateway/handlers.ts';
import { operationTable as directoryOps } from '../generated/directory-session/operations.ts';
import { operationTable as vaultOps } from '../generated/secrets-vault/operations.ts';
import { operationTable as passkeysOps } from '../generated/passkeys/operations.ts';
import { operationTable as tokenExchangeOps } from '../generated/token-exchange/operations.ts';
import { operationTable as gatewayOps } from '../generated/gateway/operations.ts';
import type { OperationEntry } from '../generated/handler-types.ts';

export interface Coverage {
  api: string;
  implemented: string[];
  missing: string[];
}

export function coverage(): Coverage[] {
  const apis: [string, readonly OperationEntry[], object][] = [
    ['directory-session', directoryOps, directory],
    ['secrets-vault', vaultOps, vault],
    ['passkeys', passkeysOps, passkeys],
    ['token-exchange', tokenExchangeOps, tokenExchange],
    ['gateway', gatewayOps, gateway],
  ];
  return apis.map(([api, table, map]) => {
    const handlers = map as Record<string, unknown>;
    const ops = table.filter((op) => !op.aliasOf);
    return {
      api,
      implemented: ops.filter((op) => isImplemented(handlers[op.operationId])).map((op) => op.operationId),
      missing: ops.filter((op) => !isImplemented(handlers[op.operationId])).map((op) => op.operationId),
    };
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const rows = coverage();
  const width = Math.max(...rows.map((r) => r.api.length));
  console.log(`${'API'.padEnd(width)}  implemented / total`);
  for (const r of rows) {
    const total = r.implemented.length + r.missing.length;
    console.log(`${r.api.padEnd(width)}  ${String(r.implemented.length).padStart(3)} / ${total}`);
  }
  if (process.argv.includes('--missing')) {
    for (const r of rows) if (r.missing.length) console.log(`\n${r.api} not implemented: ${r.missing.join(', ')}`);
  }
}
