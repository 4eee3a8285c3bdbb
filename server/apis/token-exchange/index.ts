/** The token-exchange API (seed 004) at /authorization/v1 and /api-key-internal/v1. */
import { operationTable, serverUrl } from '../../../generated/token-exchange/operations.ts';
import type { ApiDefinition } from '../../http/mount-api.ts';
import { conjureError } from '../../http/error-shapes.ts';
import type { GatewayServices } from '../../services.ts';
import { bearerJwt } from '../../security/bearer-jwt.ts';
import { audiences, issuers } from '../../issuers.ts';
import { handlers } from './handlers.ts';

export function tokenExchangeApi(spec: object): ApiDefinition<GatewayServices> {
  return {
    name: 'token-exchange',
    spec,
    serverUrl,
    prefixes: ['/authorization/v1', '/api-key-internal/v1'],
    table: operationTable,
    handlers,
    security: {
      BearerAuth: bearerJwt({
        scheme: 'BearerAuth',
        kind: 'access_token',
        issuer: (s) => issuers.tokenExchange(s.config.publicUrl),
        audience: (s) => audiences.tokenExchangeApi(s.config.publicUrl),
      }),
    },
    errorFormatter: () => conjureError,
  };
}
