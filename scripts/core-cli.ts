// `npm run core -- status | swap <file.wasm> | rollback | history [limit]`: the operator CLI of the
// crypto core. It talks to a running gateway over the operations API (specs/gateway.yaml) with the
// generated client, so it works against any instance, local or remote.
//
// Environment: GATEWAY_URL (default http://localhost:$PORT or http://localhost:8080) and
// GATEWAY_ADMIN_KEY, an API key with the scope `gateway:admin` (the bootstrap admin key has it).
import { readFile } from 'node:fs/promises';
import { createGatewayClient } from '../clients/gateway.ts';

const USAGE = 'usage: npm run core -- status | swap <file.wasm> | rollback | history [limit]';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  const [command, arg] = argv;
  const baseUrl = process.env.GATEWAY_URL ?? `http://localhost:${process.env.PORT ?? 8080}`;
  const key = process.env.GATEWAY_ADMIN_KEY;
  if (!command || !['status', 'swap', 'rollback', 'history'].includes(command)) fail(USAGE);
  if (!key) fail('GATEWAY_ADMIN_KEY is not set (an API key with the scope gateway:admin)');
  const client = createGatewayClient({ baseUrl, auth: { AdminApiKey: key } });

  let result: { data?: unknown; error?: unknown; response: Response };
  switch (command) {
    case 'status':
      result = await client.GET('/core');
      break;
    case 'swap': {
      if (!arg) fail(USAGE);
      const bytes = new Uint8Array(await readFile(arg));
      result = await client.POST('/core/swap', {
        // The spec types a binary body as a string; the runtime sends a Uint8Array as it is.
        body: bytes as unknown as string,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      break;
    }
    case 'rollback':
      result = await client.POST('/core/rollback');
      break;
    default: {
      const limit = arg === undefined ? undefined : Number(arg);
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 500)) fail('history limit: an integer from 1 to 500');
      result = await client.GET('/core/history', { params: { query: limit === undefined ? {} : { limit } } });
    }
  }
  const body = result.error ?? result.data;
  console.log(JSON.stringify(body, null, 2));
  if (!result.response.ok) process.exit(1);
}

main(process.argv.slice(2)).catch((err: unknown) => fail(`cannot reach the gateway: ${err instanceof Error ? err.message : String(err)}`));
