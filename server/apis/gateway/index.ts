/** Our operator API at /gateway/v1 (specs/gateway.yaml). */
import { operationTable, serverUrl } from '../../../generated/gateway/operations.ts';
import type { ApiDefinition } from '../../http/mount-api.ts';
import { problemError } from '../../http/error-shapes.ts';
import type { GatewayServices } from '../../services.ts';
import { headerApiKey } from '../../security/api-key.ts';
import { handlers } from './handlers.ts';

export const GATEWAY_ADMIN_SCOPE = 'gateway:admin';

export function gatewayApi(spec: object): ApiDefinition<GatewayServices> {
  return {
    name: 'gateway',
    spec,
    serverUrl,
    table: operationTable,
    handlers,
    requiredScopes: Object.fromEntries(operationTable.map((op) => [op.operationId, [GATEWAY_ADMIN_SCOPE]])),
    security: { AdminApiKey: headerApiKey('AdminApiKey', 'X-API-Key') },
    errorFormatter: () => problemError,
  };
}
