/** Each Directory handler file exports one slice of the generated Handlers, named by its operationId. */
import type { Handlers } from '../../../generated/directory-session/operations.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';

export type DirectoryHandlers<K extends keyof Handlers<ApiPrincipal, ApiContext>> = Pick<Handlers<ApiPrincipal, ApiContext>, K>;
export type DirectoryHandler<K extends keyof Handlers<ApiPrincipal, ApiContext>> = Handlers<ApiPrincipal, ApiContext>[K];
