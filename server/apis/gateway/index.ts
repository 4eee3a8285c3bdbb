/** Our operator API at /gateway/v1 (specs/gateway.yaml). */
import { operationTable, serverUrl } from '../../../generated/gateway/operations.ts';
import type { ApiDefinition } from '../../http/mount-api.ts';
import { problemError } from '../../http/error-shapes.ts';
import type { GatewayServices } from '../../services.ts';
import { headerApiKey } from '../../security/api-key.ts';
import { handlers } from './handlers.ts';

export function gatewayApi(spec: object): ApiDefinition<GatewayServices> {
  return {
    name: 'gateway',
    spec,
    serverUrl,
    table: operationTable,
    handlers,
    security: { AdminApiKey: headerApiKey('AdminApiKey', 'X-API-Key') },
    // the operator API is the platform's: a tenant's key holding a scope named gateway:admin is not enough
    platformOperations: () => true,
    errorFormatter: () => problemError,
  };
}
