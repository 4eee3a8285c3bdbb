/**
 * Compile-time contract checks, verified by `tsc --noEmit` (test/specs/typecheck.test.ts): each
 * `@ts-expect-error` must meet an error, or the compile fails. Nothing here runs.
 */
import { createVaultClient } from '../../clients/secrets-vault.ts';
import { createGatewayClient } from '../../clients/gateway.ts';
import { createTokenExchangeClient } from '../../clients/token-exchange.ts';
import type { Handlers as GatewayHandlers } from '../../generated/gateway/operations.ts';
import type { Handlers as VaultHandlers } from '../../generated/secrets-vault/operations.ts';

const vault = createVaultClient({ baseUrl: 'http://localhost:8080', auth: { APIKeyHeader: 'k' } });
const tx = createTokenExchangeClient({ baseUrl: 'http://localhost:8080' });

export async function clientCalls(): Promise<void> {
  // A correct call compiles.
  await vault.POST('/auth/register', {
    body: { username: 'alice', email: 'alice@example.com', encrypted_commitment: 'x'.repeat(40), proto_version: 'zkimg-1' },
  });
  await vault.GET('/users/{tenant_id}', { params: { path: { tenant_id: 'default' }, query: { sort_by: 'username', limit: 10 } } });

  // @ts-expect-error a body of the wrong type (username must be a string)
  await vault.POST('/auth/register', { body: { username: 42, email: 'a@b.c', encrypted_commitment: 'x', proto_version: 'zkimg-1' } });

  // @ts-expect-error a missing required body field (email)
  await vault.POST('/auth/register', { body: { username: 'alice', encrypted_commitment: 'x', proto_version: 'zkimg-1' } });

  // @ts-expect-error a missing required path parameter
  await vault.GET('/users/{tenant_id}', { params: { path: {} } });

  // @ts-expect-error a wrong enum value
  await vault.GET('/users/{tenant_id}', { params: { path: { tenant_id: 'default' }, query: { sort_by: 'shoe_size' } } });

  // @ts-expect-error an operation that does not exist
  await vault.GET('/no/such/path');

  // @ts-expect-error token exchange: idToken is required
  await tx.POST('/authorization/v1/access-token', { body: {} });

  // @ts-expect-error a credential for a scheme the API does not have
  createGatewayClient({ baseUrl: 'x', auth: { HTTPBearer: 't' } });
}

type P = { tenantId: string };

export const wrongReplies: Partial<GatewayHandlers<P, unknown>> = {
  // @ts-expect-error a 200 body of the wrong shape (CoreStatus needs active and onReference)
  async getCoreStatus() {
    return { status: 200, body: { active: 'wasm' } };
  },
  // @ts-expect-error a status the operation's explicit responses do not carry with that body
  async rollbackCore() {
    return { status: 409, body: { detail: 'not a problem document' } };
  },
  // A correct error reply through the default response compiles.
  async listOutbox() {
    return { status: 404, body: { type: 'about:blank', title: 'Not found', status: 404 } };
  },
};

export const vaultReplies: Partial<VaultHandlers<P, unknown>> = {
  // @ts-expect-error FastAPI validation errors are `{detail: [...]}`, not a string
  async register() {
    return { status: 422, body: { detail: 'bad' } };
  },
  // The seed's literal null body compiles.
  async changePassword() {
    return { status: 200, body: null };
  },
};
