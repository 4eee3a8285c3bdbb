/** The Principal and Context every API's generated Handlers are instantiated with. */
import type { Principal } from '../http/principal.ts';
import type { RequestContext } from '../http/context.ts';
import type { GatewayServices } from '../services.ts';

export type ApiPrincipal = Principal;
export type ApiContext = RequestContext<GatewayServices>;
