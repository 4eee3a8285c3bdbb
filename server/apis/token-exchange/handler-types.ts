/** The generated Handlers of this API, for one operation at a time (one file per operationId). */
import type { Handlers } from '../../../generated/token-exchange/operations.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';

export type TokenExchangeHandler<Op extends keyof Handlers<ApiPrincipal, ApiContext>> = Handlers<ApiPrincipal, ApiContext>[Op];
