/** POST /api/oidc/{tenant_id}/token: the tenant's token endpoint (FastAPI error shape). */
import type { VaultHandlers } from '../handler-types.ts';
import { tokenReply } from './token-reply.ts';

export const tokenExchangeTenant: VaultHandlers<'tokenExchangeTenant'>['tokenExchangeTenant'] = ({ params, body, context }) =>
  tokenReply(context, params.tenant_id, body as Record<string, unknown>);
