/**
 * The admin CLI talks to a running gateway through the generated typed clients (clients/), the
 * same SDK the project ships: the Vault for tenants, clients, users, keys and lockout blocks, the
 * gateway operator API for the crypto core and Passkeys settings. Every answer goes through
 * `unwrap`, which turns a refusal into one line that says what to do (a wrong key, a missing
 * scope, a validation failure with its field) instead of a body dump or a stack trace.
 */
import { createGatewayClient, type GatewayClient } from '../../clients/gateway.ts';
import { createVaultClient, type VaultClient } from '../../clients/secrets-vault.ts';
import { CommandError, UsageError, type Invocation } from './cli.ts';

export interface Clients {
  vault: VaultClient;
  gateway: GatewayClient;
}

export function clientsFor(inv: Invocation): Clients {
  if (!inv.key) throw new UsageError('no API key: set GATEWAY_ADMIN_KEY or pass --key (the bootstrap admin key printed at the first start has every scope)');
  // A refused connection surfaces as a TypeError from fetch; name the URL and the cause instead.
  const fetchWithReason = async (request: Request): Promise<Response> => {
    try {
      return await fetch(request);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CommandError(`cannot reach the gateway at ${inv.url}: ${cause?.code ?? cause?.message ?? (error as Error).message} (set GATEWAY_URL or --url)`);
    }
  };
  return {
    vault: createVaultClient({ baseUrl: inv.url, auth: { APIKeyHeader: inv.key }, fetch: fetchWithReason }),
    gateway: createGatewayClient({ baseUrl: inv.url, auth: { AdminApiKey: inv.key }, fetch: fetchWithReason }),
  };
}

interface ValidationItem {
  loc?: (string | number)[];
  msg?: string;
}

/** The message of an error body in any of the gateway's shapes: Vault `{detail}`, RFC 9457 problems. */
function errorMessage(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const { detail, title } = body as { detail?: unknown; title?: unknown };
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return (detail as ValidationItem[]).map((d) => `${(d.loc ?? []).filter((l) => l !== 'body').join('.') || 'request'}: ${d.msg ?? 'invalid'}`).join('; ');
  }
  return typeof title === 'string' ? title : null;
}

const HINTS: Record<number, string> = {
  401: 'the gateway does not know this API key (check GATEWAY_ADMIN_KEY or --key)',
  403: 'this API key may not do that (it lacks the scope, or belongs to another tenant)',
};

/** The data of a successful answer; a CommandError with one line for a refusal. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  const { response } = result;
  if (response.ok) return result.data as T;
  const message = errorMessage(result.error);
  const hint = HINTS[response.status];
  const reason = hint && message ? `${hint}: ${message}` : (hint ?? message ?? response.statusText);
  throw new CommandError(`${what}: ${reason} (HTTP ${response.status})`);
}

/**
 * A request body that leaves out the fields with a spec default: the generated types mark them
 * present (every answer carries them), while a request may omit them and gets the default.
 */
export const withDefaults = <T>(body: Partial<T>): T => body as T;
