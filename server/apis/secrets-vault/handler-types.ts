/** The Vault's handlers are written in groups (one folder per area); each group is a slice of the generated Handlers. */
import type { Handlers } from '../../../generated/secrets-vault/operations.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';

export type VaultHandlers<K extends keyof Handlers<ApiPrincipal, ApiContext>> = Pick<Handlers<ApiPrincipal, ApiContext>, K>;
