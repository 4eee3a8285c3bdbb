/**
 * Secrets Vault: one handler per operation of specs/secrets-vault.yaml, assembled from the
 * groups below. The Handlers type makes a missing or mistyped handler a compile error.
 */
import type { Handlers } from '../../../generated/secrets-vault/operations.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';
import { authHandlers } from './auth/handlers.ts';
import { oidcHandlers } from './oidc/handlers.ts';
import { adminHandlers } from './admin/handlers.ts';
import { scimHandlers } from './scim/handlers.ts';
import { passkeyHandlers } from './passkeys/handlers.ts';

export const handlers: Handlers<ApiPrincipal, ApiContext> = {
  ...authHandlers,
  ...oidcHandlers,
  ...adminHandlers,
  ...scimHandlers,
  ...passkeyHandlers,
};
