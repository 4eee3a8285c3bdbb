/** POST /api/oidc/token: the token endpoint with the tenant in the form (FastAPI error shape). */
import type { VaultHandlers } from '../handler-types.ts';
import { tokenReply } from './token-reply.ts';

export const tokenExchange: VaultHandlers<'tokenExchange'>['tokenExchange'] = ({ body, context }) =>
  tokenReply(context, body.tenant_id, body as Record<string, unknown>);
