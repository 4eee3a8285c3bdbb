/** Shared by the Vault administration tests: per-key clients and the "never readable again" check. */
import type { ExecutionContext } from 'ava';
import { createVaultClient, type VaultClient } from '../../clients/secrets-vault.ts';
import { hashSecret } from '../../server/identity/secrets/hash.ts';
import type { TestGateway } from '../helpers/gateway.ts';

export function vaultWithKey(gw: TestGateway, key: string): VaultClient {
  return createVaultClient({ baseUrl: gw.url, auth: { APIKeyHeader: key } });
}

export function vaultWithToken(gw: TestGateway, token: string): VaultClient {
  return createVaultClient({ baseUrl: gw.url, auth: { HTTPBearer: token } });
}

/** Asserts that no response body holds the secret or its SHA-256 (the stored hash). */
export function assertNoSecret(t: ExecutionContext, bodies: unknown[], secret: string): void {
  const hash = hashSecret(secret);
  for (const body of bodies) {
    const text = JSON.stringify(body);
    t.false(text.includes(secret), 'a response carries the secret');
    t.false(text.includes(hash), 'a response carries the hash of the secret');
  }
}

let counter = 0;
/** A tenant id unique within the test file (tenant ids are global). */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The generated request types make every field with a default required; the API does not (the
 * server fills defaults, which is what these tests check), so tests build bodies loosely.
 */
export type Loose<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: Loose<T[K]> } : T;
export const loose = <T>(body: Loose<T>): T => body as T;
